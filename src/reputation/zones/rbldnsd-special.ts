/** What a `$` line of an rbldnsd data file means for the listing. */
export type Special =
  | { readonly kind: "ignored" }
  | { readonly kind: "maxrange4"; readonly size: number }
  | { readonly kind: "dataset"; readonly type: string }
  | { readonly kind: "bad"; readonly message: string };

const TIME = /^\d+[smhdw]?$/i;
const IGNORED: Special = { kind: "ignored" };
const BAD: Special = { kind: "bad", message: "invalid or unrecognized special entry" };

/** True for `$…`, and `#$…`, `;$…`, `:$…` (kept readable by djb's rbldns too). */
export function isSpecial(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 36 /* $ */) return true;
  return (c === 35 || c === 59 || c === 58) && line.charCodeAt(1) === 36;
}

/**
 * Reads a special line (already known to be one). SOA, NS, TTL, TIMESTAMP and the `$n` / `$=`
 * substitutions shape DNS answers, not the listed set, so they are only checked for shape.
 */
export function readSpecial(line: string): Special {
  const body = line.slice(line.charCodeAt(0) === 36 ? 1 : 2);
  const words = body.split(/[ \t]+/).filter((w) => w !== "");
  const keyword = (words[0] ?? "").toLowerCase();
  const args = words.slice(1);
  switch (keyword) {
    case "soa":
      return args.length === 8 && TIME.test(args[0] as string) ? IGNORED : BAD;
    case "ns":
      return args.length >= 2 && TIME.test(args[0] as string) ? IGNORED : BAD;
    case "ttl":
      return args.length === 1 && TIME.test(args[0] as string) ? IGNORED : BAD;
    case "timestamp":
      return args.length >= 1 && args.length <= 2 ? IGNORED : BAD;
    case "maxrange4":
      return maxRange(args);
    case "dataset": {
      const type = (args[0] ?? "").split(":")[0]?.toLowerCase() ?? "";
      return type === "" ? BAD : { kind: "dataset", type };
    }
    default:
      // $0 … $9 and $= set substitution text for TXT answers.
      return /^[0-9=]$/.test(keyword) && args.length > 0 ? IGNORED : BAD;
  }
}

/** `$MAXRANGE4 256` or `$MAXRANGE4 /24`: entries wider than this are ignored. */
function maxRange(args: readonly string[]): Special {
  const text = args[0] ?? "";
  if (args.length !== 1) return BAD;
  const cidr = /^\/(\d{1,2})$/.exec(text);
  if (cidr) {
    const bits = Number(cidr[1]);
    return bits <= 32 ? { kind: "maxrange4", size: 2 ** (32 - bits) } : BAD;
  }
  if (!/^\d{1,10}$/.test(text) || Number(text) === 0 || Number(text) > 0xffffffff) return BAD;
  return { kind: "maxrange4", size: Number(text) };
}

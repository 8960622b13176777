import { formatPrefix, type Prefix, type Prefix4, type Prefix6, parsePrefix } from "../core/index.js";
import type { DiagnosticList } from "./diagnostics.js";
import { parseKind } from "./kind.js";
import { POOL_KINDS, type Pool, type PoolKind } from "./types.js";

/** Splits one CSV record (RFC 4180 quoting, no embedded newlines); undefined on an unclosed quote. */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return undefined;
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (i >= line.length) return fields;
      if (line[i] !== ",") return undefined;
      i++;
    } else {
      const comma = line.indexOf(",", i);
      if (comma < 0) {
        fields.push(line.slice(i).trim());
        return fields;
      }
      fields.push(line.slice(i, comma).trim());
      i = comma + 1;
    }
  }
}

/** The kinds as written in a CSV export; anything else goes through parseKind. */
const PLAIN_KINDS: readonly PoolKind[] = POOL_KINDS;

/**
 * Reads pools written as CSV, `prefix,kind,region,name` (a header line naming those columns is
 * optional; `#` starts a comment line). For ISPs whose plan has tens of thousands of prefixes.
 *
 * Plans with hundreds of thousands of pools make this a hot path, so most lines take a fast
 * path (see plainRecord) and the rest are read by readRecord, the general reader.
 */
export function parsePoolsCsv(text: string, file: string, diagnostics: DiagnosticList): Pool[] {
  const pools: Pool[] = [];
  const readRecord = (raw: string, line: number): void => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const fields = splitCsvLine(trimmed);
    if (!fields) {
      diagnostics.error(file, line, "unclosed quote or text after a closing quote");
      return;
    }
    if (pools.length === 0 && fields[0]?.toLowerCase() === "prefix") return;
    if (fields.length < 2 || fields.length > 4) {
      diagnostics.error(file, line, `expected prefix,kind,region,name but found ${fields.length} field(s)`);
      return;
    }
    const [prefixText = "", kindText = "", region = "", name = ""] = fields;
    const prefix = diagnostics.attempt(file, line, () => parsePrefix(prefixText));
    const kind = diagnostics.attempt(file, line, () => parseKind(kindText));
    if (!prefix || !kind) return;
    pools.push(newPool(prefix, kind, region, name, file, line));
  };
  // Lines as text.split(/\r?\n/) gives them, without making that array.
  let line = 0;
  for (let from = 0; from <= text.length; ) {
    let to = text.indexOf("\n", from);
    if (to < 0) to = text.length;
    line++;
    const end = to > from && text.charCodeAt(to - 1) === 13 ? to - 1 : to;
    if (pools.length === 0 || !plainRecord(text, from, end, file, line, pools)) {
      readRecord(text.slice(from, end), line);
    }
    from = to + 1;
  }
  return pools;
}

function newPool(
  prefix: Prefix,
  kind: PoolKind,
  region: string,
  name: string,
  file: string,
  line: number,
): Pool {
  const source = { file, line };
  const poolName = name === "" ? formatPrefix(prefix) : name;
  // The same keys in the same order as `{ prefix, kind, ...(region && { region }), name, source }`.
  return region !== ""
    ? { prefix, kind, region, name: poolName, source }
    : { prefix, kind, name: poolName, source };
}

/**
 * The fast path of parsePoolsCsv for the line text[from, to): 2 to 4 fields, a prefix written
 * plainly, a kind written as such, and region and name neither quoted nor padded (so unquoting
 * and trimming would change nothing). Adds the pool and returns true; returns false, having done
 * nothing, for any other line (blank lines, comments, the header and every mistake among them),
 * which the general reader then reads, so results and messages are the same either way.
 */
function plainRecord(
  text: string,
  from: number,
  to: number,
  file: string,
  line: number,
  pools: Pool[],
): boolean {
  const comma1 = text.indexOf(",", from);
  if (comma1 < 0 || comma1 >= to) return false; // one field (or none)
  let comma2 = text.indexOf(",", comma1 + 1);
  if (comma2 >= to) comma2 = -1;
  let comma3 = comma2 < 0 ? -1 : text.indexOf(",", comma2 + 1);
  if (comma3 >= to) comma3 = -1;
  if (comma3 >= 0) {
    const comma4 = text.indexOf(",", comma3 + 1);
    if (comma4 >= 0 && comma4 < to) return false; // five or more fields
  }
  const kindEnd = comma2 < 0 ? to : comma2;
  let kind: PoolKind | undefined;
  for (const k of PLAIN_KINDS) {
    if (kindEnd - comma1 - 1 === k.length && text.startsWith(k, comma1 + 1)) kind = k;
  }
  if (kind === undefined) return false;
  const regionEnd = comma3 < 0 ? to : comma3;
  if (comma2 >= 0 && !plainField(text, comma2 + 1, regionEnd)) return false;
  if (comma3 >= 0 && !plainField(text, comma3 + 1, to)) return false;
  // The prefix parsers accept digits, hex, '.', ':' and '/' only, so no padding or quote either.
  const prefix = plainIpv4Prefix(text, from, comma1) ?? plainIpv6Prefix(text, from, comma1);
  if (prefix === undefined) return false;
  const region = comma2 < 0 ? "" : text.slice(comma2 + 1, regionEnd);
  const name = comma3 < 0 ? "" : text.slice(comma3 + 1, to);
  pools.push(newPool(prefix, kind, region, name, file, line));
  return true;
}

/**
 * True when the field text[from, to) reads the same unquoted and trimmed: empty, or it starts
 * and ends with printable ASCII other than a space, and does not start with a quote.
 */
function plainField(text: string, from: number, to: number): boolean {
  if (to <= from) return true;
  const first = text.charCodeAt(from);
  const last = text.charCodeAt(to - 1);
  return first > 32 && first < 127 && first !== 34 && last > 32 && last < 127;
}

/**
 * A plain decimal in text[from, to): digits only, no leading zero, at most `maxDigits`; -1 if
 * it is not one. This is the form parsePrefix's octets and lengths take.
 */
function plainDecimal(text: string, from: number, to: number, maxDigits: number): number {
  const digits = to - from;
  if (digits < 1 || digits > maxDigits || (digits > 1 && text.charCodeAt(from) === 48)) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * parsePrefix for `a.b.c.d/n` written plainly with the host bits clear, read in place from
 * text[from, to); undefined for anything else (leading zeros, a bare address, any mistake),
 * which then goes through parsePrefix itself, so values and error messages stay exactly its own.
 */
function plainIpv4Prefix(text: string, from: number, to: number): Prefix4 | undefined {
  let start = 0;
  let i = from;
  for (let part = 0; part < 4; part++) {
    // Three octets end at a dot, the fourth at the slash.
    const stop = text.indexOf(part < 3 ? "." : "/", i);
    if (stop < 0 || stop >= to) return undefined;
    const octet = plainDecimal(text, i, stop, 3);
    if (octet < 0 || octet > 255) return undefined;
    start = start * 256 + octet;
    i = stop + 1;
  }
  const length = plainDecimal(text, i, to, 2);
  if (length < 0 || length > 32 || start % 2 ** (32 - length) !== 0) return undefined;
  return { family: 4, start, length };
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The 16-bit groups of the IPv6 address being read (scratch space, reused). */
const groups = [0, 0, 0, 0, 0, 0, 0, 0];

/**
 * parsePrefix for IPv6 `x:x::x/n` (hex groups, at most one `::`, no embedded IPv4, no zone)
 * with the host bits clear and not IPv4-mapped, read in place from text[from, to); undefined for
 * anything else, which then goes through parsePrefix itself.
 */
function plainIpv6Prefix(text: string, from: number, to: number): Prefix6 | undefined {
  const slash = text.indexOf("/", from);
  if (slash < 0 || slash >= to || slash - from < 2 || slash - from > 45) return undefined;
  const length = plainDecimal(text, slash + 1, to, 3);
  if (length < 0 || length > 128) return undefined;
  let count = 0;
  let gap = -1;
  let i = from;
  if (text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  }
  while (i < slash) {
    let group = 0;
    const begin = i;
    for (; i < slash; i++) {
      const h = hexDigit(text.charCodeAt(i));
      if (h < 0) break;
      group = group * 16 + h;
    }
    if (i === begin || i - begin > 4 || count === 8) return undefined;
    groups[count++] = group;
    if (i === slash) break;
    if (text.charCodeAt(i) !== 58) return undefined; // only ':' may follow a group
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined; // a second '::'
      gap = count;
      i++;
    } else if (i === slash) return undefined; // a trailing single ':'
  }
  if (gap < 0 ? count !== 8 : count > 7) return undefined;
  // Expand '::' (move the groups after it to the end, zero the middle), then pack into four
  // 32-bit words, most significant first.
  if (gap >= 0 && count < 8) {
    const zeros = 8 - count;
    for (let k = count - 1; k >= gap; k--) groups[k + zeros] = groups[k] as number;
    for (let k = gap; k < gap + zeros; k++) groups[k] = 0;
  }
  const w0 = (groups[0] as number) * 65536 + (groups[1] as number);
  const w1 = (groups[2] as number) * 65536 + (groups[3] as number);
  const w2 = (groups[4] as number) * 65536 + (groups[5] as number);
  const w3 = (groups[6] as number) * 65536 + (groups[7] as number);
  // IPv4-mapped (::ffff:a.b.c.d) from /96 on is parsePrefix's to report.
  if (length >= 96 && w0 === 0 && w1 === 0 && w2 === 0xffff) return undefined;
  // Host bits set: each word's bits past `length` must be zero.
  for (let w = 0; w < 4; w++) {
    const kept = Math.min(32, Math.max(0, length - 32 * w));
    const value = w === 0 ? w0 : w === 1 ? w1 : w === 2 ? w2 : w3;
    if (kept < 32 && value % 2 ** (32 - kept) !== 0) return undefined;
  }
  const start =
    (BigInt(w0) << 96n) |
    (BigInt(w1) << 64n) |
    (w2 === 0 && w3 === 0 ? 0n : (BigInt(w2) << 32n) | BigInt(w3));
  return { family: 6, start, length };
}

import { type Address, parseAddress, parsePrefix, prefixContainsAddress } from "../core/index.js";
import { parseRfc5322Date } from "./rfc5322-date.js";

/** Which header of the reported message gave its source address. */
export type TraceRule = "X-Originating-IP" | "Received";

/** What the reported message's trace says about where it came from and when it arrived. */
export interface Trace {
  readonly source: {
    readonly address: Address;
    readonly port: number | null;
    readonly rule: TraceRule;
  } | null;
  /** The date of the first Received: from outside the reporter: when the reporter's MX took it. */
  readonly receivedMs: number | null;
}

/** One Received: field, read as far as the trace needs it. */
export interface Hop {
  readonly address: Address | null;
  readonly port: number | null;
  /** The client's name as the receiving MTA looked it up (`name [ip]`), never the HELO it was told. */
  readonly reverseName: string | null;
  readonly byHost: string | null;
  readonly dateMs: number | null;
}

/** Addresses no outside sender connects from: a hop from one is inside the reporter. */
const NOT_PUBLIC = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "224.0.0.0/3",
  "::/127",
  "fc00::/7",
  "fe80::/10",
  "ff00::/8",
].map(parsePrefix);

export function isPublic(address: Address): boolean {
  return !NOT_PUBLIC.some((prefix) => prefixContainsAddress(prefix, address));
}

/** Second-level labels under which country domains register names (com.br, co.uk, ne.jp …). */
const SECOND_LEVEL = new Set(["ac", "co", "com", "edu", "go", "gob", "gov", "mil", "ne", "net", "or", "org"]);

/** The registered domain of a host name, near enough without the public suffix list. */
export function orgDomain(host: string): string {
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  const keep =
    labels.length > 2 && (labels.at(-1) as string).length === 2 && SECOND_LEVEL.has(labels.at(-2) as string)
      ? 3
      : 2;
  return labels.slice(-keep).join(".");
}

const MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An address literal; an IPv4-mapped IPv6 one (LMTP, dual-stack sockets) as the IPv4 it maps. */
function address(text: string): Address | null {
  const bare = text.replace(/^ipv6:/i, "");
  try {
    return parseAddress(MAPPED.exec(bare)?.[1] ?? bare);
  } catch {
    return null;
  }
}

interface Item {
  readonly word?: string;
  readonly comment?: string;
}

/** Words and (comments) of a field, comments flattened (nested ones kept as text). */
function tokenize(text: string): Item[] {
  const items: Item[] = [];
  let depth = 0;
  let current = "";
  const flush = (comment: boolean) => {
    if (current.trim() !== "") items.push(comment ? { comment: current.trim() } : { word: current.trim() });
    current = "";
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === "\\" && depth > 0) {
      current += text.slice(i, i + 2);
      i++;
    } else if (char === "(") {
      if (depth === 0) flush(false);
      else current += char;
      depth++;
    } else if (char === ")" && depth > 0) {
      depth--;
      if (depth === 0) flush(true);
      else current += char;
    } else if (depth === 0 && /\s/.test(char)) flush(false);
    else current += char;
  }
  flush(depth > 0);
  return items;
}

const CLAUSES = new Set(["from", "by", "via", "with", "id", "for"]);
/** What the client said in HELO/EHLO: its choice, so never an address to trust. */
const HELO = /\b(?:helo|ehlo)(?:=|\s+)\S+/gi;
/** `[ip]`, `[IPv6:ip]`, Exim's `[ip]:port` and `[ipv4:port]`, or a bare address. */
const LITERAL = /^\[([^\]]+)\](?::(\d{1,5}))?$/;

function literal(token: string): { address: Address; port: number | null } | null {
  const cleaned = token.replace(/[,;]$/, "");
  const bracketed = LITERAL.exec(cleaned);
  const inside = bracketed ? (bracketed[1] as string) : cleaned;
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(inside);
  const found = address(withPort ? (withPort[1] as string) : inside);
  if (!found) return null;
  const port = Number(withPort?.[2] ?? bracketed?.[2] ?? Number.NaN);
  return { address: found, port: port >= 0 && port <= 65535 ? port : null };
}

/**
 * Reads a Received: field: its client address (the last address literal in the parentheses after
 * `from`, which every MTA fills from the connection, else the `from` name when it is a literal),
 * the port when the MTA writes one (Exim), the name its MTA looked the client up as, the `by`
 * host and the date after the `;`.
 */
export function readHop(value: string): Hop {
  const semicolon = value.lastIndexOf(";");
  const dateMs = semicolon < 0 ? null : (parseRfc5322Date(value.slice(semicolon + 1).trim()) ?? null);
  const items = tokenize(semicolon < 0 ? value : value.slice(0, semicolon));
  const clause = (name: string): Item[] => {
    const at = items.findIndex((item) => item.word?.toLowerCase() === name);
    if (at < 0) return [];
    const end = items.findIndex(
      (item, i) => i > at && item.word !== undefined && CLAUSES.has(item.word.toLowerCase()),
    );
    return items.slice(at + 1, end < 0 ? undefined : end);
  };
  const from = clause("from");
  const byHost = clause("by").find((item) => item.word)?.word ?? null;
  let found: { address: Address; port: number | null } | null = null;
  let reverseName: string | null = null;
  let portNote: number | null = null;
  for (const item of from) {
    if (item.comment === undefined) continue;
    const comment = item.comment.replace(HELO, " ");
    const named = /^([A-Za-z0-9][\w.-]*\.?)\s+\[/.exec(comment);
    if (named && named[1]?.toLowerCase() !== "unknown") reverseName = (named[1] as string).replace(/\.$/, "");
    const note = /\bport=(\d{1,5})\b/.exec(comment);
    if (note) portNote = Number(note[1]);
    for (const token of comment.split(/\s+/)) found = literal(token) ?? found;
  }
  const name = from.find((item) => item.word)?.word;
  found ??= name ? literal(name) : null;
  const port = found?.port ?? (portNote !== null && portNote <= 65535 ? portNote : null);
  return { address: found?.address ?? null, port: found ? port : null, reverseName, byHost, dateMs };
}

/** A header block's fields in order, unfolded. */
function fieldsOf(headers: string): { name: string; value: string }[] {
  return headers
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .flatMap((line) => {
      const colon = line.indexOf(":");
      return colon > 0
        ? [{ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() }]
        : [];
    });
}

/**
 * Reads the reported message's header block from the top, where the reporter's own fields are,
 * down to the first Received: from outside the reporter. A hop is the reporter's own when its
 * client address is not public (loopback, private, link-local …) or the name its MTA looked the
 * client up as is in a domain of the reporter (`reporterHosts`, and the `by` hosts of the hops
 * read so far). The HELO name is never trusted: the sender chooses it. The source is an
 * X-Originating-IP the reporter added above that hop, else that hop's client address. Fields
 * below it were written by the sender's side and are not read.
 */
export function readTrace(headers: string, reporterHosts: readonly string[]): Trace {
  const reporter = new Set(reporterHosts.filter((host) => host.includes(".")).map(orgDomain));
  let source: Trace["source"] = null;
  for (const field of fieldsOf(headers)) {
    if (field.name === "x-originating-ip" && !source) {
      const given = address(field.value.replace(/^\[?([^\]\s]+)\]?.*$/, "$1"));
      if (given && isPublic(given)) source = { address: given, port: null, rule: "X-Originating-IP" };
      continue;
    }
    if (field.name !== "received") continue;
    const hop = readHop(field.value);
    if (hop.byHost?.includes(".")) reporter.add(orgDomain(hop.byHost));
    if (!hop.address) continue;
    const inside =
      !isPublic(hop.address) || (hop.reverseName !== null && reporter.has(orgDomain(hop.reverseName)));
    if (inside) continue;
    return {
      source: source ?? { address: hop.address, port: hop.port, rule: "Received" },
      receivedMs: hop.dateMs,
    };
  }
  return { source, receivedMs: null };
}

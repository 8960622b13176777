/**
 * CAIDA's RouteViews prefix-to-AS tables: `prefix<TAB>length<TAB>asn` per line, where the AS field
 * may name several origins (`701_702`, announced by both) or an AS set (`{701,702}` or `701,702`).
 * Such prefixes are given to the first AS named: one owner per address keeps counts additive.
 */
import { IPV4, IPV6, parseIpv4, parseIpv6 } from "../../core/index.js";
import { type LineResult, readTable } from "./read-table.js";
import type { NetworkLayers } from "./sinks.js";
import { addSpan, parseAsn, type Span } from "./span.js";

export interface Pfx2asRow {
  readonly span: Span;
  /** Every AS the line names, in its order. */
  readonly asns: readonly number[];
}

const LENGTH = /^[0-9]{1,3}$/;

function prefixSpan(address: string, lengthText: string): Span | string {
  if (!LENGTH.test(lengthText)) return `"${lengthText}" is not a prefix length`;
  const length = Number(lengthText);
  if (address.includes(":")) {
    const start = parseIpv6(address);
    if (start === undefined) return `"${address}" is not an IPv6 address`;
    if (length > 128) return `IPv6 prefix length ${length} is above 128`;
    const size = IPV6.blockSize(length);
    if (start % size !== 0n) return `${address}/${length} has host bits set`;
    return { family: 6, start, end: start + size - 1n };
  }
  const start = parseIpv4(address);
  if (start < 0) return `"${address}" is not an IPv4 address`;
  if (length > 32) return `IPv4 prefix length ${length} is above 32`;
  const size = IPV4.blockSize(length);
  if (start % size !== 0) return `${address}/${length} has host bits set`;
  return { family: 4, start, end: start + size - 1 };
}

export function parsePfx2asLine(line: string): LineResult<Pfx2asRow> {
  if (line === "" || line.startsWith("#")) return undefined;
  const parts = line.split("\t");
  if (parts.length !== 3) return "expected prefix<TAB>length<TAB>asn";
  const span = prefixSpan(parts[0] as string, parts[1] as string);
  if (typeof span === "string") return span;
  const asns: number[] = [];
  for (const text of (parts[2] as string).replace(/[{}]/g, "").split(/[_,]/)) {
    const asn = parseAsn(text);
    if (asn < 0) return `"${parts[2]}" is not an AS number, a multi-origin list (a_b) or an AS set (a,b)`;
    asns.push(asn);
  }
  return { span, asns };
}

export function readPfx2as(file: string, layers: NetworkLayers): Promise<number> {
  return readTable(file, parsePfx2asLine, (row) => {
    const asn = row.asns[0] as number;
    if (asn !== 0) addSpan(layers.asn, row.span, asn);
  });
}

/**
 * The RIRs' delegated-extended statistics (delegated-ripencc-extended-latest and the like):
 * `registry|cc|type|start|value|date|status|opaque-id`, after a version line and summary lines.
 * For ipv4 `value` is an address count (not always a power of two), for ipv6 a prefix length.
 * Allocated and assigned ranges give the country the space was delegated to; asn lines, and
 * available or reserved space, carry no address-to-country fact and are skipped.
 */
import { IPV6, parseIpv4, parseIpv6 } from "../../core/index.js";
import { encodeCountry } from "./country-code.js";
import { type LineResult, readTable } from "./read-table.js";
import type { NetworkLayers } from "./sinks.js";
import { addSpan, type Span } from "./span.js";

export interface DelegatedRow {
  readonly registry: string;
  readonly country: string;
  readonly span: Span;
  readonly status: "allocated" | "assigned";
}

const COUNT = /^[1-9][0-9]{0,9}$/;
const VERSION = /^[0-9]+(\.[0-9]+)?$/;

function delegatedSpan(type: string, start: string, value: string): Span | string {
  if (type === "ipv4") {
    const first = parseIpv4(start);
    if (first < 0) return `"${start}" is not an IPv4 address`;
    if (!COUNT.test(value)) return `"${value}" is not an address count`;
    const last = first + Number(value) - 1;
    if (last > 0xffffffff) return `${start} plus ${value} addresses runs past 255.255.255.255`;
    return { family: 4, start: first, end: last };
  }
  const first = parseIpv6(start);
  if (first === undefined) return `"${start}" is not an IPv6 address`;
  if (!/^[0-9]{1,3}$/.test(value) || Number(value) > 128) return `"${value}" is not an IPv6 prefix length`;
  const size = IPV6.blockSize(Number(value));
  if (first % size !== 0n) return `${start}/${value} has host bits set`;
  return { family: 6, start: first, end: first + size - 1n };
}

export function parseDelegatedLine(line: string): LineResult<DelegatedRow> {
  if (line === "" || line.startsWith("#")) return undefined;
  const parts = line.split("|");
  // The version line: version|registry|serial|records|startdate|enddate|UTCoffset.
  if (VERSION.test(parts[0] as string)) return undefined;
  // Summary lines: registry|*|type|*|count|summary.
  if (parts[1] === "*" && parts[5] === "summary") return undefined;
  if (parts.length < 7) return "expected registry|cc|type|start|value|date|status";
  const [registry, cc, type, start, value, , status] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (type !== "ipv4" && type !== "ipv6" && type !== "asn") return `"${type}" is not ipv4, ipv6 or asn`;
  if (status !== "allocated" && status !== "assigned") {
    if (status === "available" || status === "reserved") return undefined;
    return `"${status}" is not allocated, assigned, available or reserved`;
  }
  if (type === "asn") return undefined;
  if (encodeCountry(cc) < 0) return `"${cc}" is not a two-letter country code`;
  const span = delegatedSpan(type, start, value);
  if (typeof span === "string") return span;
  return { registry, country: cc.toUpperCase(), span, status };
}

export function readDelegated(file: string, layers: NetworkLayers): Promise<number> {
  return readTable(file, parseDelegatedLine, (row) =>
    addSpan(layers.country, row.span, encodeCountry(row.country)),
  );
}

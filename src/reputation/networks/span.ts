import { IPV4, IPV6, parseIpv4, parseIpv6 } from "../../core/index.js";
import type { Layer } from "./layer.js";

/** An inclusive range of addresses of one family, as one line of a table gives it. */
export type Span =
  | { readonly family: 4; readonly start: number; readonly end: number }
  | { readonly family: 6; readonly start: bigint; readonly end: bigint };

type Bound = { family: 4; value: number } | { family: 6; value: bigint };

const DECIMAL = /^[0-9]{1,39}$/;
const V4_MAX = IPV4.max;
const V6_MAX = IPV6.max;

/**
 * An address written as text, or as a decimal number (ip-location-db's -num files) whose family
 * the file name says; undefined when it is neither.
 */
function parseBound(text: string, numericFamily: 4 | 6): Bound | string {
  if (text.includes(":")) {
    const value = parseIpv6(text);
    return value === undefined ? `"${text}" is not an IPv6 address` : { family: 6, value };
  }
  if (text.includes(".")) {
    const value = parseIpv4(text);
    return value < 0 ? `"${text}" is not an IPv4 address` : { family: 4, value };
  }
  if (!DECIMAL.test(text)) return `"${text}" is not an address`;
  if (numericFamily === 4) {
    const value = Number(text);
    if (value > V4_MAX) return `${text} is above 4294967295 (an IPv6 table? its name should say ipv6)`;
    return { family: 4, value };
  }
  const value = BigInt(text);
  return value > V6_MAX ? `${text} is above the IPv6 range` : { family: 6, value };
}

/** The range [first, last]; a message when either end is malformed or they disagree. */
export function parseSpan(first: string, last: string, numericFamily: 4 | 6 = 4): Span | string {
  const start = parseBound(first, numericFamily);
  if (typeof start === "string") return start;
  const end = parseBound(last, numericFamily);
  if (typeof end === "string") return end;
  if (start.family !== end.family) return `"${first}" and "${last}" are of different families`;
  if (end.value < start.value) return `the range ends (${last}) before it starts (${first})`;
  return start.family === 4
    ? { family: 4, start: start.value, end: end.value as number }
    : { family: 6, start: start.value, end: end.value as bigint };
}

export function addSpan(layer: Layer, span: Span, value: number): void {
  if (span.family === 4) layer.add4(span.start, span.end, value);
  else layer.add6(span.start, span.end, value);
}

const ASN = /^[0-9]{1,10}$/;

/** An AS number 0..4294967295 (asplain), or -1. */
export function parseAsn(text: string): number {
  if (!ASN.test(text)) return -1;
  const value = Number(text);
  return value > V4_MAX ? -1 : value;
}

/** The family of the decimal addresses in a table, from its name (asn-ipv6-num.csv). */
export function numericFamilyOf(file: string): 4 | 6 {
  return /ipv6|v6/i.test(file.split("/").pop() ?? file) ? 6 : 4;
}

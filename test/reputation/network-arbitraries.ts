import fc from "fast-check";
import { formatIpv4, formatIpv6 } from "../../src/core/index.js";
import type { Span } from "../../src/reputation/networks/index.js";

/** Any IPv4 range. */
export const span4 = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([a, b]): Span => ({ family: 4, start: Math.min(a, b), end: Math.max(a, b) }));

const V6_MAX = (1n << 128n) - 1n;
/** Any IPv6 range outside ::ffff:0:0/96 (which the address parser refuses as IPv4 in disguise). */
export const span6 = fc
  .tuple(fc.bigInt({ min: 0n, max: V6_MAX }), fc.bigInt({ min: 0n, max: V6_MAX }))
  .map(([a, b]) => (a < b ? [a, b] : [b, a]))
  .map(([start, end]): Span => ({ family: 6, start: start as bigint, end: end as bigint }));

export const span = fc.oneof(span4, span6);

export const asn = fc.integer({ min: 1, max: 0xffffffff });
export const country = fc
  .tuple(fc.integer({ min: 65, max: 90 }), fc.integer({ min: 65, max: 90 }))
  .map(([a, b]) => String.fromCharCode(a, b));

export function formatBound(value: number | bigint): string {
  return typeof value === "number" ? formatIpv4(value) : formatIpv6(value);
}

/** A mix of table-like text and noise: what a parser must answer without throwing. */
export const garbageLine = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom("192.0.2.1", "2001:db8::", "64496", "BR", "", "*", "None"),
      ),
      {
        maxLength: 9,
      },
    )
    .chain((parts) => fc.constantFrom(...[",", "\t", "|"].map((sep) => parts.join(sep)))),
);

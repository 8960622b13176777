import { UserError } from "./errors.js";
import { IPV4, IPV6 } from "./family.js";
import { type Address, formatIpv4, formatIpv6, parseIpv4, parseIpv6, rejectMapped } from "./ip.js";

export type Prefix4 = { readonly family: 4; readonly start: number; readonly length: number };
export type Prefix6 = { readonly family: 6; readonly start: bigint; readonly length: number };
export type Prefix = Prefix4 | Prefix6;

const LENGTH = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Parses `a.b.c.d/n` or `x::/n`; a bare address is a host prefix. Host bits set below the
 * length are an error, since a plan that says 203.0.113.7/24 usually means something else.
 */
export function parsePrefix(text: string): Prefix {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const addressText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const lengthText = slash < 0 ? undefined : trimmed.slice(slash + 1);
  if (lengthText !== undefined && !LENGTH.test(lengthText)) {
    throw new UserError(`"${trimmed}" has a malformed prefix length`);
  }
  if (addressText.includes(":")) {
    const start = parseIpv6(addressText);
    if (start === undefined) throw new UserError(`"${trimmed}" is not an IPv6 prefix`);
    const length = lengthText === undefined ? 128 : Number(lengthText);
    if (length > 128) throw new UserError(`"${trimmed}": IPv6 prefix length ${length} is above 128`);
    // Below /96 a mapped start always has host bits set, which the check below reports.
    if (length >= 96) rejectMapped(trimmed, start, length);
    const prefix: Prefix6 = { family: 6, start, length };
    if (start & hostMask6(length)) {
      throw new UserError(
        `"${trimmed}" has host bits set; the network is ${formatPrefix(networkOf(prefix))}`,
      );
    }
    return prefix;
  }
  const start = parseIpv4(addressText);
  if (start < 0) throw new UserError(`"${trimmed}" is not an IPv4 prefix`);
  const length = lengthText === undefined ? 32 : Number(lengthText);
  if (length > 32) {
    throw new UserError(
      `"${trimmed}": IPv4 prefix length ${length} is above 32 (an IPv6 length on an IPv4 address?)`,
    );
  }
  const prefix: Prefix4 = { family: 4, start, length };
  if (start % IPV4.blockSize(length) !== 0) {
    throw new UserError(`"${trimmed}" has host bits set; the network is ${formatPrefix(networkOf(prefix))}`);
  }
  return prefix;
}

function hostMask6(length: number): bigint {
  return IPV6.blockSize(length) - 1n;
}

/** The prefix with its host bits cleared. */
export function networkOf(prefix: Prefix): Prefix {
  if (prefix.family === 4) {
    const size = IPV4.blockSize(prefix.length);
    return { family: 4, start: prefix.start - (prefix.start % size), length: prefix.length };
  }
  return { family: 6, start: prefix.start & ~hostMask6(prefix.length), length: prefix.length };
}

export function formatPrefix(prefix: Prefix): string {
  return prefix.family === 4
    ? `${formatIpv4(prefix.start)}/${prefix.length}`
    : `${formatIpv6(prefix.start)}/${prefix.length}`;
}

/** The inclusive last address of the prefix. */
export function prefixEnd(prefix: Prefix4): number;
export function prefixEnd(prefix: Prefix6): bigint;
export function prefixEnd(prefix: Prefix): number | bigint;
export function prefixEnd(prefix: Prefix): number | bigint {
  return prefix.family === 4
    ? IPV4.blockEnd(prefix.start, prefix.length)
    : IPV6.blockEnd(prefix.start, prefix.length);
}

export function prefixContainsAddress(prefix: Prefix, address: Address): boolean {
  if (prefix.family !== address.family) return false;
  return prefix.start <= address.value && address.value <= prefixEnd(prefix);
}

/** True when `inner` lies wholly inside `outer` (a prefix contains itself). */
export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  if (outer.family !== inner.family || inner.length < outer.length) return false;
  return outer.start <= inner.start && prefixEnd(inner) <= prefixEnd(outer);
}

/** Orders by family, then start address, then shorter (wider) prefix first. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  return a.length - b.length;
}

export function prefixSize(prefix: Prefix): bigint {
  return prefix.family === 4 ? BigInt(IPV4.blockSize(prefix.length)) : IPV6.blockSize(prefix.length);
}

import { UserError } from "./errors.js";

export type Family = 4 | 6;

/** IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. */
export type Address =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

export const IPV4_MAX = 0xffffffff;
export const IPV6_MAX = (1n << 128n) - 1n;

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses dotted-quad IPv4; returns -1 when the text is not one (no exceptions on the hot path). */
export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) return -1;
  let value = 0;
  for (const part of parts) {
    // Leading zeros are refused: inet_aton would read them as octal.
    if (!DECIMAL_OCTET.test(part)) return -1;
    const octet = Number(part);
    if (octet > 255) return -1;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseGroups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (allowTrailingIpv4 && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 < 0) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else {
      if (!HEX_GROUP.test(part)) return undefined;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups;
}

/** Parses IPv6 text (RFC 4291 §2.2, with `::` and a trailing dotted quad); undefined when it is not one. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const gap = text.indexOf("::");
  let groups: number[] | undefined;
  if (gap < 0) {
    groups = parseGroups(text, true);
    if (groups?.length !== 8) return undefined;
  } else {
    if (text.indexOf("::", gap + 1) >= 0) return undefined;
    const head = parseGroups(text.slice(0, gap), false);
    const tail = parseGroups(text.slice(gap + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Formats IPv6 in the RFC 5952 canonical form. */
export function formatIpv6(value: bigint): string {
  // One bigint-to-hex conversion, then plain string work: 8 bigint shifts per address are slow.
  const digits = value.toString(16).padStart(32, "0");
  const groups: number[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(Number.parseInt(digits.slice(i, i + 4), 16));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** Parses an IPv4 or IPv6 address; throws UserError with a one-line reason. */
export function parseAddress(text: string): Address {
  const trimmed = text.trim();
  if (trimmed.includes(":")) {
    if (trimmed.includes("%")) throw new UserError(`"${trimmed}" has a zone index; write the address alone`);
    const value = parseIpv6(trimmed);
    if (value === undefined) throw new UserError(`"${trimmed}" is not an IPv6 address`);
    rejectMapped(trimmed, value);
    return { family: 6, value };
  }
  const value = parseIpv4(trimmed);
  if (value < 0) throw new UserError(`"${trimmed}" is not an IPv4 address`);
  return { family: 4, value };
}

/**
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is an IPv4 address in disguise; filters would never match it.
 * `length` (96..128) is a prefix length: ::ffff:a.b.c.d/(96+n) is the IPv4 prefix a.b.c.d/n.
 */
export function rejectMapped(text: string, value: bigint, length = 128): void {
  if (value >> 32n === 0xffffn) {
    const v4 = formatIpv4(Number(value & 0xffffffffn));
    // Suggesting the bare address for a shorter prefix would turn a network into one host.
    const form = length === 128 ? v4 : `${v4}/${length - 96}`;
    throw new UserError(`"${text}" is an IPv4-mapped IPv6 address; write the IPv4 form ${form}`);
  }
}

export function formatAddress(address: Address): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}

export function compareAddresses(a: Address, b: Address): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

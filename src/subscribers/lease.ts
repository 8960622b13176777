import type { Address } from "../core/index.js";

/**
 * One subscriber holding an address, or a delegated IPv6 prefix, over [startMs, endMs).
 * `endMs` null: still open (a session never stopped, a DHCP lease that `ends never`).
 */
export interface Lease {
  /** The first address of the prefix; the address itself when `prefixLength` is 32 or 128. */
  readonly address: Address;
  readonly prefixLength: number;
  readonly subscriber: string;
  readonly startMs: number;
  readonly endMs: number | null;
}

export const LEASE_FORMATS = ["radius-detail", "dhcpd", "kea-csv"] as const;
export type LeaseFormat = (typeof LEASE_FORMATS)[number];

/** What a parser yields: a lease, or a malformed record at a 1-based line of its input. */
export type ParseEvent =
  | { readonly lease: Lease }
  | { readonly error: { readonly line: number; readonly message: string } };

/** Lines of a lease file, in order; parsers count them from 1. */
export type Lines = AsyncIterable<string> | Iterable<string>;

export function fullLength(address: Address): number {
  return address.family === 4 ? 32 : 128;
}

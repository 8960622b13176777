import type { Address } from "../core/index.js";

/** Ports first..last (both held) of one address. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

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
  /**
   * The block of the address's ports the subscriber holds where CGNAT shares one public address
   * among several subscribers; absent when the lease holds the whole address.
   */
  readonly ports?: PortRange;
}

export const LEASE_FORMATS = ["radius-detail", "dhcpd", "kea-csv"] as const;
export type LeaseFormat = (typeof LEASE_FORMATS)[number];

/** What a parser yields: a lease, or a malformed record at a 1-based line of its input. */
export type ParseEvent =
  | { readonly lease: Lease }
  | { readonly error: { readonly line: number; readonly message: string } };

/** Lines of a lease file, in order; parsers count them from 1. */
export type Lines = AsyncIterable<string> | Iterable<string>;

export const ALL_PORTS: PortRange = { first: 0, last: 65535 };

export function fullLength(address: Address): number {
  return address.family === 4 ? 32 : 128;
}

/** A stored lease's block, or undefined when it holds the whole address (0-65535). */
export function storedPorts(first: number, last: number): PortRange | undefined {
  return first === ALL_PORTS.first && last === ALL_PORTS.last ? undefined : { first, last };
}

/** `1024-2047`, as lease listings print a block. */
export const formatPorts = (ports: PortRange): string => `${ports.first}-${ports.last}`;

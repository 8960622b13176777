import { IPV4, IPV6 } from "./family.js";
import { IntervalSet } from "./interval-set.js";
import type { Address } from "./ip.js";
import { type Prefix, prefixEnd } from "./prefix.js";

/** A set of IPv4 and IPv6 addresses: one interval set per family. */
export class AddressSet {
  private prefixes: readonly Prefix[] | undefined;

  constructor(
    readonly v4: IntervalSet<number>,
    readonly v6: IntervalSet<bigint>,
  ) {}

  static readonly EMPTY = new AddressSet(IntervalSet.empty(IPV4), IntervalSet.empty(IPV6));

  static fromPrefixes(prefixes: Iterable<Prefix>): AddressSet {
    const v4: [number, number][] = [];
    const v6: [bigint, bigint][] = [];
    for (const prefix of prefixes) {
      if (prefix.family === 4) v4.push([prefix.start, prefixEnd(prefix)]);
      else v6.push([prefix.start, prefixEnd(prefix)]);
    }
    return new AddressSet(IntervalSet.fromRanges(IPV4, v4), IntervalSet.fromRanges(IPV6, v6));
  }

  get isEmpty(): boolean {
    return this.v4.isEmpty && this.v6.isEmpty;
  }

  union(other: AddressSet): AddressSet {
    return new AddressSet(this.v4.union(other.v4), this.v6.union(other.v6));
  }

  difference(other: AddressSet): AddressSet {
    return new AddressSet(this.v4.difference(other.v4), this.v6.difference(other.v6));
  }

  intersection(other: AddressSet): AddressSet {
    return new AddressSet(this.v4.intersection(other.v4), this.v6.intersection(other.v6));
  }

  equals(other: AddressSet): boolean {
    return this.v4.equals(other.v4) && this.v6.equals(other.v6);
  }

  has(address: Address): boolean {
    return address.family === 4 ? this.v4.has(address.value) : this.v6.has(address.value);
  }

  coversPrefix(prefix: Prefix): boolean {
    return prefix.family === 4
      ? this.v4.coversRange(prefix.start, prefixEnd(prefix))
      : this.v6.coversRange(prefix.start, prefixEnd(prefix));
  }

  overlapsPrefix(prefix: Prefix): boolean {
    return prefix.family === 4
      ? this.v4.overlapsRange(prefix.start, prefixEnd(prefix))
      : this.v6.overlapsRange(prefix.start, prefixEnd(prefix));
  }

  /**
   * The minimal CIDR list covering exactly this set: IPv4 ascending, then IPv6 ascending.
   * Kept once computed (the set is immutable): renderers ask for it more than once.
   */
  toPrefixes(): readonly Prefix[] {
    if (!this.prefixes) {
      const out: Prefix[] = [];
      for (const { start, length } of this.v4.toBlocks()) out.push({ family: 4, start, length });
      for (const { start, length } of this.v6.toBlocks()) out.push({ family: 6, start, length });
      this.prefixes = out;
    }
    return this.prefixes;
  }
}

import { type Address, type Prefix, parsePrefix, prefixEnd, UserError } from "../../core/index.js";
import type { ListingSet } from "../listing-set.js";
import { scan, scanOctets } from "./ip4-syntax.js";
import { Leveled6 } from "./levels6.js";
import { RangeBuffer4 } from "./range-buffer4.js";

/** Addresses and prefixes of both families, all listed (formats without exclusions). */
export class AddressCollector {
  private readonly v4 = new RangeBuffer4();
  private readonly v6 = new Leveled6(1);

  /**
   * Reads a dotted-quad address, `a.b.c.d/n` or IPv6 prefix from `token`; returns why it is not
   * one. IPv4 takes the allocation-free path: most lines of a big list are single addresses.
   */
  addText(token: string): string | undefined {
    const at = scanOctets(token, 0);
    if (at === token.length && scan.bits === 32 && !hasLeadingZero(token)) {
      this.v4.add(scan.start, scan.start);
      return undefined;
    }
    let prefix: Prefix;
    try {
      prefix = parsePrefix(token);
    } catch (error) {
      if (error instanceof UserError) return error.message;
      throw error;
    }
    this.add(prefix);
    return undefined;
  }

  add(prefix: Prefix | Address): void {
    if ("length" in prefix) {
      if (prefix.family === 4) this.v4.add(prefix.start, prefixEnd(prefix));
      else this.v6.add(0, prefix.start, prefixEnd(prefix), false);
    } else if (prefix.family === 4) this.v4.add(prefix.value, prefix.value);
    else this.v6.add(0, prefix.value, prefix.value, false);
  }

  finish(): ListingSet {
    const v6 = this.v6.resolve();
    return { v4: this.v4.takeMerged(), v6Starts: [...v6.starts], v6Ends: [...v6.ends] };
  }
}

/** `010.0.0.1`: inet_aton would read the octet as octal, so the address is ambiguous. */
function hasLeadingZero(token: string): boolean {
  for (let i = 0; i + 1 < token.length; i++) {
    if (token.charCodeAt(i) === 48 && (i === 0 || token.charCodeAt(i - 1) === 46)) {
      const next = token.charCodeAt(i + 1);
      if (next >= 48 && next <= 57) return true;
    }
  }
  return false;
}

/** The listing made of these addresses (as DNS look-ups found them listed). */
export function listingOfAddresses(addresses: Iterable<Prefix | Address>): ListingSet {
  const collector = new AddressCollector();
  for (const address of addresses) collector.add(address);
  return collector.finish();
}

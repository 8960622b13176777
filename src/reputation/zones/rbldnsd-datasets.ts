import { IntervalSet, IPV6 } from "../../core/index.js";
import { endsEntry, mask4, scan, scanCidr4, scanOctets, scanRange4 } from "./ip4-syntax.js";
import { scan6, scanCidr6 } from "./ip6-syntax.js";
import { LeveledRanges4, PrefixBlocks4 } from "./levels4.js";
import { Leveled6 } from "./levels6.js";
import { RangeBuffer4 } from "./range-buffer4.js";
import { EMPTY4 } from "./ranges4.js";
import { checkValue } from "./rbldnsd-value.js";

export const ZONE_TYPES = ["ip4set", "ip4tset", "ip4trie", "ip6trie"] as const;
export type ZoneType = (typeof ZONE_TYPES)[number];

/** What the file says so far that holds across its datasets. */
export interface ZoneContext {
  /** `$MAXRANGE4`: entries with more addresses than this are ignored; 0 when unset. */
  maxRange4: number;
}

/** One dataset's entries: non-blank, non-comment, non-special lines, trimmed. */
export interface Dataset {
  line(text: string): string | undefined;
  finishV4(): Uint32Array;
  finishV6(): IntervalSet<bigint>;
}

const INVALID = "invalid address";
const HOST_BITS = "invalid range (non-zero host part)";

function tooLarge(context: ZoneContext, size: number): string | undefined {
  return context.maxRange4 > 0 && size > context.maxRange4
    ? `range of ${size} addresses ignored ($MAXRANGE4 is ${context.maxRange4})`
    : undefined;
}

/** The entry's exclusion mark: returns the position of the address after `!` and blanks. */
function afterBang(s: string): number {
  if (s.charCodeAt(0) !== 33) return 0;
  let at = 1;
  while (s.charCodeAt(at) === 32 || s.charCodeAt(at) === 9) at++;
  return at;
}

/**
 * ip4set: ranges are cut at octet boundaries into /32, /24, /16 and /8 entries, exactly as
 * rbldnsd stores them; the finest granularity holding an address decides, and at the same
 * granularity an exclusion beats a listing.
 */
class Ip4Set implements Dataset {
  private readonly levels = new LeveledRanges4(4);
  constructor(private readonly context: ZoneContext) {}

  line(s: string): string | undefined {
    if (s.charCodeAt(0) === 58) return checkValue(s, 0);
    const from = afterBang(s);
    const excluded = from > 0;
    const at = scanRange4(s, from);
    if (at < 0 || scan.bits === 0 || !endsEntry(s, at)) return INVALID;
    const { start, end, bits } = scan;
    if (start % 2 ** (32 - bits) !== 0) return HOST_BITS;
    const large = tooLarge(this.context, end - start + 1);
    if (large) return large;
    if (!excluded) {
      const bad = checkValue(s, at);
      if (bad) return bad;
    }
    this.expand(start, end, excluded);
    return undefined;
  }

  /** rbldnsd's ip4range_expand: whole octets move up a level, the ragged ends stay below. */
  private expand(first: number, last: number, excluded: boolean): void {
    let a = first;
    let b = last;
    for (let level = 0; level < 3; level++) {
      const unit = 2 ** (8 * level);
      if (a - (a % 256) + 255 >= b) {
        this.add(b - a === 255 ? level + 1 : level, a, b, unit, excluded);
        return;
      }
      if (a % 256 !== 0) {
        this.add(level, a, a - (a % 256) + 255, unit, excluded);
        a = Math.floor(a / 256) + 1;
      } else a /= 256;
      if (b % 256 !== 255) {
        this.add(level, b - (b % 256), b, unit, excluded);
        b = Math.floor(b / 256) - 1;
      } else b = Math.floor(b / 256);
    }
    this.add(3, a, b, 2 ** 24, excluded);
  }

  /** Units a..b of `unit` addresses each, at a level. */
  private add(level: number, a: number, b: number, unit: number, excluded: boolean): void {
    if (b >= a) this.levels.add(level, a * unit, (b + 1) * unit - 1, excluded);
  }

  finishV4(): Uint32Array {
    return this.levels.resolve();
  }

  finishV6(): IntervalSet<bigint> {
    return IntervalSet.empty(IPV6);
  }
}

/** ip4tset: whole addresses only, all with the same value; no exclusions. */
class Ip4TSet implements Dataset {
  private readonly addresses = new RangeBuffer4();

  line(s: string): string | undefined {
    if (s.charCodeAt(0) === 58) return checkValue(s, 0);
    const at = scanOctets(s, 0);
    if (at < 0 || scan.bits !== 32 || !endsEntry(s, at)) return INVALID;
    this.addresses.add(scan.start, scan.start);
    return undefined;
  }

  finishV4(): Uint32Array {
    return this.addresses.takeMerged();
  }

  finishV6(): IntervalSet<bigint> {
    return IntervalSet.empty(IPV6);
  }
}

/** ip4trie: CIDR only; the longest prefix decides; the first of two equal prefixes wins. */
class Ip4Trie implements Dataset {
  private readonly blocks = new PrefixBlocks4();
  constructor(private readonly context: ZoneContext) {}

  line(s: string): string | undefined {
    if (s.charCodeAt(0) === 58) return checkValue(s, 0);
    const from = afterBang(s);
    const excluded = from > 0;
    const at = scanCidr4(s, from);
    if (at < 0 || !endsEntry(s, at)) return INVALID;
    const { start, bits } = scan;
    if ((start & ~mask4(bits)) !== 0) return HOST_BITS;
    const large = tooLarge(this.context, 2 ** (32 - bits));
    if (large) return large;
    if (!excluded) {
      const bad = checkValue(s, at);
      if (bad) return bad;
    }
    this.blocks.add(bits, start, excluded);
    return undefined;
  }

  finishV4(): Uint32Array {
    return this.blocks.resolve();
  }

  finishV6(): IntervalSet<bigint> {
    return IntervalSet.empty(IPV6);
  }
}

/** ip6trie: IPv6 CIDR; the longest prefix decides; the first of two equal prefixes wins. */
class Ip6Trie implements Dataset {
  private readonly prefixes = new Leveled6(129);

  line(s: string): string | undefined {
    // `::1` is an address, `:127.0.0.2:…` a default value.
    if (s.charCodeAt(0) === 58 && s.charCodeAt(1) !== 58) return checkValue(s, 0);
    const from = afterBang(s);
    const excluded = from > 0;
    const at = scanCidr6(s, from);
    if (at < 0 || !endsEntry(s, at)) return INVALID;
    const { start, bits } = scan6;
    const hostMask = (1n << BigInt(128 - bits)) - 1n;
    if ((start & hostMask) !== 0n) return HOST_BITS;
    if (!excluded) {
      const bad = checkValue(s, at);
      if (bad) return bad;
    }
    this.prefixes.add(128 - bits, start, start | hostMask, excluded);
    return undefined;
  }

  finishV4(): Uint32Array {
    return EMPTY4;
  }

  finishV6(): IntervalSet<bigint> {
    return this.prefixes.resolve();
  }
}

export function newDataset(type: ZoneType, context: ZoneContext): Dataset {
  switch (type) {
    case "ip4set":
      return new Ip4Set(context);
    case "ip4tset":
      return new Ip4TSet();
    case "ip4trie":
      return new Ip4Trie(context);
    case "ip6trie":
      return new Ip6Trie();
  }
}

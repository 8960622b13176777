import { radixSortUint32 } from "../../core/index.js";
import { RangeBuffer4 } from "./range-buffer4.js";
import { EMPTY4, PairWriter, subtract4, union4 } from "./ranges4.js";

/** What one precedence level says: addresses it lists and addresses it excludes. */
export interface Level4 {
  readonly listed: Uint32Array;
  readonly excluded: Uint32Array;
}

/**
 * The listed set when the most specific level that mentions an address decides it, listing or
 * exclusion (rbldnsd's rule: ip4set by /32, /24, /16, /8 granularity, the tries by prefix length).
 * `levels` come most specific first, each built only when its turn comes, so a level's buffers
 * are freed before the next is sorted.
 */
export function resolveLevels4(levels: readonly (() => Level4)[]): Uint32Array {
  let listed: Uint32Array = EMPTY4;
  let decided: Uint32Array = EMPTY4;
  levels.forEach((build, i) => {
    const level = build();
    listed = union4(listed, subtract4(subtract4(level.listed, level.excluded), decided));
    // After the last level nothing reads `decided`: skip a copy the size of the listing.
    if (i < levels.length - 1) decided = union4(decided, union4(level.listed, level.excluded));
  });
  return listed;
}

/**
 * Ranges gathered per precedence level (0 the most specific); within a level an exclusion wins,
 * whatever the order of the lines.
 */
export class LeveledRanges4 {
  private readonly levels: ({ listed: RangeBuffer4; excluded: RangeBuffer4 } | undefined)[];

  constructor(levelCount: number) {
    this.levels = new Array(levelCount).fill(undefined);
  }

  add(level: number, start: number, end: number, excluded: boolean): void {
    let buffers = this.levels[level];
    if (!buffers) {
      buffers = { listed: new RangeBuffer4(), excluded: new RangeBuffer4() };
      this.levels[level] = buffers;
    }
    (excluded ? buffers.excluded : buffers.listed).add(start, end);
  }

  resolve(): Uint32Array {
    const used = this.levels.filter((buffers) => buffers !== undefined);
    this.levels.fill(undefined);
    return resolveLevels4(
      used.map((buffers) => () => ({
        listed: buffers.listed.takeMerged(),
        excluded: buffers.excluded.takeMerged(),
      })),
    );
  }
}

const INITIAL = 1024;

/**
 * CIDR blocks by prefix length, for the trie datasets: the longest prefix decides, and of two
 * entries for the same prefix the first in the file wins (rbldnsd keeps it and warns about the
 * second). Four bytes per block plus one for the exclusion flag.
 */
export class PrefixBlocks4 {
  private readonly starts: (Uint32Array | undefined)[] = new Array(33).fill(undefined);
  private readonly flags: (Uint8Array | undefined)[] = new Array(33).fill(undefined);
  private readonly counts = new Uint32Array(33);

  add(bits: number, start: number, excluded: boolean): void {
    let starts = this.starts[bits];
    let flags = this.flags[bits];
    const n = this.counts[bits] as number;
    if (!starts || !flags || n === starts.length) {
      const capacity = starts ? starts.length * 2 : INITIAL;
      const grownStarts = new Uint32Array(capacity);
      const grownFlags = new Uint8Array(capacity);
      if (starts && flags) {
        grownStarts.set(starts);
        grownFlags.set(flags);
      }
      starts = grownStarts;
      flags = grownFlags;
      this.starts[bits] = starts;
      this.flags[bits] = flags;
    }
    starts[n] = start;
    flags[n] = excluded ? 1 : 0;
    this.counts[bits] = n + 1;
  }

  resolve(): Uint32Array {
    const used: number[] = [];
    for (let bits = 32; bits >= 0; bits--) if ((this.counts[bits] as number) > 0) used.push(bits);
    return resolveLevels4(used.map((bits) => () => this.level(bits)));
  }

  private level(bits: number): Level4 {
    const starts = this.starts[bits] as Uint32Array;
    const flags = this.flags[bits] as Uint8Array;
    const n = this.counts[bits] as number;
    this.starts[bits] = undefined;
    this.flags[bits] = undefined;
    // Stable: among equal prefixes the first line stays first.
    radixSortUint32(starts, n, flags);
    const size = 2 ** (32 - bits);
    const listed = new PairWriter(n);
    const excluded = new PairWriter(16);
    for (let i = 0; i < n; i++) {
      const start = starts[i] as number;
      if (i > 0 && start === starts[i - 1]) continue;
      (flags[i] ? excluded : listed).add(start, start + size - 1);
    }
    return { listed: listed.finish(), excluded: excluded.finish() };
  }
}

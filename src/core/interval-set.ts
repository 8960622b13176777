import type { FamilyMath } from "./family.js";

/**
 * A set of addresses of one family held as sorted, disjoint, non-adjacent inclusive ranges.
 * Immutable: every operation returns a new set. Operations are linear merges over the ranges.
 */
export class IntervalSet<T extends number | bigint> {
  private constructor(
    readonly math: FamilyMath<T>,
    /** Range starts, ascending. */
    readonly starts: readonly T[],
    /** Inclusive range ends, `ends[i] < starts[i+1] - 1`. */
    readonly ends: readonly T[],
  ) {}

  static empty<T extends number | bigint>(math: FamilyMath<T>): IntervalSet<T> {
    return new IntervalSet(math, [], []);
  }

  /** Builds a set from ranges in any order, overlapping or not. */
  static fromRanges<T extends number | bigint>(
    math: FamilyMath<T>,
    ranges: Iterable<[T, T]>,
  ): IntervalSet<T> {
    const sorted = [...ranges]
      .filter(([s, e]) => s <= e)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return IntervalSet.fromSortedBounds(
      math,
      sorted.map((r) => r[0]),
      sorted.map((r) => r[1]),
    );
  }

  get rangeCount(): number {
    return this.starts.length;
  }

  get isEmpty(): boolean {
    return this.starts.length === 0;
  }

  /** Number of addresses in the set. */
  get size(): bigint {
    let total = 0n;
    for (let i = 0; i < this.starts.length; i++)
      total += this.math.span(this.starts[i] as T, this.ends[i] as T);
    return total;
  }

  *ranges(): IterableIterator<[T, T]> {
    for (let i = 0; i < this.starts.length; i++) yield [this.starts[i] as T, this.ends[i] as T];
  }

  /** Index of the range holding `value`, or -1. Binary search. */
  private indexOf(value: T): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if ((this.starts[mid] as T) > value) high = mid - 1;
      else if ((this.ends[mid] as T) < value) low = mid + 1;
      else return mid;
    }
    return -1;
  }

  has(value: T): boolean {
    return this.indexOf(value) >= 0;
  }

  /** True when every address of [start, end] is in the set. */
  coversRange(start: T, end: T): boolean {
    const i = this.indexOf(start);
    return i >= 0 && end <= (this.ends[i] as T);
  }

  /** True when some address of [start, end] is in the set. */
  overlapsRange(start: T, end: T): boolean {
    let low = 0;
    let high = this.starts.length;
    // First range whose end is >= start.
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ends[mid] as T) < start) low = mid + 1;
      else high = mid;
    }
    return low < this.starts.length && (this.starts[low] as T) <= end;
  }

  union(other: IntervalSet<T>): IntervalSet<T> {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    // Merge the two sorted lists straight into the result, joining overlapping and adjacent ranges.
    const { math } = this;
    const starts: T[] = [];
    const ends: T[] = [];
    let i = 0;
    let j = 0;
    const n = this.starts.length;
    const m = other.starts.length;
    while (i < n || j < m) {
      let start: T;
      let end: T;
      if (j >= m || (i < n && (this.starts[i] as T) <= (other.starts[j] as T))) {
        start = this.starts[i] as T;
        end = this.ends[i] as T;
        i++;
      } else {
        start = other.starts[j] as T;
        end = other.ends[j] as T;
        j++;
      }
      appendMerged(math, starts, ends, start, end);
    }
    return new IntervalSet(math, starts, ends);
  }

  /** Addresses in this set and not in `other`. */
  difference(other: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty || other.isEmpty) return this;
    const { math } = this;
    const starts: T[] = [];
    const ends: T[] = [];
    let j = 0;
    for (let i = 0; i < this.starts.length; i++) {
      let start = this.starts[i] as T;
      const end = this.ends[i] as T;
      while (j < other.starts.length && (other.ends[j] as T) < start) j++;
      let k = j;
      let open = true;
      while (k < other.starts.length && (other.starts[k] as T) <= end) {
        const cutStart = other.starts[k] as T;
        const cutEnd = other.ends[k] as T;
        if (cutStart > start) {
          starts.push(start);
          ends.push(math.previous(cutStart));
        }
        if (cutEnd >= end) {
          open = false;
          break;
        }
        start = math.next(cutEnd);
        k++;
      }
      if (open) {
        starts.push(start);
        ends.push(end);
      }
      // The cut at k (if any) may reach into the next range of this set.
      j = k;
    }
    return new IntervalSet(math, starts, ends);
  }

  intersection(other: IntervalSet<T>): IntervalSet<T> {
    const starts: T[] = [];
    const ends: T[] = [];
    let i = 0;
    let j = 0;
    while (i < this.starts.length && j < other.starts.length) {
      const start = max(this.starts[i] as T, other.starts[j] as T);
      const end = min(this.ends[i] as T, other.ends[j] as T);
      if (start <= end) {
        starts.push(start);
        ends.push(end);
      }
      if ((this.ends[i] as T) < (other.ends[j] as T)) i++;
      else j++;
    }
    return new IntervalSet(this.math, starts, ends);
  }

  equals(other: IntervalSet<T>): boolean {
    if (this.starts.length !== other.starts.length) return false;
    for (let i = 0; i < this.starts.length; i++) {
      if (this.starts[i] !== other.starts[i] || this.ends[i] !== other.ends[i]) return false;
    }
    return true;
  }

  /**
   * The minimal list of CIDR blocks covering exactly this set, ascending. Greedy per range
   * (largest aligned block that fits) is minimal because ranges are maximal.
   */
  toBlocks(): { start: T; length: number }[] {
    // Each block is the largest one both aligned at `start` and no bigger than what is left of
    // the range: 2^min(trailing zeros of start, floor(log2(end - start + 1))) addresses.
    if (this.math.family === 4)
      return blocks4(this.starts as readonly number[], this.ends as readonly number[]) as {
        start: T;
        length: number;
      }[];
    return blocks6(this.starts as readonly bigint[], this.ends as readonly bigint[]) as {
      start: T;
      length: number;
    }[];
  }

  /**
   * Builds from parallel lists of range starts (ascending) and inclusive ends; overlapping and
   * adjacent ranges are merged, and a caller building many ranges need not allocate a pair for each. Lists already in the
   * set's own form (non-empty ranges, neither overlapping nor adjacent) are kept as they are,
   * not copied: the caller hands them over and must not change them afterwards.
   */
  static fromSortedBounds<T extends number | bigint>(
    math: FamilyMath<T>,
    rangeStarts: T[],
    rangeEnds: T[],
  ): IntervalSet<T> {
    if (rangeStarts.length === rangeEnds.length && isCanonical(math, rangeStarts, rangeEnds))
      return new IntervalSet(math, rangeStarts, rangeEnds);
    const starts: T[] = [];
    const ends: T[] = [];
    for (let i = 0; i < rangeStarts.length; i++) {
      const start = rangeStarts[i] as T;
      const end = rangeEnds[i] as T;
      if (start <= end) appendMerged(math, starts, ends, start, end);
    }
    return new IntervalSet(math, starts, ends);
  }
}

/**
 * Appends [start, end] to ranges sorted by start, merging it into the last range when the two
 * overlap or touch.
 */
function appendMerged<T extends number | bigint>(
  math: FamilyMath<T>,
  starts: T[],
  ends: T[],
  start: T,
  end: T,
): void {
  const last = ends.length - 1;
  const lastEnd = ends[last] as T;
  if (last >= 0 && (lastEnd === math.max || start <= math.next(lastEnd))) {
    if (end > lastEnd) ends[last] = end;
  } else {
    starts.push(start);
    ends.push(end);
  }
}

/** True when the ranges are non-empty, ascending, and neither overlap nor touch. */
function isCanonical<T extends number | bigint>(
  math: FamilyMath<T>,
  starts: readonly T[],
  ends: readonly T[],
): boolean {
  for (let i = 0; i < starts.length; i++) {
    if ((starts[i] as T) > (ends[i] as T)) return false;
    if (i > 0) {
      const previousEnd = ends[i - 1] as T;
      if (previousEnd === math.max || (starts[i] as T) <= math.next(previousEnd)) return false;
    }
  }
  return true;
}

/** 2^k for k in 0..32, exact. */
const POW2 = Array.from({ length: 33 }, (_, k) => 2 ** k);

function blocks4(starts: readonly number[], ends: readonly number[]): { start: number; length: number }[] {
  const blocks: { start: number; length: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    let start = starts[i] as number;
    const end = ends[i] as number;
    for (;;) {
      // `start & -start` isolates the lowest set bit (ToInt32 keeps the low 32 bits exactly).
      const aligned = start === 0 ? 32 : 31 - Math.clz32(start & -start);
      const size = end - start + 1;
      const fits = size >= 4294967296 ? 32 : 31 - Math.clz32(size);
      const hostBits = Math.min(aligned, fits);
      blocks.push({ start, length: 32 - hostBits });
      const blockEnd = start + (POW2[hostBits] as number) - 1;
      if (blockEnd >= end) break;
      start = blockEnd + 1;
    }
  }
  return blocks;
}

/** 2^k as a bigint for k in 0..128, so the IPv6 loop below shifts nothing. */
const POW2_BIG = Array.from({ length: 129 }, (_, k) => 1n << BigInt(k));

/** floor(log2(value)) for 0 < value < 2^128. */
function log2Floor(value: bigint): number {
  let k = Math.floor(Math.log2(Number(value)));
  // Number() rounds to 53 bits, so the estimate may be one too high or (rarely) too low.
  if (k > 127) k = 127;
  if ((POW2_BIG[k] as bigint) > value) k--;
  else if (k < 127 && (POW2_BIG[k + 1] as bigint) <= value) k++;
  return k;
}

/** end - start of the whole IPv6 space: its size, 2^128, does not fit log2Floor's domain. */
const IPV6_LAST = (1n << 128n) - 1n;

function blocks6(starts: readonly bigint[], ends: readonly bigint[]): { start: bigint; length: number }[] {
  const blocks: { start: bigint; length: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    let start = starts[i] as bigint;
    const end = ends[i] as bigint;
    for (;;) {
      const aligned = start === 0n ? 128 : log2Floor(start & -start);
      const fits = end - start === IPV6_LAST ? 128 : log2Floor(end - start + 1n);
      const hostBits = Math.min(aligned, fits);
      blocks.push({ start, length: 128 - hostBits });
      if (hostBits === 128) break;
      const next = start + (POW2_BIG[hostBits] as bigint);
      if (next > end) break;
      start = next;
    }
  }
  return blocks;
}

function max<T extends number | bigint>(a: T, b: T): T {
  return a > b ? a : b;
}

function min<T extends number | bigint>(a: T, b: T): T {
  return a < b ? a : b;
}

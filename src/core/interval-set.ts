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
    return IntervalSet.fromSortedRanges(math, sorted);
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
    const merged: [T, T][] = [];
    let i = 0;
    let j = 0;
    while (i < this.starts.length || j < other.starts.length) {
      const takeThis =
        j >= other.starts.length ||
        (i < this.starts.length && (this.starts[i] as T) <= (other.starts[j] as T));
      if (takeThis) {
        merged.push([this.starts[i] as T, this.ends[i] as T]);
        i++;
      } else {
        merged.push([other.starts[j] as T, other.ends[j] as T]);
        j++;
      }
    }
    return IntervalSet.fromSortedRanges(this.math, merged);
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
    const { math } = this;
    const blocks: { start: T; length: number }[] = [];
    for (let i = 0; i < this.starts.length; i++) {
      let start = this.starts[i] as T;
      const end = this.ends[i] as T;
      for (;;) {
        let hostBits = math.trailingZeros(start);
        while (hostBits > 0 && math.blockEnd(start, math.bits - hostBits) > end) hostBits--;
        const length = math.bits - hostBits;
        blocks.push({ start, length });
        const blockEnd = math.blockEnd(start, length);
        if (blockEnd >= end) break;
        start = math.next(blockEnd);
      }
    }
    return blocks;
  }

  /** Builds from ranges sorted by start; overlapping and adjacent ones are merged. */
  static fromSortedRanges<T extends number | bigint>(math: FamilyMath<T>, sorted: [T, T][]): IntervalSet<T> {
    const starts: T[] = [];
    const ends: T[] = [];
    for (const [start, end] of sorted) {
      const last = ends.length - 1;
      const lastEnd = ends[last] as T;
      if (last >= 0 && (lastEnd === math.max || start <= math.next(lastEnd))) {
        if (end > lastEnd) ends[last] = end;
      } else {
        starts.push(start);
        ends.push(end);
      }
    }
    return new IntervalSet(math, starts, ends);
  }
}

function max<T extends number | bigint>(a: T, b: T): T {
  return a > b ? a : b;
}

function min<T extends number | bigint>(a: T, b: T): T {
  return a < b ? a : b;
}

import { AddressSet } from "./address-set.js";
import { type FamilyMath, IPV4, IPV6 } from "./family.js";
import { floorIndex } from "./floor-index.js";
import { IntervalSet } from "./interval-set.js";
import type { Address } from "./ip.js";
import { type Prefix, prefixEnd } from "./prefix.js";

/** A maximal run of addresses whose longest matching prefix is the same entry. */
export interface Segment<T extends number | bigint, V> {
  readonly start: T;
  readonly end: T;
  readonly value: V;
}

/**
 * Flattening: nested prefixes become disjoint runs labelled with the index of the most specific
 * prefix covering them (-1 where none does). Prefixes either nest or are disjoint, so after
 * sorting by start (wider first) one sweep with a stack of open prefixes suffices. For
 * duplicates the later entry wins: the sorts below are stable, so it ends up on top.
 *
 * There is one sweep per family, written for numbers and for bigints, because plans can hold
 * hundreds of thousands of pools: no generic arithmetic and no object per entry.
 */
interface Flat<S> {
  readonly starts: S;
  readonly owners: Int32Array;
  /** Pairs (entry index, index of the first entry with the same prefix) for each repeat. */
  readonly repeats: readonly number[];
}

/**
 * One stable counting-sort pass: `order` (a permutation of entry indexes) sorted by the 16-bit
 * digit `digits[k]` of each entry k. Returns the sorted permutation, written into `spare`, or
 * `order` itself when every digit is the same.
 */
function countingPass(order: Uint32Array, spare: Uint32Array, digits: Uint32Array): Uint32Array {
  const n = order.length;
  let low = 65535;
  let high = 0;
  for (let k = 0; k < n; k++) {
    const d = digits[k] as number;
    if (d < low) low = d;
    if (d > high) high = d;
  }
  if (low >= high) return order;
  const counts = new Uint32Array(high - low + 2);
  for (let k = 0; k < n; k++) {
    const slot = (digits[k] as number) - low + 1;
    counts[slot] = (counts[slot] as number) + 1;
  }
  for (let d = 1; d < counts.length; d++) counts[d] = (counts[d] as number) + (counts[d - 1] as number);
  for (let i = 0; i < n; i++) {
    const k = order[i] as number;
    const slot = (digits[k] as number) - low;
    spare[counts[slot] as number] = k;
    counts[slot] = (counts[slot] as number) + 1;
  }
  return spare;
}

/**
 * Sorts entries 0..n-1 by the digits each `fill(pass, digits)` call writes, least significant
 * first (an LSD radix sort): entries equal in every digit keep their index order.
 */
function radixOrder(
  n: number,
  passes: number,
  fill: (pass: number, digits: Uint32Array) => void,
): Uint32Array {
  let order: Uint32Array = new Uint32Array(n);
  let spare: Uint32Array = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const digits = new Uint32Array(n);
  for (let pass = 0; pass < passes; pass++) {
    fill(pass, digits);
    const sorted = countingPass(order, spare, digits);
    if (sorted !== order) {
      spare = order;
      order = sorted;
    }
  }
  return order;
}

/** Indexes of the IPv4 entries ordered by (start, length), equal ones in index order. */
function sortedOrder4(starts: readonly number[], lengths: readonly number[]): Uint32Array {
  return radixOrder(starts.length, 3, (pass, digits) => {
    for (let k = 0; k < digits.length; k++) {
      const start = starts[k] as number;
      digits[k] = pass === 0 ? (lengths[k] as number) : pass === 1 ? start & 0xffff : start >>> 16;
    }
  });
}

/**
 * Indexes of the IPv6 entries ordered by (start, length), equal ones in index order. The
 * starts are cut into 32-bit words once, so the sort itself does no bigint arithmetic; passes
 * over digits all entries share (the 2001:db8 of every prefix, say) are skipped.
 */
function sortedOrder6(starts: readonly bigint[], lengths: readonly number[]): Uint32Array {
  const n = starts.length;
  const words = new Uint32Array(4 * n);
  for (let k = 0; k < n; k++) {
    const start = starts[k] as bigint;
    const high = start >> 64n;
    words[4 * k] = Number(high >> 32n);
    words[4 * k + 1] = Number(high & 0xffffffffn);
    const low = start & 0xffffffffffffffffn;
    if (low !== 0n) {
      words[4 * k + 2] = Number(low >> 32n);
      words[4 * k + 3] = Number(low & 0xffffffffn);
    }
  }
  // Pass 0 sorts by length; passes 1..8 by the 16-bit digits of the start, lowest first.
  return radixOrder(n, 9, (pass, digits) => {
    if (pass === 0) {
      for (let k = 0; k < n; k++) digits[k] = lengths[k] as number;
      return;
    }
    const word = 3 - ((pass - 1) >> 1);
    const shift = (pass - 1) & 1 ? 16 : 0;
    for (let k = 0; k < n; k++) digits[k] = ((words[4 * k + word] as number) >>> shift) & 0xffff;
  });
}

function flatten4(
  starts: readonly number[],
  lengths: readonly number[],
  indexes: readonly number[],
): Flat<Uint32Array> {
  const n = starts.length;
  const order = sortedOrder4(starts, lengths);
  const outStarts = new Uint32Array(2 * n + 1);
  const outOwners = new Int32Array(2 * n + 1);
  let count = 0;
  const stackEnds = new Float64Array(n);
  const stackOwners = new Int32Array(n);
  let depth = 0;
  // `cursor` is the first address not yet emitted; `done` marks the end of the family.
  let cursor = 0;
  let done = false;
  // Equal prefixes are adjacent in the sorted order, the first entry first.
  const repeats: number[] = [];
  let runStart = -1;
  let runLength = -1;
  let runFirst = -1;
  for (let e = 0; e <= n; e++) {
    const k = e < n ? (order[e] as number) : -1;
    const start = k >= 0 ? (starts[k] as number) : -1;
    if (k >= 0) {
      if (start === runStart && lengths[k] === runLength) repeats.push(indexes[k] as number, runFirst);
      else {
        runStart = start;
        runLength = lengths[k] as number;
        runFirst = indexes[k] as number;
      }
    }
    // Close the open prefixes that end before this entry (all of them after the last entry).
    while (depth > 0) {
      const topEnd = stackEnds[depth - 1] as number;
      if (k >= 0 && topEnd >= start) break;
      depth--;
      if (!done && cursor <= topEnd) {
        const owner = stackOwners[depth] as number;
        if (count === 0 || outOwners[count - 1] !== owner) {
          outStarts[count] = cursor;
          outOwners[count] = owner;
          count++;
        }
        if (topEnd === 0xffffffff) done = true;
        else cursor = topEnd + 1;
      }
    }
    if (k < 0) break;
    if (cursor < start) {
      const owner = depth > 0 ? (stackOwners[depth - 1] as number) : -1;
      if (count === 0 || outOwners[count - 1] !== owner) {
        outStarts[count] = cursor;
        outOwners[count] = owner;
        count++;
      }
    }
    cursor = start;
    stackEnds[depth] = start + 2 ** (32 - (lengths[k] as number)) - 1;
    stackOwners[depth] = indexes[k] as number;
    depth++;
  }
  if (!done && (count === 0 || outOwners[count - 1] !== -1)) {
    outStarts[count] = cursor;
    outOwners[count] = -1;
    count++;
  }
  return { starts: outStarts.slice(0, count), owners: outOwners.slice(0, count), repeats };
}

/** 2^(128 - length) - 1 for each length: the offset of a prefix's last address. */
const HOST_MASK6 = Array.from({ length: 129 }, (_, length) => (1n << BigInt(128 - length)) - 1n);

function flatten6(
  starts: readonly bigint[],
  lengths: readonly number[],
  indexes: readonly number[],
): Flat<bigint[]> {
  const n = starts.length;
  const order = sortedOrder6(starts, lengths);
  const outStarts: bigint[] = [];
  const outOwners: number[] = [];
  const emit = (start: bigint, owner: number) => {
    if (outOwners.length > 0 && outOwners[outOwners.length - 1] === owner) return;
    outStarts.push(start);
    outOwners.push(owner);
  };
  const stackEnds: bigint[] = [];
  const stackOwners: number[] = [];
  let cursor = 0n;
  let done = false;
  const repeats: number[] = [];
  let runStart = -1n;
  let runLength = -1;
  let runFirst = -1;
  for (let e = 0; e <= n; e++) {
    const k = e < n ? (order[e] as number) : -1;
    const start = k >= 0 ? (starts[k] as bigint) : 0n;
    if (k >= 0) {
      if (start === runStart && lengths[k] === runLength) repeats.push(indexes[k] as number, runFirst);
      else {
        runStart = start;
        runLength = lengths[k] as number;
        runFirst = indexes[k] as number;
      }
    }
    while (stackEnds.length > 0) {
      const topEnd = stackEnds[stackEnds.length - 1] as bigint;
      if (k >= 0 && topEnd >= start) break;
      stackEnds.pop();
      const owner = stackOwners.pop() as number;
      if (!done && cursor <= topEnd) {
        emit(cursor, owner);
        if (topEnd === IPV6.max) done = true;
        else cursor = topEnd + 1n;
      }
    }
    if (k < 0) break;
    if (cursor < start)
      emit(cursor, stackOwners.length > 0 ? (stackOwners[stackOwners.length - 1] as number) : -1);
    cursor = start;
    stackEnds.push(start + (HOST_MASK6[lengths[k] as number] as bigint));
    stackOwners.push(indexes[k] as number);
  }
  if (!done) emit(cursor, -1);
  return { starts: outStarts, owners: Int32Array.from(outOwners), repeats };
}

/**
 * Longest-prefix-match table over IPv4 and IPv6. Built once, then read: the nested prefixes
 * are flattened into sorted disjoint runs, so a look-up is one binary search over a typed
 * array (IPv4) or a bigint array (IPv6).
 */
export class PrefixTable<V> {
  private repeatMap: ReadonlyMap<number, number> | undefined;

  private constructor(
    private readonly values: readonly V[],
    private readonly starts4: Uint32Array,
    private readonly owners4: Int32Array,
    private readonly starts6: readonly bigint[],
    private readonly owners6: Int32Array,
    private readonly repeatPairs: readonly number[],
  ) {}

  static build<V>(entries: Iterable<readonly [Prefix, V]>): PrefixTable<V> {
    const list = Array.isArray(entries) ? (entries as readonly (readonly [Prefix, V])[]) : [...entries];
    const n = list.length;
    const values: V[] = [];
    const starts4: number[] = [];
    const lengths4: number[] = [];
    const indexes4: number[] = [];
    const starts6: bigint[] = [];
    const lengths6: number[] = [];
    const indexes6: number[] = [];
    for (let index = 0; index < n; index++) {
      // Index access, not destructuring: that would go through the array iterator per entry.
      const entry = list[index] as readonly [Prefix, V];
      const prefix = entry[0];
      values.push(entry[1]);
      if (prefix.family === 4) {
        starts4.push(prefix.start);
        lengths4.push(prefix.length);
        indexes4.push(index);
      } else {
        starts6.push(prefix.start);
        lengths6.push(prefix.length);
        indexes6.push(index);
      }
    }
    const flat4 = flatten4(starts4, lengths4, indexes4);
    const flat6 = flatten6(starts6, lengths6, indexes6);
    const table = new PrefixTable(values, flat4.starts, flat4.owners, flat6.starts, flat6.owners, [
      ...flat4.repeats,
      ...flat6.repeats,
    ]);
    return table;
  }

  /**
   * Entries whose prefix repeats an earlier entry's (the later one wins in look-ups): entry
   * index → index of the first entry with that prefix. Indexes count entries as given to build().
   */
  repeats(): ReadonlyMap<number, number> {
    if (!this.repeatMap) {
      const map = new Map<number, number>();
      for (let i = 0; i < this.repeatPairs.length; i += 2)
        map.set(this.repeatPairs[i] as number, this.repeatPairs[i + 1] as number);
      this.repeatMap = map;
    }
    return this.repeatMap;
  }

  get size(): number {
    return this.values.length;
  }

  /** Value of the most specific prefix holding the IPv4 address (a uint32). */
  lookup4(address: number): V | undefined {
    const starts = this.starts4;
    const low = floorIndex(starts, address);
    const owner = this.owners4[low] as number;
    return owner < 0 ? undefined : this.values[owner];
  }

  lookup6(address: bigint): V | undefined {
    const starts = this.starts6;
    const low = floorIndex(starts, address);
    const owner = this.owners6[low] as number;
    return owner < 0 ? undefined : this.values[owner];
  }

  lookup(address: Address): V | undefined {
    return address.family === 4 ? this.lookup4(address.value) : this.lookup6(address.value);
  }

  /** The disjoint runs of IPv4 space that some prefix covers, ascending, with their value. */
  *segments4(): IterableIterator<Segment<number, V>> {
    yield* segments(IPV4, this.starts4, this.owners4, this.values);
  }

  *segments6(): IterableIterator<Segment<bigint, V>> {
    yield* segments(IPV6, this.starts6, this.owners6, this.values);
  }

  /**
   * The addresses of each group, where `groupOf` puts every value in one of the groups
   * 0..count-1 (or -1: none) and an address belongs to the group of its most specific prefix's
   * value. One pass over the runs per family and no object per run, for splitting hundreds of
   * thousands of pools by region or phase.
   */
  partition(count: number, groupOf: (value: V) => number): AddressSet[] {
    const groups = new Int32Array(this.values.length);
    for (let i = 0; i < this.values.length; i++) {
      const group = groupOf(this.values[i] as V);
      if (!(Number.isInteger(group) && group >= -1 && group < count))
        throw new RangeError(`group ${group} is not -1 or in 0..${count - 1}`);
      groups[i] = group;
    }
    const starts4 = this.starts4;
    const last4 = starts4.length - 1;
    const v4 = partitionRuns(starts4, this.owners4, groups, count, (i) =>
      i < last4 ? (starts4[i + 1] as number) - 1 : IPV4.max,
    ).map(([starts, ends]) => IntervalSet.fromSortedBounds(IPV4, starts, ends));
    const starts6 = this.starts6;
    const last6 = starts6.length - 1;
    const v6 = partitionRuns(starts6, this.owners6, groups, count, (i) =>
      i < last6 ? (starts6[i + 1] as bigint) - 1n : IPV6.max,
    ).map(([starts, ends]) => IntervalSet.fromSortedBounds(IPV6, starts, ends));
    return v4.map((set, g) => new AddressSet(set, v6[g] as IntervalSet<bigint>));
  }

  /**
   * True when some address of `prefix` has a most specific prefix whose value passes `test`
   * (false where no prefix covers it): one binary search, then the runs inside the prefix.
   */
  someIn(prefix: Prefix, test: (value: V) => boolean): boolean {
    const owners = prefix.family === 4 ? this.owners4 : this.owners6;
    const starts: ArrayLike<number | bigint> = prefix.family === 4 ? this.starts4 : this.starts6;
    const first = prefix.start;
    const end = prefixEnd(prefix);
    const low = floorIndex(starts, first);
    for (let i = low; i < starts.length && (starts[i] as number | bigint) <= end; i++) {
      const owner = owners[i] as number;
      if (owner >= 0 && test(this.values[owner] as V)) return true;
    }
    return false;
  }
}

/**
 * The runs of one family split by the group of their owner, as [starts, ends] lists per group.
 * Runs tile the family, so a run continues its group's last range exactly when that range
 * ended with the run before it; ranges are then joined without any address arithmetic.
 */
function partitionRuns<T extends number | bigint>(
  starts: ArrayLike<T>,
  owners: Int32Array,
  groups: Int32Array,
  count: number,
  endOf: (run: number) => T,
): [T[], T[]][] {
  const out: [T[], T[]][] = Array.from({ length: count }, (): [T[], T[]] => [[], []]);
  const lastRun = new Int32Array(count).fill(-2);
  for (let i = 0; i < starts.length; i++) {
    const owner = owners[i] as number;
    if (owner < 0) continue;
    const group = groups[owner] as number;
    if (group < 0) continue;
    const lists = out[group] as [T[], T[]];
    const groupEnds = lists[1];
    if (lastRun[group] === i - 1) groupEnds[groupEnds.length - 1] = endOf(i);
    else {
      lists[0].push(starts[i] as T);
      groupEnds.push(endOf(i));
    }
    lastRun[group] = i;
  }
  return out;
}

function* segments<T extends number | bigint, V>(
  math: FamilyMath<T>,
  starts: ArrayLike<T>,
  owners: Int32Array,
  values: readonly V[],
): IterableIterator<Segment<T, V>> {
  for (let i = 0; i < starts.length; i++) {
    const owner = owners[i] as number;
    if (owner < 0) continue;
    const end = i + 1 < starts.length ? math.previous(starts[i + 1] as T) : math.max;
    yield { start: starts[i] as T, end, value: values[owner] as V };
  }
}

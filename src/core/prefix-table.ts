import { type FamilyMath, IPV4, IPV6 } from "./family.js";
import type { Address } from "./ip.js";
import { type Prefix, prefixEnd } from "./prefix.js";

/** A maximal run of addresses whose longest matching prefix is the same entry. */
export interface Segment<T extends number | bigint, V> {
  readonly start: T;
  readonly end: T;
  readonly value: V;
}

type Entry<T> = { start: T; end: T; length: number; index: number };

/**
 * Flattens nested prefixes into disjoint runs labelled with the index of the most specific
 * prefix covering them (-1 where none does). Prefixes either nest or are disjoint, so one sweep
 * with a stack of open prefixes suffices. For duplicates the later entry wins.
 */
function flatten<T extends number | bigint>(
  math: FamilyMath<T>,
  entries: Entry<T>[],
): { starts: T[]; owners: number[] } {
  entries.sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length || a.index - b.index,
  );
  const starts: T[] = [];
  const owners: number[] = [];
  const emit = (start: T, owner: number) => {
    if (owners.length > 0 && owners[owners.length - 1] === owner) return;
    starts.push(start);
    owners.push(owner);
  };
  const stack: Entry<T>[] = [];
  // `cursor` is the first address not yet emitted; `done` marks the end of the family.
  let cursor: T = math.zero;
  let done = false;
  const closeUntil = (limit: T | undefined) => {
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top || (limit !== undefined && top.end >= limit)) return;
      stack.pop();
      if (!done && cursor <= top.end) {
        emit(cursor, top.index);
        if (top.end === math.max) done = true;
        else cursor = math.next(top.end);
      }
    }
  };
  for (const entry of entries) {
    closeUntil(entry.start);
    if (cursor < entry.start) {
      const parent = stack[stack.length - 1];
      emit(cursor, parent ? parent.index : -1);
    }
    cursor = entry.start;
    stack.push(entry);
  }
  closeUntil(undefined);
  if (!done) emit(cursor, -1);
  return { starts, owners };
}

/**
 * flatten() for IPv4 on plain numbers and typed arrays: the same sweep without the generic
 * arithmetic, closures or an object per entry, since plans can hold hundreds of thousands of
 * IPv4 pools. `starts`, `lengths` and `indexes` describe the entries in the order given.
 */
function flatten4(
  starts: readonly number[],
  lengths: readonly number[],
  indexes: readonly number[],
): { starts: Uint32Array; owners: Int32Array } {
  const n = starts.length;
  // Sort by start, then wider first; start * 64 + length is exact (below 2^38). The sort is
  // stable, so equal prefixes stay in entry order and the later one ends up on top.
  const keys = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let k = 0; k < n; k++) {
    keys[k] = (starts[k] as number) * 64 + (lengths[k] as number);
    order[k] = k;
  }
  order.sort((a, b) => (keys[a] as number) - (keys[b] as number));

  const outStarts = new Uint32Array(2 * n + 1);
  const outOwners = new Int32Array(2 * n + 1);
  let count = 0;
  const stackEnds = new Float64Array(n);
  const stackOwners = new Int32Array(n);
  let depth = 0;
  // `cursor` is the first address not yet emitted; `done` marks the end of the family.
  let cursor = 0;
  let done = false;
  for (let e = 0; e <= n; e++) {
    const k = e < n ? (order[e] as number) : -1;
    const start = k >= 0 ? (starts[k] as number) : -1;
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
  return { starts: outStarts.slice(0, count), owners: outOwners.slice(0, count) };
}

/**
 * Longest-prefix-match table over IPv4 and IPv6. Built once, then read: the nested prefixes
 * are flattened into sorted disjoint runs, so a look-up is one binary search over a typed
 * array (IPv4) or a bigint array (IPv6).
 */
export class PrefixTable<V> {
  private constructor(
    private readonly values: readonly V[],
    private readonly starts4: Uint32Array,
    private readonly owners4: Int32Array,
    private readonly starts6: readonly bigint[],
    private readonly owners6: Int32Array,
  ) {}

  static build<V>(entries: Iterable<readonly [Prefix, V]>): PrefixTable<V> {
    const values: V[] = [];
    const starts4: number[] = [];
    const lengths4: number[] = [];
    const indexes4: number[] = [];
    const v6: Entry<bigint>[] = [];
    for (const [prefix, value] of entries) {
      const index = values.push(value) - 1;
      if (prefix.family === 4) {
        starts4.push(prefix.start);
        lengths4.push(prefix.length);
        indexes4.push(index);
      } else v6.push({ start: prefix.start, end: prefixEnd(prefix), length: prefix.length, index });
    }
    const flat4 = flatten4(starts4, lengths4, indexes4);
    const flat6 = flatten(IPV6, v6);
    return new PrefixTable(values, flat4.starts, flat4.owners, flat6.starts, Int32Array.from(flat6.owners));
  }

  get size(): number {
    return this.values.length;
  }

  /** Value of the most specific prefix holding the IPv4 address (a uint32). */
  lookup4(address: number): V | undefined {
    const starts = this.starts4;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if ((starts[mid] as number) <= address) low = mid;
      else high = mid - 1;
    }
    const owner = this.owners4[low] as number;
    return owner < 0 ? undefined : this.values[owner];
  }

  lookup6(address: bigint): V | undefined {
    const starts = this.starts6;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if ((starts[mid] as bigint) <= address) low = mid;
      else high = mid - 1;
    }
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

  /** segments4() as a callback, for hot loops: no iterator and no object per run. */
  eachSegment4(visit: (start: number, end: number, value: V) => void): void {
    const { starts4: starts, owners4: owners, values } = this;
    const last = starts.length - 1;
    for (let i = 0; i <= last; i++) {
      const owner = owners[i] as number;
      if (owner < 0) continue;
      visit(starts[i] as number, i < last ? (starts[i + 1] as number) - 1 : IPV4.max, values[owner] as V);
    }
  }

  eachSegment6(visit: (start: bigint, end: bigint, value: V) => void): void {
    const { starts6: starts, owners6: owners, values } = this;
    const last = starts.length - 1;
    for (let i = 0; i <= last; i++) {
      const owner = owners[i] as number;
      if (owner < 0) continue;
      visit(starts[i] as bigint, i < last ? (starts[i + 1] as bigint) - 1n : IPV6.max, values[owner] as V);
    }
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
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if ((starts[mid] as number | bigint) <= first) low = mid;
      else high = mid - 1;
    }
    for (let i = low; i < starts.length && (starts[i] as number | bigint) <= end; i++) {
      const owner = owners[i] as number;
      if (owner >= 0 && test(this.values[owner] as V)) return true;
    }
    return false;
  }
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

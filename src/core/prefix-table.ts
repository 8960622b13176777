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
    const v4: Entry<number>[] = [];
    const v6: Entry<bigint>[] = [];
    for (const [prefix, value] of entries) {
      const index = values.push(value) - 1;
      if (prefix.family === 4)
        v4.push({ start: prefix.start, end: prefixEnd(prefix), length: prefix.length, index });
      else v6.push({ start: prefix.start, end: prefixEnd(prefix), length: prefix.length, index });
    }
    const flat4 = flatten(IPV4, v4);
    const flat6 = flatten(IPV6, v6);
    return new PrefixTable(
      values,
      Uint32Array.from(flat4.starts),
      Int32Array.from(flat4.owners),
      flat6.starts,
      Int32Array.from(flat6.owners),
    );
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

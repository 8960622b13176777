import { type Address, parseAddress } from "../core/index.js";
import type { Store } from "../store/index.js";
import { addressFromKey, networkAddress } from "./address-key.js";
import type { Lease } from "./lease.js";

/** The leases of one address or prefix, sorted by start, each cut off where the next begins. */
interface Holders {
  readonly starts: Float64Array;
  /** Effective ends; Infinity while open. */
  readonly ends: Float64Array;
  readonly subscribers: readonly string[];
}

/** A lease as the index answers it: its end is where it really stopped holding the address. */
export interface HeldLease {
  readonly address: Address;
  readonly prefixLength: number;
  readonly subscriber: string;
  readonly startMs: number;
  /** Null while open. */
  readonly endMs: number | null;
}

export interface LeaseWindow {
  readonly sinceMs?: number;
  readonly untilMs?: number;
}

export interface HeldDuration {
  readonly subscriber: string;
  readonly heldMs: number;
}

type Key = number | bigint;

const utf8 = (text: string) => Buffer.from(text, "utf8");

/**
 * Ties on start go to the longer lease, then to the subscriber later in UTF-8 byte order (as
 * SQLite sorts text), so that the store's window query and this index agree.
 */
function compareLeases(a: Lease, b: Lease): number {
  if (a.startMs !== b.startMs) return a.startMs - b.startMs;
  const aEnd = a.endMs ?? Number.POSITIVE_INFINITY;
  const bEnd = b.endMs ?? Number.POSITIVE_INFINITY;
  if (aEnd !== bEnd) return aEnd < bEnd ? -1 : 1;
  return Buffer.compare(utf8(a.subscriber), utf8(b.subscriber));
}

function holdersOf(leases: Lease[]): Holders | undefined {
  leases.sort(compareLeases);
  const starts: number[] = [];
  const ends: number[] = [];
  const subscribers: string[] = [];
  leases.forEach((lease, i) => {
    const next = leases[i + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    const end = Math.min(lease.endMs ?? Number.POSITIVE_INFINITY, next);
    if (end <= lease.startMs) return;
    starts.push(lease.startMs);
    ends.push(end);
    subscribers.push(lease.subscriber);
  });
  if (starts.length === 0) return undefined;
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends), subscribers };
}

/** Index of the last start at or before `atMs`, or -1. */
function lastStartAtOrBefore(starts: Float64Array, atMs: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((starts[mid] as number) <= atMs) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function networkKey(address: Address, length: number): Key {
  return networkAddress(address, length).value;
}

function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

const LOAD_WINDOW = `
  SELECT family, address_key, prefix_length, subscriber, start_ms, end_ms FROM (
    SELECT *, lead(start_ms) OVER (
      PARTITION BY family, address_key, prefix_length
      ORDER BY start_ms, coalesce(end_ms, 9007199254740991), subscriber) AS next_start
    FROM subscriber_leases WHERE start_ms < :until AND (end_ms IS NULL OR end_ms > start_ms))
  WHERE (end_ms IS NULL OR end_ms > max(:since, start_ms))
    AND (next_start IS NULL OR next_start > max(:since, start_ms))`;

interface LeaseRow {
  family: number;
  address_key: Buffer;
  prefix_length: number;
  subscriber: string;
  start_ms: number;
  end_ms: number | null;
}

/**
 * Who held an address when, in memory, for reports that join many (address, time) pairs.
 * Semantics: leases of the same address (or the same delegated prefix) never overlap: a lease ends
 * at its own end or where the next lease of that address starts, whichever is first, so when
 * leases overlap the latest start wins, and a lease never closed (a lost Stop) yields to the next
 * holder. An IPv6 address is answered by the longest prefix holding it at that time: its own /128
 * lease, else the delegated /64, /56 … that contains it.
 */
export class LeaseIndex {
  private constructor(
    private readonly byFamily: ReadonlyMap<number, ReadonlyMap<number, ReadonlyMap<Key, Holders>>>,
    /** Per family, the prefix lengths present, longest first. */
    private readonly lengths: ReadonlyMap<number, readonly number[]>,
    readonly size: number,
  ) {}

  static fromLeases(leases: Iterable<Lease>): LeaseIndex {
    const groups = new Map<number, Map<number, Map<Key, Lease[]>>>();
    for (const lease of leases) {
      // A lease that ends where it starts holds no instant, so it neither answers nor cuts another.
      if (lease.endMs !== null && lease.endMs <= lease.startMs) continue;
      const byLength = entry(groups, lease.address.family, () => new Map<number, Map<Key, Lease[]>>());
      const byKey = entry(byLength, lease.prefixLength, () => new Map<Key, Lease[]>());
      entry(byKey, networkKey(lease.address, lease.prefixLength), (): Lease[] => []).push(lease);
    }
    const byFamily = new Map<number, Map<number, Map<Key, Holders>>>();
    const lengths = new Map<number, number[]>();
    let size = 0;
    for (const [family, byLength] of groups) {
      const built = new Map<number, Map<Key, Holders>>();
      for (const [length, byKey] of byLength) {
        const holdersByKey = new Map<Key, Holders>();
        for (const [key, list] of byKey) {
          const holders = holdersOf(list);
          if (!holders) continue;
          holdersByKey.set(key, holders);
          size += holders.starts.length;
        }
        built.set(length, holdersByKey);
      }
      byFamily.set(family, built);
      lengths.set(
        family,
        [...built.keys()].sort((a, b) => b - a),
      );
    }
    return new LeaseIndex(byFamily, lengths, size);
  }

  /**
   * Loads the leases that hold an address at some time in [sinceMs, untilMs) (all of them by
   * default). Answers for times inside the window are the same as with everything loaded.
   */
  static load(store: Store, window: LeaseWindow = {}): LeaseIndex {
    const rows = store.prepare(LOAD_WINDOW).iterate({
      since: window.sinceMs ?? -Number.MAX_SAFE_INTEGER,
      until: window.untilMs ?? Number.MAX_SAFE_INTEGER,
    }) as IterableIterator<LeaseRow>;
    function* leases(): Generator<Lease> {
      for (const row of rows) {
        yield {
          address: addressFromKey(row.family, row.address_key),
          prefixLength: row.prefix_length,
          subscriber: row.subscriber,
          startMs: row.start_ms,
          endMs: row.end_ms,
        };
      }
    }
    return LeaseIndex.fromLeases(leases());
  }

  /** The lease holding the address at `atMs`, or null. */
  leaseAt(address: Address | string, atMs: number): HeldLease | null {
    const target = typeof address === "string" ? parseAddress(address) : address;
    const byLength = this.byFamily.get(target.family);
    if (!byLength) return null;
    for (const length of this.lengths.get(target.family) ?? []) {
      const key = networkKey(target, length);
      const holders = byLength.get(length)?.get(key);
      if (!holders) continue;
      const i = lastStartAtOrBefore(holders.starts, atMs);
      if (i < 0 || (holders.ends[i] as number) <= atMs) continue;
      const end = holders.ends[i] as number;
      return {
        address:
          target.family === 4 ? { family: 4, value: key as number } : { family: 6, value: key as bigint },
        prefixLength: length,
        subscriber: holders.subscribers[i] as string,
        startMs: holders.starts[i] as number,
        endMs: end === Number.POSITIVE_INFINITY ? null : end,
      };
    }
    return null;
  }

  /** The subscriber holding the address at `atMs`, or null when no lease covers it. */
  subscriberAt(address: Address | string, atMs: number): string | null {
    return this.leaseAt(address, atMs)?.subscriber ?? null;
  }

  /**
   * Everyone who held the address during [fromMs, toMs) with how long, longest first (ties in
   * subscriber order). An hour of traffic is best attributed to the first: the one who held the
   * address longest in it.
   */
  subscribersDuring(address: Address | string, fromMs: number, toMs: number): HeldDuration[] {
    const target = typeof address === "string" ? parseAddress(address) : address;
    // Who holds the address only changes at a lease's start or end: check once per stretch between them.
    const bounds = new Set<number>([fromMs]);
    for (const length of this.lengths.get(target.family) ?? []) {
      const holders = this.byFamily.get(target.family)?.get(length)?.get(networkKey(target, length));
      if (!holders) continue;
      for (let i = 0; i < holders.starts.length; i++) {
        for (const bound of [holders.starts[i] as number, holders.ends[i] as number]) {
          if (bound > fromMs && bound < toMs) bounds.add(bound);
        }
      }
    }
    const sorted = [...bounds].sort((a, b) => a - b);
    const held = new Map<string, number>();
    sorted.forEach((from, i) => {
      const subscriber = this.subscriberAt(target, from);
      if (subscriber !== null)
        held.set(subscriber, (held.get(subscriber) ?? 0) + ((sorted[i + 1] ?? toMs) - from));
    });
    return [...held]
      .map(([subscriber, heldMs]) => ({ subscriber, heldMs }))
      .sort(
        (a, b) =>
          b.heldMs - a.heldMs || (a.subscriber < b.subscriber ? -1 : a.subscriber > b.subscriber ? 1 : 0),
      );
  }
}

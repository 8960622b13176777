import { type Address, parseAddress } from "../core/index.js";
import type { Store } from "../store/index.js";
import { addressFromKey, networkAddress } from "./address-key.js";
import { ALL_PORTS, fullLength, type Lease, type PortRange, storedPorts } from "./lease.js";

/** The leases of one address or prefix, sorted by start, each cut off where the next begins. */
interface Holders {
  readonly starts: Float64Array;
  /** Effective ends; Infinity while open. */
  readonly ends: Float64Array;
  readonly subscribers: readonly string[];
}

/** The holders of one port block of one address. */
interface BlockHolders extends Holders {
  readonly ports: PortRange;
}

/** A lease as the index answers it: its end is where it really stopped holding the address. */
export interface HeldLease {
  readonly address: Address;
  readonly prefixLength: number;
  readonly subscriber: string;
  readonly startMs: number;
  /** Null while open. */
  readonly endMs: number | null;
  /** Absent when the lease holds the whole address. */
  readonly ports?: PortRange;
}

/** A lease of a port block of a shared address. */
export type HeldBlock = HeldLease & { readonly ports: PortRange };

/**
 * Who held an address at an instant. `address`: one lease held the whole address; `port-block`:
 * the address was shared (CGNAT) and one subscriber's block holds the port asked about;
 * `shared-address`: it was shared and no port was given, or no single subscriber's block holds
 * it (`holders`: the blocks that do, else every block held then); `none`: no lease covers it.
 */
export type Holding =
  | { readonly kind: "address" | "port-block"; readonly lease: HeldLease }
  | { readonly kind: "shared-address"; readonly holders: readonly HeldBlock[] }
  | { readonly kind: "none" };

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
  SELECT family, address_key, prefix_length, subscriber, start_ms, end_ms, port_first, port_last FROM (
    SELECT *, lead(start_ms) OVER (
      PARTITION BY family, address_key, prefix_length, port_first, port_last
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
  port_first: number;
  port_last: number;
}

/** Where a port-block lease lives: its one address. */
const slotOf = (address: Address) => `${address.family}/${address.value}`;

/** Leases of shared addresses, holding a block of ports rather than the whole address. */
const holdsBlock = (lease: Lease) =>
  lease.ports !== undefined && (lease.ports.first !== ALL_PORTS.first || lease.ports.last !== ALL_PORTS.last);

/** The instants in (fromMs, toMs) where one of the holders starts or stops holding. */
function addBounds(holders: Holders, fromMs: number, toMs: number, into: Set<number>): void {
  for (let i = 0; i < holders.starts.length; i++) {
    for (const bound of [holders.starts[i] as number, holders.ends[i] as number]) {
      if (bound > fromMs && bound < toMs) into.add(bound);
    }
  }
}

/**
 * Who held an address when, in memory, for reports that join many (address, time) pairs.
 * Semantics: leases of the same address (or the same delegated prefix) never overlap: a lease ends
 * at its own end or where the next lease of that address starts, whichever is first, so when
 * leases overlap the latest start wins, and a lease never closed (a lost Stop) yields to the next
 * holder. An IPv6 address is answered by the longest prefix holding it at that time: its own /128
 * lease, else the delegated /64, /56 … that contains it.
 *
 * A CGNAT address is shared: subscribers hold blocks of its ports at the same time. Leases of the
 * same block follow the rule above; different blocks do not cut each other. While any block of an
 * address is held, the blocks decide who held it (see Holding), never a whole-address lease.
 */
export class LeaseIndex {
  private constructor(
    private readonly byFamily: ReadonlyMap<number, ReadonlyMap<number, ReadonlyMap<Key, Holders>>>,
    /** Per family, the prefix lengths present, longest first. */
    private readonly lengths: ReadonlyMap<number, readonly number[]>,
    /** Per shared address (slotOf), the holders of each of its port blocks. */
    private readonly blocks: ReadonlyMap<string, readonly BlockHolders[]>,
    readonly size: number,
  ) {}

  static fromLeases(leases: Iterable<Lease>): LeaseIndex {
    const groups = new Map<number, Map<number, Map<Key, Lease[]>>>();
    const blockGroups = new Map<string, Map<string, Lease[]>>();
    for (const lease of leases) {
      // A lease that ends where it starts holds no instant, so it neither answers nor cuts another.
      if (lease.endMs !== null && lease.endMs <= lease.startMs) continue;
      if (holdsBlock(lease)) {
        const byBlock = entry(blockGroups, slotOf(lease.address), () => new Map<string, Lease[]>());
        const ports = lease.ports as PortRange;
        entry(byBlock, `${ports.first}-${ports.last}`, (): Lease[] => []).push(lease);
        continue;
      }
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
    const blocks = new Map<string, BlockHolders[]>();
    for (const [slot, byBlock] of blockGroups) {
      const built: BlockHolders[] = [];
      for (const list of byBlock.values()) {
        const ports = (list[0] as Lease).ports as PortRange;
        const holders = holdersOf(list);
        if (!holders) continue;
        built.push({ ...holders, ports });
        size += holders.starts.length;
      }
      blocks.set(slot, built);
    }
    return new LeaseIndex(byFamily, lengths, blocks, size);
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
        const ports = storedPorts(row.port_first, row.port_last);
        yield {
          address: addressFromKey(row.family, row.address_key),
          prefixLength: row.prefix_length,
          subscriber: row.subscriber,
          startMs: row.start_ms,
          endMs: row.end_ms,
          ...(ports ? { ports } : {}),
        };
      }
    }
    return LeaseIndex.fromLeases(leases());
  }

  /**
   * Who held the address at `atMs`. With a source `port`, a shared address is answered by the one
   * subscriber whose block holds that port; without one, or when no single subscriber's does, a
   * shared address is never attributed to any one of them.
   */
  holdingAt(address: Address | string, atMs: number, port: number | null = null): Holding {
    const target = typeof address === "string" ? parseAddress(address) : address;
    const blocks = this.blocksAt(target, atMs);
    if (blocks.length > 0) {
      const holding =
        port === null ? [] : blocks.filter((b) => b.ports.first <= port && port <= b.ports.last);
      const one = holding[0];
      if (one && holding.every((b) => b.subscriber === one.subscriber))
        return { kind: "port-block", lease: one };
      return { kind: "shared-address", holders: holding.length > 1 ? holding : blocks };
    }
    const lease = this.wholeLeaseAt(target, atMs);
    return lease ? { kind: "address", lease } : { kind: "none" };
  }

  /** The subscriber holding the whole address at `atMs`; null when none does or it is shared. */
  subscriberAt(address: Address | string, atMs: number): string | null {
    const holding = this.holdingAt(address, atMs);
    return holding.kind === "address" ? holding.lease.subscriber : null;
  }

  /**
   * Everyone who held the address during [fromMs, toMs) with how long, longest first (ties in
   * subscriber order). An hour of traffic is best attributed to the first: the one who held the
   * address longest in it. Time the address was shared counts for no one.
   */
  subscribersDuring(address: Address | string, fromMs: number, toMs: number): HeldDuration[] {
    const target = typeof address === "string" ? parseAddress(address) : address;
    // Who holds the address only changes at a lease's start or end: check once per stretch between them.
    const bounds = new Set<number>([fromMs]);
    for (const length of this.lengths.get(target.family) ?? []) {
      const holders = this.byFamily.get(target.family)?.get(length)?.get(networkKey(target, length));
      if (holders) addBounds(holders, fromMs, toMs, bounds);
    }
    for (const holders of this.blocksOf(target)) addBounds(holders, fromMs, toMs, bounds);
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

  private blocksOf(target: Address): readonly BlockHolders[] {
    return this.blocks.size === 0 ? [] : (this.blocks.get(slotOf(target)) ?? []);
  }

  /** The port-block leases holding the address at `atMs`. */
  private blocksAt(target: Address, atMs: number): HeldBlock[] {
    const held: HeldBlock[] = [];
    for (const holders of this.blocksOf(target)) {
      const i = lastStartAtOrBefore(holders.starts, atMs);
      if (i < 0 || (holders.ends[i] as number) <= atMs) continue;
      const end = holders.ends[i] as number;
      held.push({
        address: target,
        prefixLength: fullLength(target),
        subscriber: holders.subscribers[i] as string,
        startMs: holders.starts[i] as number,
        endMs: end === Number.POSITIVE_INFINITY ? null : end,
        ports: holders.ports,
      });
    }
    return held;
  }

  /** The lease holding the whole address at `atMs`, or null. */
  private wholeLeaseAt(target: Address, atMs: number): HeldLease | null {
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
}

/**
 * The hourly aggregator: what the collector feeds and the store keeps. Per source address, UTC
 * hour (of the flow's first packet) and destination port it counts flows, packets, bytes, short
 * and SYN-only flows, first/last seen and the destinations. The hot path works on numbers in
 * typed arrays: no object or Map per flow, entry or destination, and no text until drained.
 * Memory grows with the live source-hour-port entries and their destinations, never with the
 * flow records; a drain gives the memory of what it hands over back.
 *
 * Layout: an (hour, port) bucket table (a handful of keys, with a one-entry cache); an entry
 * table keyed by (source, bucket, family) giving a dense entry id, with the entry's counters in
 * one 64-byte row of a Float64Array; one destination table keyed by (entry id, destination)
 * holding the flows to it. IPv6 addresses are interned to small ids so that they share the
 * IPv4 path. Past the cap an entry's further destinations only feed a HyperLogLog; the listed
 * ones are added to it at drain (registers take the maximum, so the order does not matter).
 */
import { formatIpv4, formatIpv6 } from "../../core/index.js";
import {
  DESTINATIONS_CAP,
  type FlowSink,
  type HourlyAggregate,
  type MailFlow,
  type MailPort,
} from "../mail-flow.js";
import { HLL_BYTES, HyperLogLog, hashV6, mix32 } from "./hll.js";

const HOUR_MS = 3_600_000;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** Flows of at most this many packets count as short (a failed or refused SMTP session). */
const SHORT_FLOW_PACKETS = 3;
const GOLDEN = 0x9e3779b1;

// Entry counters: one row of ROW doubles per entry id.
const ROW = 8;
const FLOWS = 0;
const PACKETS = 1;
const BYTES = 2;
const SHORT = 3;
const SYN_ONLY = 4;
const FIRST = 5;
const LAST = 6;
const INITIAL_ENTRIES = 64;
const INITIAL_DESTINATIONS = 1024;

/**
 * Whether a destination table of `capacity` slots is too full for one more: linear probing at
 * up to three quarters full keeps probes short (four slots share a cache line) and the table,
 * whose random accesses are most of the aggregation's time, a third smaller than at one half.
 */
function destinationsFull(destinations: number, capacity: number): boolean {
  return (destinations + 1) * 4 > capacity * 3;
}

function portIndex(port: MailPort): number {
  return port === 25 ? 0 : port === 587 ? 1 : 2;
}

function grownUint32(array: Uint32Array, length: number): Uint32Array<ArrayBuffer> {
  const out = new Uint32Array(length);
  out.set(array);
  return out;
}

export interface HourlyAggregatorOptions {
  /** Exact destinations kept per entry before switching to an estimate; tests lower it. */
  destinationsCap?: number;
}

export class HourlyAggregator implements FlowSink {
  private readonly cap: number;

  // (hour, port) buckets: key hourIndex * 3 + port index → bucket id. Few and long-lived.
  private bucketIds = new Map<number, number>();
  private bucketHour: number[] = [];
  private bucketPort: MailPort[] = [];
  /** Per port index, the last hour index seen and its bucket: mail ports interleave. */
  private lastHour = new Float64Array(3).fill(Number.NaN);
  private lastBucket = new Int32Array(3);

  // Entries. The open-addressing index holds 4 words per slot: id + 1 (0 = empty), source,
  // bucket * 2 + family, unused; one probe is one cache line.
  private entries = 0;
  private entryIndex = new Uint32Array(4 * 2 * INITIAL_ENTRIES);
  private entrySource = new Uint32Array(INITIAL_ENTRIES);
  private entryKey = new Uint32Array(INITIAL_ENTRIES);
  private counters = new Float64Array(ROW * INITIAL_ENTRIES);
  /** Destinations listed per entry (at most the cap). */
  private listed = new Uint32Array(INITIAL_ENTRIES);
  /** Entries past the cap: entry id → estimate of the destinations beyond the listed ones. */
  private overflow = new Map<number, HyperLogLog>();

  // Destinations: 4 words per slot: entry id + 1 (0 = empty), destination, then the flows as
  // a double over the last two words (the same buffer seen as a Float64Array).
  private destinations = 0;
  private destinationWords = new Uint32Array(4 * INITIAL_DESTINATIONS);
  private destinationFlows = new Float64Array(this.destinationWords.buffer);

  // IPv6 addresses (sources and destinations) ↔ ids, for the entries and destinations alive.
  private v6Ids = new Map<bigint, number>();
  private v6Values: bigint[] = [];

  constructor(options: HourlyAggregatorOptions = {}) {
    this.cap = options.destinationsCap ?? DESTINATIONS_CAP;
  }

  /** Live source-hour-port entries. */
  get size(): number {
    return this.entries;
  }

  /**
   * Bytes held in its tables: the typed arrays, the estimates past the cap, and about 100 bytes
   * per interned IPv6 address (the bigint, its Map entry and its array slot).
   */
  get memoryBytes(): number {
    const tables = [
      this.entryIndex,
      this.entrySource,
      this.entryKey,
      this.counters,
      this.listed,
      this.destinationWords,
    ];
    return (
      tables.reduce((n, table) => n + table.byteLength, 0) +
      this.overflow.size * HLL_BYTES +
      this.v6Values.length * 100
    );
  }

  add(flow: MailFlow): void {
    const hourIndex = Math.floor(flow.firstMs / HOUR_MS);
    const p = portIndex(flow.dstPort);
    let bucket = this.lastBucket[p] as number;
    if (hourIndex !== this.lastHour[p]) {
      bucket = this.bucket(hourIndex * 3 + p, hourIndex * 3600, flow.dstPort);
      this.lastBucket[p] = bucket;
      this.lastHour[p] = hourIndex;
    }
    let source: number;
    let destination: number;
    let key: number;
    if (flow.family === 4) {
      source = flow.srcV4;
      destination = flow.dstV4;
      key = bucket * 2;
    } else {
      source = this.v6Id(flow.srcV6);
      destination = this.v6Id(flow.dstV6);
      key = bucket * 2 + 1;
    }
    const id = this.entry(source, key);
    const n = flow.flows;
    const packets = flow.packets;
    const row = id * ROW;
    const c = this.counters;
    c[row + FLOWS] = (c[row + FLOWS] as number) + n;
    c[row + PACKETS] = (c[row + PACKETS] as number) + packets;
    c[row + BYTES] = (c[row + BYTES] as number) + flow.bytes;
    const synOnly = (flow.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (synOnly) c[row + SYN_ONLY] = (c[row + SYN_ONLY] as number) + n;
    // Sampled records stand for `flows` flows of packets/flows packets each.
    if (synOnly || packets <= SHORT_FLOW_PACKETS * n) c[row + SHORT] = (c[row + SHORT] as number) + n;
    if (flow.firstMs < (c[row + FIRST] as number)) c[row + FIRST] = flow.firstMs;
    if (flow.lastMs > (c[row + LAST] as number)) c[row + LAST] = flow.lastMs;
    this.destination(id, destination, n, flow.family === 6);
  }

  /** Returns everything accumulated, ordered by hour, port and source, and forgets it. */
  drain(): HourlyAggregate[] {
    return this.drainWhere(() => true);
  }

  /** Returns and forgets the entries of hours that start before `hourEpochSec`. */
  drainOlderThan(hourEpochSec: number): HourlyAggregate[] {
    return this.drainWhere((hour) => hour < hourEpochSec);
  }

  private bucket(bucketKey: number, hour: number, port: MailPort): number {
    let bucket = this.bucketIds.get(bucketKey);
    if (bucket === undefined) {
      bucket = this.bucketHour.length;
      this.bucketIds.set(bucketKey, bucket);
      this.bucketHour.push(hour);
      this.bucketPort.push(port);
    }
    return bucket;
  }

  private v6Id(address: bigint): number {
    let id = this.v6Ids.get(address);
    if (id === undefined) {
      id = this.v6Values.length;
      this.v6Ids.set(address, id);
      this.v6Values.push(address);
    }
    return id;
  }

  /** The entry id of (source, key), created with empty counters when new. */
  private entry(source: number, key: number): number {
    let index = this.entryIndex;
    let mask = (index.length >>> 2) - 1;
    let slot = mix32(source ^ Math.imul(key + 1, GOLDEN)) & mask;
    for (;;) {
      const at = slot << 2;
      const stored = index[at] as number;
      if (stored === 0) break;
      if (index[at + 1] === source && index[at + 2] === key) return stored - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.entries;
    if (id === this.entrySource.length) this.growEntries();
    if ((id + 1) * 2 > mask + 1) {
      this.rehashEntries();
      index = this.entryIndex;
      mask = (index.length >>> 2) - 1;
      slot = mix32(source ^ Math.imul(key + 1, GOLDEN)) & mask;
      while (index[slot << 2] !== 0) slot = (slot + 1) & mask;
    }
    const at = slot << 2;
    index[at] = id + 1;
    index[at + 1] = source;
    index[at + 2] = key;
    this.entrySource[id] = source;
    this.entryKey[id] = key;
    const row = id * ROW;
    this.counters.fill(0, row, row + ROW);
    this.counters[row + FIRST] = Number.POSITIVE_INFINITY;
    this.counters[row + LAST] = Number.NEGATIVE_INFINITY;
    this.entries = id + 1;
    return id;
  }

  private growEntries(): void {
    const length = this.entrySource.length * 2;
    this.entrySource = grownUint32(this.entrySource, length);
    this.entryKey = grownUint32(this.entryKey, length);
    this.listed = grownUint32(this.listed, length);
    const counters = new Float64Array(ROW * length);
    counters.set(this.counters);
    this.counters = counters;
  }

  private rehashEntries(): void {
    const index = new Uint32Array(this.entryIndex.length * 2);
    const mask = (index.length >>> 2) - 1;
    for (let id = 0; id < this.entries; id++) {
      const source = this.entrySource[id] as number;
      const key = this.entryKey[id] as number;
      let slot = mix32(source ^ Math.imul(key + 1, GOLDEN)) & mask;
      while (index[slot << 2] !== 0) slot = (slot + 1) & mask;
      index[slot << 2] = id + 1;
      index[(slot << 2) + 1] = source;
      index[(slot << 2) + 2] = key;
    }
    this.entryIndex = index;
  }

  private destination(id: number, destination: number, flows: number, v6: boolean): void {
    const words = this.destinationWords;
    const mask = (words.length >>> 2) - 1;
    let slot = mix32(destination ^ Math.imul(id + 1, GOLDEN)) & mask;
    for (;;) {
      const at = slot << 2;
      const stored = words[at] as number;
      if (stored === 0) break;
      if (stored === id + 1 && words[at + 1] === destination) {
        this.destinationFlows[(at >>> 1) + 1] = (this.destinationFlows[(at >>> 1) + 1] as number) + flows;
        return;
      }
      slot = (slot + 1) & mask;
    }
    if ((this.listed[id] as number) >= this.cap) {
      let estimate = this.overflow.get(id);
      if (estimate === undefined) {
        estimate = new HyperLogLog();
        this.overflow.set(id, estimate);
      }
      estimate.addHash(v6 ? hashV6(this.v6Values[destination] as bigint) : mix32(destination));
      return;
    }
    this.listed[id] = (this.listed[id] as number) + 1;
    if (destinationsFull(this.destinations, mask + 1)) {
      this.rehashDestinations();
      this.insertDestination(id, destination, flows);
      return;
    }
    const at = slot << 2;
    words[at] = id + 1;
    words[at + 1] = destination;
    this.destinationFlows[(at >>> 1) + 1] = flows;
    this.destinations++;
  }

  /** Inserts a destination known not to be in the table, which has room for it. */
  private insertDestination(id: number, destination: number, flows: number): void {
    const words = this.destinationWords;
    const mask = (words.length >>> 2) - 1;
    let slot = mix32(destination ^ Math.imul(id + 1, GOLDEN)) & mask;
    while (words[slot << 2] !== 0) slot = (slot + 1) & mask;
    const at = slot << 2;
    words[at] = id + 1;
    words[at + 1] = destination;
    this.destinationFlows[(at >>> 1) + 1] = flows;
    this.destinations++;
  }

  private rehashDestinations(): void {
    const words = this.destinationWords;
    const flows = this.destinationFlows;
    this.destinationWords = new Uint32Array(words.length * 2);
    this.destinationFlows = new Float64Array(this.destinationWords.buffer);
    this.destinations = 0;
    for (let at = 0; at < words.length; at += 4) {
      const stored = words[at] as number;
      if (stored !== 0)
        this.insertDestination(stored - 1, words[at + 1] as number, flows[(at >>> 1) + 1] as number);
    }
  }

  private drainWhere(take: (hour: number) => boolean): HourlyAggregate[] {
    const buckets = this.bucketHour.length;
    const taken = new Uint8Array(buckets);
    for (let b = 0; b < buckets; b++) if (take(this.bucketHour[b] as number)) taken[b] = 1;
    const out: HourlyAggregate[] = [];
    const drained: number[] = [];
    const kept: number[] = [];
    for (let id = 0; id < this.entries; id++) {
      if (taken[(this.entryKey[id] as number) >>> 1] === 1) drained.push(id);
      else kept.push(id);
    }
    if (drained.length === 0) return out;
    drained.sort((a, b) => this.compareEntries(a, b));

    // The drained entries' destinations, grouped by entry: counting sort on the listed counts.
    const start = new Int32Array(this.entries + 1).fill(-1);
    let total = 0;
    for (const id of drained) {
      start[id] = total;
      total += this.listed[id] as number;
    }
    const fill = start.slice();
    const dsts = new Uint32Array(total);
    const dstFlows = new Float64Array(total);
    const words = this.destinationWords;
    for (let at = 0; at < words.length; at += 4) {
      const stored = words[at] as number;
      if (stored === 0) continue;
      const position = fill[stored - 1] as number;
      if (position < 0) continue;
      dsts[position] = words[at + 1] as number;
      dstFlows[position] = this.destinationFlows[(at >>> 1) + 1] as number;
      fill[stored - 1] = position + 1;
    }

    for (const id of drained) {
      const v6 = ((this.entryKey[id] as number) & 1) === 1;
      const bucket = (this.entryKey[id] as number) >>> 1;
      const format = (value: number) => (v6 ? formatIpv6(this.v6Values[value] as bigint) : formatIpv4(value));
      const destinations = new Map<string, number>();
      const first = start[id] as number;
      const end = first + (this.listed[id] as number);
      for (let i = first; i < end; i++) destinations.set(format(dsts[i] as number), dstFlows[i] as number);
      const estimate = this.overflow.get(id);
      if (estimate !== undefined) {
        for (let i = first; i < end; i++) {
          const dst = dsts[i] as number;
          estimate.addHash(v6 ? hashV6(this.v6Values[dst] as bigint) : mix32(dst));
        }
      }
      const row = id * ROW;
      const c = this.counters;
      out.push({
        source: format(this.entrySource[id] as number),
        hour: this.bucketHour[bucket] as number,
        port: this.bucketPort[bucket] as MailPort,
        flows: c[row + FLOWS] as number,
        packets: c[row + PACKETS] as number,
        bytes: c[row + BYTES] as number,
        shortFlows: c[row + SHORT] as number,
        synOnly: c[row + SYN_ONLY] as number,
        firstSeenMs: c[row + FIRST] as number,
        lastSeenMs: c[row + LAST] as number,
        destinations,
        destinationsTruncated: estimate !== undefined,
        // Past the cap at least one more destination was seen than the exact list holds.
        distinctDestinations:
          estimate !== undefined ? Math.max(estimate.estimate(), destinations.size + 1) : destinations.size,
      });
    }
    this.keepOnly(kept, taken);
    return out;
  }

  /** By hour, port, family (IPv4 first), then numeric source. */
  private compareEntries(a: number, b: number): number {
    const ka = this.entryKey[a] as number;
    const kb = this.entryKey[b] as number;
    const ba = ka >>> 1;
    const bb = kb >>> 1;
    if (ba !== bb) {
      return (
        (this.bucketHour[ba] as number) - (this.bucketHour[bb] as number) ||
        (this.bucketPort[ba] as number) - (this.bucketPort[bb] as number)
      );
    }
    if (ka !== kb) return (ka & 1) - (kb & 1);
    const sa = this.entrySource[a] as number;
    const sb = this.entrySource[b] as number;
    if ((ka & 1) === 0) return sa - sb;
    const va = this.v6Values[sa] as bigint;
    const vb = this.v6Values[sb] as bigint;
    return va < vb ? -1 : va > vb ? 1 : 0;
  }

  /**
   * Rebuilds every table with only the `kept` entries (ids renumbered in order), their
   * buckets, destinations and IPv6 addresses, sized for them: the drained ones' memory goes.
   */
  private keepOnly(kept: readonly number[], takenBuckets: Uint8Array): void {
    const old = {
      source: this.entrySource,
      key: this.entryKey,
      counters: this.counters,
      listed: this.listed,
      overflow: this.overflow,
      words: this.destinationWords,
      flows: this.destinationFlows,
      v6: this.v6Values,
      hours: this.bucketHour,
      ports: this.bucketPort,
      bucketIds: this.bucketIds,
    };
    const oldEntries = this.entries;
    let capacity = INITIAL_ENTRIES;
    while (capacity < kept.length) capacity *= 2;
    this.entries = 0;
    this.entryIndex = new Uint32Array(4 * 2 * capacity);
    this.entrySource = new Uint32Array(capacity);
    this.entryKey = new Uint32Array(capacity);
    this.counters = new Float64Array(ROW * capacity);
    this.listed = new Uint32Array(capacity);
    this.overflow = new Map();
    this.v6Ids = new Map();
    this.v6Values = [];
    this.bucketIds = new Map();
    this.bucketHour = [];
    this.bucketPort = [];
    this.lastHour.fill(Number.NaN);
    const bucketOf = new Int32Array(old.hours.length).fill(-1);
    for (const [bucketKey, b] of old.bucketIds) {
      if (takenBuckets[b] === 1) continue;
      bucketOf[b] = this.bucket(bucketKey, old.hours[b] as number, old.ports[b] as MailPort);
    }
    const renumbered = new Int32Array(oldEntries).fill(-1);
    for (const id of kept) {
      const key = old.key[id] as number;
      const v6 = (key & 1) === 1;
      const source = v6 ? this.v6Id(old.v6[old.source[id] as number] as bigint) : (old.source[id] as number);
      const now = this.entry(source, (bucketOf[key >>> 1] as number) * 2 + (key & 1));
      this.counters.set(old.counters.subarray(id * ROW, id * ROW + ROW), now * ROW);
      this.listed[now] = old.listed[id] as number;
      const estimate = old.overflow.get(id);
      if (estimate !== undefined) this.overflow.set(now, estimate);
      renumbered[id] = now;
    }
    let destinations = 0;
    for (const id of kept) destinations += old.listed[id] as number;
    // Half the old table at least: traffic like the last interval's refills it with one rehash,
    // not one per doubling, and memory still follows the active sources down, by half a drain.
    capacity = Math.max(INITIAL_DESTINATIONS, old.words.length >>> 3);
    while (destinationsFull(destinations, capacity)) capacity *= 2;
    this.destinations = 0;
    this.destinationWords = new Uint32Array(4 * capacity);
    this.destinationFlows = new Float64Array(this.destinationWords.buffer);
    for (let at = 0; at < old.words.length; at += 4) {
      const stored = old.words[at] as number;
      if (stored === 0) continue;
      const now = renumbered[stored - 1] as number;
      if (now < 0) continue;
      const dst = old.words[at + 1] as number;
      const v6 = ((old.key[stored - 1] as number) & 1) === 1;
      this.insertDestination(
        now,
        v6 ? this.v6Id(old.v6[dst] as bigint) : dst,
        old.flows[(at >>> 1) + 1] as number,
      );
    }
  }
}

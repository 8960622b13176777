/**
 * The hourly aggregator: what the collector feeds and the store keeps. Per source address, UTC
 * hour (of the flow's first packet) and destination port it counts flows, packets, bytes, short
 * and SYN-only flows, first/last seen and the destinations. The hot path works on numbers: IPv4
 * sources and destinations are uint32 map keys and become text only when drained. Memory grows
 * with the live source-hour-port entries, never with the flow records.
 */
import { formatIpv4, formatIpv6 } from "../core/index.js";
import { HyperLogLog, hashV6, mix32 } from "./hll.js";
import {
  DESTINATIONS_CAP,
  type FlowSink,
  type HourlyAggregate,
  type MailFlow,
  type MailPort,
} from "./mail-flow.js";

const HOUR_MS = 3_600_000;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** Flows of at most this many packets count as short (a failed or refused SMTP session). */
const SHORT_FLOW_PACKETS = 3;

/**
 * IPv4 destination → flows, an open-addressing hash table on typed arrays: no object per
 * destination and no Map rehashing on the hot path.
 */
class Destinations4 {
  size = 0;
  private keys = new Uint32Array(8);
  private counts = new Float64Array(8);
  private used = new Uint8Array(8);

  /** Adds `flows` to a known destination; returns false when the destination is new. */
  bump(key: number, flows: number): boolean {
    const mask = this.keys.length - 1;
    for (let i = mix32(key) & mask; this.used[i] === 1; i = (i + 1) & mask) {
      if (this.keys[i] === key) {
        this.counts[i] = (this.counts[i] as number) + flows;
        return true;
      }
    }
    return false;
  }

  /** Inserts a destination known not to be present. */
  insert(key: number, flows: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let i = mix32(key) & mask;
    while (this.used[i] === 1) i = (i + 1) & mask;
    this.used[i] = 1;
    this.keys[i] = key;
    this.counts[i] = flows;
    this.size++;
  }

  *entries(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.keys.length; i++)
      if (this.used[i] === 1) yield [this.keys[i] as number, this.counts[i] as number];
  }

  private grow(): void {
    const { keys, counts, used } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.counts = new Float64Array(keys.length * 2);
    this.used = new Uint8Array(keys.length * 2);
    this.size = 0;
    for (let i = 0; i < keys.length; i++)
      if (used[i] === 1) this.insert(keys[i] as number, counts[i] as number);
  }
}

class Entry {
  flows = 0;
  packets = 0;
  bytes = 0;
  shortFlows = 0;
  synOnly = 0;
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  /** Allocated when the exact destinations reach the cap; from then on it estimates the distinct count. */
  overflow: HyperLogLog | undefined;
}

class Entry4 extends Entry {
  readonly destinations = new Destinations4();
}

class Entry6 extends Entry {
  readonly destinations = new Map<bigint, number>();
}

class Bucket {
  readonly v4 = new Map<number, Entry4>();
  readonly v6 = new Map<bigint, Entry6>();
  constructor(
    readonly key: number,
    readonly hour: number,
    readonly port: MailPort,
  ) {}
}

function portIndex(port: MailPort): number {
  return port === 25 ? 0 : port === 587 ? 1 : 2;
}

export interface HourlyAggregatorOptions {
  /** Exact destinations kept per entry before switching to an estimate; tests lower it. */
  destinationsCap?: number;
}

export class HourlyAggregator implements FlowSink {
  private readonly buckets = new Map<number, Bucket>();
  /** Flows arrive mostly in the same hour and port, so the last bucket saves a look-up. */
  private last: Bucket | undefined;
  private entries = 0;
  private readonly cap: number;

  constructor(options: HourlyAggregatorOptions = {}) {
    this.cap = options.destinationsCap ?? DESTINATIONS_CAP;
  }

  /** Live source-hour-port entries. */
  get size(): number {
    return this.entries;
  }

  add(flow: MailFlow): void {
    const hourIndex = Math.floor(flow.firstMs / HOUR_MS);
    const key = hourIndex * 3 + portIndex(flow.dstPort);
    let bucket = this.last;
    if (bucket === undefined || bucket.key !== key) {
      bucket = this.buckets.get(key);
      if (bucket === undefined) {
        bucket = new Bucket(key, hourIndex * 3600, flow.dstPort);
        this.buckets.set(key, bucket);
      }
      this.last = bucket;
    }
    if (flow.family === 4) {
      let entry = bucket.v4.get(flow.srcV4);
      if (entry === undefined) {
        entry = new Entry4();
        bucket.v4.set(flow.srcV4, entry);
        this.entries++;
      }
      this.count(entry, flow);
      this.destination4(entry, flow.dstV4, flow.flows);
    } else {
      let entry = bucket.v6.get(flow.srcV6);
      if (entry === undefined) {
        entry = new Entry6();
        bucket.v6.set(flow.srcV6, entry);
        this.entries++;
      }
      this.count(entry, flow);
      this.destination6(entry, flow.dstV6, flow.flows);
    }
  }

  /** Returns everything accumulated, ordered by hour, port and source, and forgets it. */
  drain(): HourlyAggregate[] {
    return this.drainWhere(() => true);
  }

  /** Returns and forgets the entries of hours that start before `hourEpochSec`. */
  drainOlderThan(hourEpochSec: number): HourlyAggregate[] {
    return this.drainWhere((bucket) => bucket.hour < hourEpochSec);
  }

  private count(entry: Entry, flow: MailFlow): void {
    const n = flow.flows;
    entry.flows += n;
    entry.packets += flow.packets;
    entry.bytes += flow.bytes;
    const synOnly = (flow.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (synOnly) entry.synOnly += n;
    // Sampled records stand for `flows` flows of packets/flows packets each.
    if (synOnly || flow.packets <= SHORT_FLOW_PACKETS * n) entry.shortFlows += n;
    if (flow.firstMs < entry.firstMs) entry.firstMs = flow.firstMs;
    if (flow.lastMs > entry.lastMs) entry.lastMs = flow.lastMs;
  }

  private destination4(entry: Entry4, dst: number, flows: number): void {
    const table = entry.destinations;
    if (table.bump(dst, flows)) return;
    if (table.size < this.cap) {
      table.insert(dst, flows);
      return;
    }
    if (entry.overflow === undefined) {
      entry.overflow = new HyperLogLog();
      for (const [seen] of table.entries()) entry.overflow.addHash(mix32(seen));
    }
    entry.overflow.addHash(mix32(dst));
  }

  private destination6(entry: Entry6, dst: bigint, flows: number): void {
    const map = entry.destinations;
    const known = map.get(dst);
    if (known !== undefined) {
      map.set(dst, known + flows);
      return;
    }
    if (map.size < this.cap) {
      map.set(dst, flows);
      return;
    }
    if (entry.overflow === undefined) {
      entry.overflow = new HyperLogLog();
      for (const seen of map.keys()) entry.overflow.addHash(hashV6(seen));
    }
    entry.overflow.addHash(hashV6(dst));
  }

  private drainWhere(take: (bucket: Bucket) => boolean): HourlyAggregate[] {
    const taken = [...this.buckets.values()].filter(take);
    taken.sort((a, b) => a.hour - b.hour || a.port - b.port);
    const out: HourlyAggregate[] = [];
    for (const bucket of taken) {
      this.buckets.delete(bucket.key);
      for (const source of [...bucket.v4.keys()].sort((a, b) => a - b)) {
        const entry = bucket.v4.get(source) as Entry4;
        out.push(aggregate(bucket, formatIpv4(source), entry, entry.destinations.entries(), formatIpv4));
      }
      for (const source of [...bucket.v6.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const entry = bucket.v6.get(source) as Entry6;
        out.push(aggregate(bucket, formatIpv6(source), entry, entry.destinations.entries(), formatIpv6));
      }
      this.entries -= bucket.v4.size + bucket.v6.size;
    }
    if (this.last !== undefined && !this.buckets.has(this.last.key)) this.last = undefined;
    return out;
  }
}

function aggregate<K extends number | bigint>(
  bucket: Bucket,
  source: string,
  entry: Entry,
  exact: Iterable<[K, number]>,
  format: (value: K) => string,
): HourlyAggregate {
  const destinations = new Map<string, number>();
  for (const [dst, flows] of exact) destinations.set(format(dst), flows);
  const truncated = entry.overflow !== undefined;
  return {
    source,
    hour: bucket.hour,
    port: bucket.port,
    flows: entry.flows,
    packets: entry.packets,
    bytes: entry.bytes,
    shortFlows: entry.shortFlows,
    synOnly: entry.synOnly,
    firstSeenMs: entry.firstMs,
    lastSeenMs: entry.lastMs,
    destinations,
    destinationsTruncated: truncated,
    // Past the cap at least one more destination was seen than the exact list holds.
    distinctDestinations: truncated
      ? Math.max((entry.overflow as HyperLogLog).estimate(), destinations.size + 1)
      : destinations.size,
  };
}

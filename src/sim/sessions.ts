/**
 * Who held which address when: webmail users keep one long PPPoE session (one address all
 * year); the subscribers with SMTP behaviour reconnect every few days and get a new address
 * from their region's pools each time, so one infected machine lists many addresses, as on a
 * real dynamic network. Addresses are handed out from a first-in first-out free list per region,
 * so no address is ever held by two subscribers at once.
 */
import type { SimIsp } from "./isp.js";
import { DAY_MS, dayStartMs, HISTORY_DAYS, type SimOptions } from "./options.js";
import type { Population } from "./population.js";
import { Random, shuffle } from "./random.js";

const MEAN_SESSION_DAYS = 10;
/** Sessions begin this long before the history, so the first listings can look back four weeks. */
const LEAD_IN_DAYS = 35;
const HOUR_MS = 3_600_000;

export interface Sessions {
  /** Webmail users' one address, by subscriber index (0 for the others). */
  readonly fixedAddress: Uint32Array;
  /** Per active subscriber (by position in population.active): its sessions' id range. */
  readonly firstSession: Uint32Array;
  readonly startMs: Float64Array;
  readonly endMs: Float64Array;
  readonly address: Uint32Array;
}

/** The region's dynamic IPv4 addresses (without each pool's first and last), shuffled. */
function freeAddresses(isp: SimIsp, region: number, random: Random): Uint32Array {
  const pools = isp.regions[region]?.dynamicPools ?? [];
  const size = pools.reduce((n, p) => n + ((p.last as number) - (p.first as number) - 1), 0);
  const out = new Uint32Array(size);
  let at = 0;
  for (const pool of pools) {
    for (let a = (pool.first as number) + 1; a < (pool.last as number); a++) out[at++] = a;
  }
  shuffle(out, random);
  return out;
}

/** A min-heap of (end time, address) of the sessions holding an address. */
class Releases {
  private readonly ends: number[] = [];
  private readonly addresses: number[] = [];

  get size(): number {
    return this.ends.length;
  }

  peek(): number {
    return this.ends[0] as number;
  }

  push(end: number, address: number): void {
    let i = this.ends.length;
    this.ends.push(end);
    this.addresses.push(address);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.ends[parent] as number) <= end) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number {
    const address = this.addresses[0] as number;
    const lastEnd = this.ends.pop() as number;
    const lastAddress = this.addresses.pop() as number;
    if (this.ends.length > 0) {
      this.ends[0] = lastEnd;
      this.addresses[0] = lastAddress;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.ends.length && (this.ends[l] as number) < (this.ends[m] as number)) m = l;
        if (r < this.ends.length && (this.ends[r] as number) < (this.ends[m] as number)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return address;
  }

  private swap(a: number, b: number): void {
    [this.ends[a], this.ends[b]] = [this.ends[b] as number, this.ends[a] as number];
    [this.addresses[a], this.addresses[b]] = [this.addresses[b] as number, this.addresses[a] as number];
  }
}

export function buildSessions(isp: SimIsp, population: Population, options: SimOptions): Sessions {
  const random = new Random(options.seed).fork("sessions");
  const historyStart = dayStartMs(options, 0);
  const historyEnd = dayStartMs(options, HISTORY_DAYS);
  const seconds = (ms: number) => Math.round(ms / 1000) * 1000;
  // Session boundaries of the active subscribers, each a run of back-to-back sessions.
  const starts: number[] = [];
  const ends: number[] = [];
  const firstSession = new Uint32Array(population.active.length + 1);
  population.active.forEach((_, slot) => {
    firstSession[slot] = starts.length;
    let t = seconds(historyStart - (LEAD_IN_DAYS + random.exponential(MEAN_SESSION_DAYS)) * DAY_MS);
    while (t < historyEnd) {
      const end = seconds(t + Math.max(HOUR_MS, random.exponential(MEAN_SESSION_DAYS) * DAY_MS));
      starts.push(t);
      ends.push(end);
      t = end;
    }
  });
  firstSession[population.active.length] = starts.length;
  const address = new Uint32Array(starts.length);
  const fixedAddress = new Uint32Array(population.total);
  const activeIndexes = new Set(population.active.map((s) => s.index));
  population.regionRanges.forEach((range, region) => {
    const free = freeAddresses(isp, region, random.fork("free", region));
    // Free addresses are free[head..tail) around the ring; it starts full (tail = head = 0).
    let head = 0;
    let tail = 0;
    const take = () => {
      const a = free[head] as number;
      head = (head + 1) % free.length;
      return a;
    };
    for (let index = range.first; index < range.first + range.count; index++) {
      if (!activeIndexes.has(index)) fixedAddress[index] = take();
    }
    // The region's sessions in start order; an address freed before a start may be reused.
    const ids: number[] = [];
    population.active.forEach((s, slot) => {
      if (s.region !== region) return;
      for (let id = firstSession[slot] as number; id < (firstSession[slot + 1] as number); id++) ids.push(id);
    });
    ids.sort((a, b) => (starts[a] as number) - (starts[b] as number) || a - b);
    const releases = new Releases();
    for (const id of ids) {
      while (releases.size > 0 && releases.peek() <= (starts[id] as number)) {
        free[tail] = releases.pop();
        tail = (tail + 1) % free.length;
      }
      const a = take();
      address[id] = a;
      releases.push(ends[id] as number, a);
    }
  });
  return {
    fixedAddress,
    firstSession,
    startMs: Float64Array.from(starts),
    endMs: Float64Array.from(ends),
    address,
  };
}

/** The address an active subscriber (by slot) held at a time, or 0 outside its sessions. */
export function addressAt(sessions: Sessions, slot: number, ms: number): number {
  let low = sessions.firstSession[slot] as number;
  let high = (sessions.firstSession[slot + 1] as number) - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((sessions.startMs[mid] as number) > ms) high = mid - 1;
    else if ((sessions.endMs[mid] as number) <= ms) low = mid + 1;
    else return sessions.address[mid] as number;
  }
  return 0;
}

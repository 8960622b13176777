/**
 * The observe phase's hit counters from the router: porteiro's nftables ruleset keeps, per source,
 * a counter of new TCP/25 connections in the dynamic sets observe_hits_v4/v6. An operator saves
 * `nft -j list set inet porteiro observe_hits_v4` (and _v6) and imports it; each import is one
 * reading. Counters restart when the ruleset is reloaded or an entry expires, so hits over a
 * period are the increases from reading to reading (a drop, or an absence, is a restart).
 */
import { type Address, formatAddress, parseAddress, UserError } from "../../core/index.js";
import type { Store } from "../../store/index.js";

export interface ObserveHit {
  readonly address: string;
  readonly packets: number;
}

export interface ObserveHitsReading {
  readonly hits: readonly ObserveHit[];
  /** Elements that could not be read, each with why. */
  readonly skipped: readonly string[];
}

/** The sets porteiro's nftables renderer declares for the counters. */
export const OBSERVE_HIT_SETS = ["observe_hits_v4", "observe_hits_v6"] as const;

interface NftSetElement {
  elem?: { val?: unknown; counter?: { packets?: unknown } };
}

interface NftSet {
  name?: unknown;
  table?: unknown;
  elem?: unknown;
}

/**
 * Reads the counters from `nft -j list set …`, `nft -j list table inet porteiro` or
 * `nft -j list ruleset` output. `source` names the input in messages.
 */
export function parseObserveHits(text: string, source: string): ObserveHitsReading {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: not the JSON output of nft -j (${(error as Error).message})`);
  }
  const items = (document as { nftables?: unknown } | null)?.nftables;
  if (!Array.isArray(items))
    throw new UserError(`${source}: not the JSON output of nft -j (no "nftables" list)`);
  const sets = items
    .map((item) => (item as { set?: NftSet } | null)?.set)
    .filter((set): set is NftSet => set !== undefined && OBSERVE_HIT_SETS.some((name) => name === set.name));
  if (sets.length === 0) {
    throw new UserError(
      `${source}: no observe_hits_v4 or observe_hits_v6 set in it; save it with: nft -j list set inet porteiro observe_hits_v4`,
    );
  }
  const byAddress = new Map<string, number>();
  const skipped: string[] = [];
  for (const set of sets) {
    const elements = Array.isArray(set.elem) ? (set.elem as unknown[]) : [];
    for (const [i, element] of elements.entries()) {
      const where = `${source}: ${String(set.name)} element ${i + 1}`;
      const { val, counter } = (element as NftSetElement | null)?.elem ?? {};
      let address: Address;
      try {
        if (typeof val !== "string") throw new Error("not an address");
        address = parseAddress(val);
      } catch {
        skipped.push(`${where}: not an address with a counter`);
        continue;
      }
      const packets = counter?.packets;
      if (typeof packets !== "number" || !Number.isSafeInteger(packets) || packets < 0) {
        skipped.push(`${where}: no packet counter (was the set declared with "counter"?)`);
        continue;
      }
      const key = formatAddress(address);
      byAddress.set(key, (byAddress.get(key) ?? 0) + packets);
    }
  }
  return { hits: [...byAddress].map(([address, packets]) => ({ address, packets })), skipped };
}

/** Stores one reading taken at `readAt` (ISO time); a second import of the same time replaces it. */
export function recordObserveHits(store: Store, readAt: Date, hits: readonly ObserveHit[]): void {
  const at = readAt.toISOString();
  const insert = store.prepare(
    "INSERT INTO observe_hits (read_at, address, packets) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET packets = excluded.packets",
  );
  store.transaction(() => {
    store.prepare("DELETE FROM observe_hits WHERE read_at = ?").run(at);
    for (const hit of hits) insert.run(at, hit.address, hit.packets);
  })();
}

/** When the newest reading was taken (ISO time), or null before the first import. */
export function latestObserveReading(store: Store): string | null {
  return store.prepare("SELECT MAX(read_at) FROM observe_hits").pluck().get() as string | null;
}

export interface ObserveHitTotals {
  /** New TCP/25 connections counted per source over the readings. */
  readonly hits: ReadonlyMap<string, number>;
  /** The readings used, oldest first. */
  readonly readings: readonly string[];
}

/**
 * Hits per source counted between `since` and `until` (ISO times, either open): the increases
 * from each reading to the next, starting from the last reading before `since` (or from zero).
 */
export function observeHitTotals(
  store: Store,
  window: { since?: string; until?: string } = {},
): ObserveHitTotals {
  const until = window.until ?? "9999";
  const baseline = window.since
    ? (store.prepare("SELECT MAX(read_at) FROM observe_hits WHERE read_at < ?").pluck().get(window.since) as
        | string
        | null)
    : null;
  const readings = store
    .prepare("SELECT DISTINCT read_at FROM observe_hits WHERE read_at >= ? AND read_at <= ? ORDER BY read_at")
    .pluck()
    .all(window.since ?? "", until) as string[];
  const rows = store
    .prepare(
      "SELECT read_at, address, packets FROM observe_hits WHERE read_at >= ? AND read_at <= ? ORDER BY address, read_at",
    )
    .all(baseline ?? window.since ?? "", until) as { read_at: string; address: string; packets: number }[];
  const order = new Map(readings.map((at, i) => [at, i]));
  const hits = new Map<string, number>();
  let address = "";
  let previous = 0;
  let previousIndex = -1;
  for (const row of rows) {
    if (row.address !== address) {
      address = row.address;
      previous = 0;
      previousIndex = -1;
    }
    const index = row.read_at === baseline ? -1 : (order.get(row.read_at) as number);
    if (row.read_at === baseline) {
      previous = row.packets;
      continue;
    }
    // Absent from a reading in between means the entry expired or the rules were reloaded.
    const restarted = index !== previousIndex + 1 || row.packets < previous;
    const increase = restarted ? row.packets : row.packets - previous;
    if (increase > 0) hits.set(address, (hits.get(address) ?? 0) + increase);
    previous = row.packets;
    previousIndex = index;
  }
  return { hits, readings };
}

import { Gauge, type Registry } from "prom-client";
import type { Plan } from "../plan/index.js";
import type { Store } from "../store/index.js";
import { countListed } from "./count.js";
import { planGrouping } from "./plan-grouping.js";
import { readSnapshot } from "./snapshots.js";

interface LatestSnapshot {
  list: string;
  date: string;
  v4_addresses: number;
  v6_ranges: number;
  imported_at: string;
}

export interface ListingMetricsSource {
  readonly store: Store;
  readonly dataDir: string;
  /** The plan in force, whose listed addresses are counted per region; undefined without one. */
  readonly plan: () => Plan | undefined;
}

/** A region's listed addresses in one snapshot, keyed by what makes the count stale. */
interface PlanCount {
  readonly key: string;
  readonly plan: Plan;
  readonly byRegion: ReadonlyMap<string, number>;
}

/**
 * Listing gauges per list, from each list's latest snapshot: its size (the row's counts, read
 * at each scrape) and the plan's addresses listed in it per region. The latter reads the
 * snapshot file, so it is counted once per snapshot and plan and remembered.
 */
export function registerListingMetrics(registry: Registry, source: ListingMetricsSource): void {
  const latest = source.store.prepare(
    `SELECT list, date, v4_addresses, v6_ranges, imported_at FROM reputation_snapshots s
     WHERE date = (SELECT max(date) FROM reputation_snapshots WHERE list = s.list) ORDER BY list`,
  );
  const snapshots = () => latest.all() as LatestSnapshot[];
  const counted = new Map<string, PlanCount>();
  const planCounts = (snapshot: LatestSnapshot, plan: Plan): ReadonlyMap<string, number> => {
    const key = `${snapshot.date}:${snapshot.imported_at}`;
    const known = counted.get(snapshot.list);
    if (known && known.key === key && known.plan === plan) return known.byRegion;
    const set = readSnapshot(source.store, source.dataDir, snapshot.list, snapshot.date);
    const byRegion = new Map<string, number>();
    if (set) {
      const grouping = planGrouping(plan, "region");
      const { listed } = countListed(set, grouping);
      for (const [group, region] of grouping.keys.entries()) byRegion.set(region, listed[group] as number);
    }
    counted.set(snapshot.list, { key, plan, byRegion });
    return byRegion;
  };

  new Gauge({
    name: "porteiro_listing_addresses",
    help: "IPv4 addresses in each list's latest imported snapshot, whoever holds them",
    labelNames: ["list"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of snapshots()) this.set({ list: s.list }, s.v4_addresses);
    },
  });
  new Gauge({
    name: "porteiro_listing_ipv6_ranges",
    help: "IPv6 ranges in each list's latest imported snapshot",
    labelNames: ["list"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of snapshots()) this.set({ list: s.list }, s.v6_ranges);
    },
  });
  new Gauge({
    name: "porteiro_listing_snapshot_timestamp_seconds",
    help: "the date of each list's latest imported snapshot (midnight UTC), Unix seconds",
    labelNames: ["list"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of snapshots()) this.set({ list: s.list }, Date.parse(`${s.date}T00:00:00Z`) / 1000);
    },
  });
  new Gauge({
    name: "porteiro_listing_plan_addresses",
    help: "the plan's IPv4 addresses listed in each list's latest snapshot, by region of the plan",
    labelNames: ["list", "region"],
    registers: [registry],
    collect() {
      this.reset();
      const plan = source.plan();
      if (!plan) return;
      for (const s of snapshots()) {
        for (const [region, n] of planCounts(s, plan)) this.set({ list: s.list, region }, n);
      }
    },
  });
}

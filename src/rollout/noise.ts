import { createHmac, randomBytes } from "node:crypto";
import { addDays, type Day, daysBetween } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite } from "./access.js";
import { checkedWrite, notFound } from "./errors.js";
import type { NoiseRecord } from "./model.js";
import { type Listing, type Page, type PageRequest, selectPage } from "./paging.js";
import { noiseChange, noiseInput, parseInput } from "./schemas.js";

const COLUMNS = "id, org_id, region_id, day, category, resolution, note, source, recorded_by";

/** The noise records `reader` may see (never public: the help desks' notes), of one organisation or of all. */
export function listNoise(store: Store, reader: Actor, filter: { orgId?: string } = {}): NoiseRecord[] {
  const where = readable(reader, "org_id", null);
  return store
    .prepare(
      `SELECT ${COLUMNS} FROM rollout_noise WHERE ${where.sql} AND (? IS NULL OR org_id = ?) ORDER BY day, id`,
    )
    .all(...where.values, filter.orgId ?? null, filter.orgId ?? null) as NoiseRecord[];
}

const NOISE: Listing<NoiseRecord, NoiseRecord> = {
  from: "rollout_noise",
  columns: COLUMNS,
  order: ["day", "id"],
  sorts: { newest: ["day DESC", "id DESC"] },
  filters: {
    org: "org_id = @value",
    region: "region_id = @value",
    from: "day >= @value",
    to: "day <= @value",
  },
  toItem: (row) => row,
};

/** A page of the noise records `reader` may see, in the order of listNoise or the newest first. */
export function pageNoise(store: Store, reader: Actor, request: PageRequest): Page<NoiseRecord> {
  return selectPage(store, NOISE, readable(reader, "org_id", null), request);
}

export function getNoise(store: Store, id: number): NoiseRecord {
  const row = store.prepare(`SELECT ${COLUMNS} FROM rollout_noise WHERE id = ?`).get(id) as
    | NoiseRecord
    | undefined;
  if (!row) throw notFound(`noise record ${id}`);
  return row;
}

function insertNoise(
  store: Store,
  record: Omit<NoiseRecord, "id" | "resolution" | "note"> & {
    resolution?: string;
    note?: string | null;
    networkTag?: string;
  },
): NoiseRecord {
  const id = checkedWrite(
    () =>
      store
        .prepare(
          `INSERT INTO rollout_noise (org_id, region_id, day, category, resolution, note, source, recorded_by, created_at, network_tag)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.org_id,
          record.region_id,
          record.day,
          record.category,
          record.resolution ?? "open",
          record.note ?? null,
          record.source,
          record.recorded_by,
          new Date().toISOString(),
          record.networkTag ?? null,
        ).lastInsertRowid,
    { store, organisation: record.org_id, region: record.region_id },
  );
  return getNoise(store, Number(id));
}

/** A help desk records a call about the change. */
export function recordNoise(store: Store, actor: Actor, input: unknown): NoiseRecord {
  const n = parseInput(noiseInput, input);
  requireWrite(actor, n.org_id, "org-member");
  return insertNoise(store, {
    ...n,
    region_id: n.region_id ?? null,
    source: "help-desk",
    recorded_by: actor.name,
  });
}

/** Hex digits of a network tag kept: so few that many networks share each tag, enough to tell a day's apart. */
const TAG_DIGITS = 4;
const networkKeys = new WeakMap<Store, Buffer>();

/** This installation's key for network tags, made on first use and kept in the store. */
function networkKey(store: Store): Buffer {
  let key = networkKeys.get(store);
  if (!key) {
    store.prepare("INSERT OR IGNORE INTO rollout_network_key (id, key) VALUES (1, ?)").run(randomBytes(32));
    key = (store.prepare("SELECT key FROM rollout_network_key WHERE id = 1").get() as { key: Buffer }).key;
    networkKeys.set(store, key);
  }
  return key;
}

/**
 * The tag kept instead of the visitor's network: a truncated HMAC of the report's day and the
 * network, which tells a day's networks apart, links nothing across days, and without the key
 * names no network.
 */
function networkTag(store: Store, day: Day, network: string): string {
  return createHmac("sha256", networkKey(store))
    .update(`${day} ${network}`)
    .digest("hex")
    .slice(0, TAG_DIGITS);
}

/**
 * A subscriber's own report from the public help form: no account, so no access check here.
 * `network` is the visitor's wider network (IPv4 /24, IPv6 /48); only its tag is stored.
 */
export function recordHelpFormNoise(
  store: Store,
  report: { orgId: string; regionId: string | null; day: Day; note: string | null; network: string },
): NoiseRecord {
  return insertNoise(store, {
    org_id: report.orgId,
    region_id: report.regionId,
    day: report.day,
    category: "user-report",
    note: report.note,
    source: "help-form",
    recorded_by: "help form",
    networkTag: networkTag(store, report.day, report.network),
  });
}

export function updateNoise(store: Store, actor: Actor, id: number, input: unknown): NoiseRecord {
  const change = parseInput(noiseChange, input);
  const before = getNoise(store, id);
  requireWrite(actor, before.org_id, "org-member");
  const after = { ...before, ...change };
  checkedWrite(
    () =>
      store
        .prepare("UPDATE rollout_noise SET resolution = ?, region_id = ?, note = ? WHERE id = ?")
        .run(after.resolution, after.region_id ?? null, after.note ?? null, id),
    { store, region: after.region_id },
  );
  return getNoise(store, id);
}

export function deleteNoise(store: Store, actor: Actor, id: number): void {
  requireWrite(actor, getNoise(store, id).org_id, "org-admin");
  store.prepare("DELETE FROM rollout_noise WHERE id = ?").run(id);
}

/** A region's noise on one day, as the store counts it. */
export interface NoiseCount {
  readonly region_id: string;
  readonly day: Day;
  readonly records: number;
  /** Of the records, help-form reports that carry a network tag. */
  readonly form_reports: number;
  /** Distinct networks (IPv4 /24, IPv6 /48) those came from; tags shared by chance count once. */
  readonly networks: number;
  /** Form reports from the network that gave the most. */
  readonly from_busiest_network: number;
}

export interface NoiseDay extends Omit<NoiseCount, "region_id"> {
  /** Days since the region's switch: negative before it. */
  readonly after_switch: number;
  /** Most of the day's records are form reports from few networks: possibly a flood, not a region's trouble. */
  readonly few_networks: boolean;
}

export interface RegionNoise {
  readonly region_id: string;
  readonly switch_day: Day;
  readonly days: readonly NoiseDay[];
  /** Days on or after the switch whose count is above the threshold. */
  readonly alerts: readonly NoiseDay[];
}

/** Days shown before a switch, as the baseline a region's noise is read against. */
export const BASELINE_DAYS = 7;

/** Days after a switch the noise is watched for: later calls are no longer about the change. */
export const WATCH_DAYS = 60;

/** Form reports from fewer networks than this look like one sender's, not a region's. */
export const FEW_NETWORKS = 5;

/**
 * Whether a day's noise is mostly form reports from few networks: fewer than FEW_NETWORKS, or
 * one of them giving more than half. Help-desk calls come from people, so a day they make half
 * of is not flagged.
 */
function fromFewNetworks(c: Omit<NoiseCount, "region_id" | "day">): boolean {
  return (
    c.form_reports * 2 > c.records &&
    (c.networks < FEW_NETWORKS || c.from_busiest_network * 2 > c.form_reports)
  );
}

/**
 * Noise per day of each region from a week before its switch to `until` (at most WATCH_DAYS
 * after it), and the days after the switch above `threshold` records.
 */
export function noiseAroundSwitches(
  counts: readonly NoiseCount[],
  switches: ReadonlyMap<string, Day>,
  until: Day,
  threshold: number,
): RegionNoise[] {
  const byRegion = new Map<string, Map<Day, NoiseCount>>();
  for (const c of counts) {
    const days = byRegion.get(c.region_id) ?? new Map<Day, NoiseCount>();
    days.set(c.day, c);
    byRegion.set(c.region_id, days);
  }
  const none = { records: 0, form_reports: 0, networks: 0, from_busiest_network: 0 };
  const out: RegionNoise[] = [];
  for (const [region, switchDay] of [...switches].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = byRegion.get(region) ?? new Map<Day, NoiseCount>();
    const days: NoiseDay[] = [];
    const last = [until, addDays(switchDay, WATCH_DAYS - 1)].sort()[0] as Day;
    for (let day = addDays(switchDay, -BASELINE_DAYS); day <= last; day = addDays(day, 1)) {
      const { records, form_reports, networks, from_busiest_network } = seen.get(day) ?? none;
      const count = { records, form_reports, networks, from_busiest_network };
      days.push({
        day,
        after_switch: daysBetween(switchDay, day),
        ...count,
        few_networks: fromFewNetworks(count),
      });
    }
    out.push({
      region_id: region,
      switch_day: switchDay,
      days,
      alerts: days.filter((d) => d.after_switch >= 0 && d.records > threshold),
    });
  }
  return out;
}

/**
 * Noise records per region and day over the records `reader` may see, with how many of them
 * are tagged form reports, from how many networks, and the most from one network.
 */
export function noiseCounts(store: Store, reader: Actor): NoiseCount[] {
  const where = readable(reader, "org_id", null);
  return store
    .prepare(
      `SELECT region_id, day, SUM(n) AS records,
              COALESCE(SUM(CASE WHEN network_tag IS NOT NULL THEN n END), 0) AS form_reports,
              COUNT(network_tag) AS networks,
              COALESCE(MAX(CASE WHEN network_tag IS NOT NULL THEN n END), 0) AS from_busiest_network
       FROM (SELECT region_id, day, network_tag, COUNT(*) AS n FROM rollout_noise
             WHERE region_id IS NOT NULL AND ${where.sql} GROUP BY region_id, day, network_tag)
       GROUP BY region_id, day`,
    )
    .all(...where.values) as NoiseCount[];
}

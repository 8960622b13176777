import { parseAddress } from "../core/index.js";
import type { Plan } from "../plan/index.js";
import type { Store } from "../store/index.js";
import { planAttribution } from "./attribution.js";

export const REPORT_KEYS = [
  "asn",
  "country",
  "isp",
  "pool",
  "region",
  "subscriber",
  "attribution",
  "feedback-type",
  "reported-domain",
] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];

export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

export interface ReportOptions {
  readonly by: ReportKey;
  /** Arrival times in [sinceMs, untilMs). */
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** When given, isp, pool and region come from this plan rather than from the import-time attribution. */
  readonly plan?: Plan;
}

export type Key = string | number | null;

/** Complaints per key: distinct original messages (duplicates reported apart), first and last arrival. */
export interface ReportRow {
  readonly key: Key;
  readonly complaints: number;
  readonly duplicates: number;
  readonly first: string;
  readonly last: string;
}

export interface SeriesRow {
  readonly key: Key;
  /** The interval's first day, YYYY-MM-DD (weeks start on Monday). */
  readonly interval: string;
  readonly complaints: number;
  readonly duplicates: number;
}

interface Row {
  arrival_ms: number;
  duplicates: number;
  source_ip: string;
  asn: number | null;
  country: string | null;
  isp: string | null;
  pool: string | null;
  region: string | null;
  subscriber: string | null;
  subscriber_match: string;
  feedback_type: string;
  reported_domain: string | null;
}

function keyOf(row: Row, by: ReportKey, plan: Plan | undefined): Key {
  if (plan && (by === "isp" || by === "pool" || by === "region")) {
    const inPlan = planAttribution(plan, parseAddress(row.source_ip));
    if (by === "isp") return inPlan.planIsp ?? row.isp;
    return by === "pool" ? inPlan.pool : inPlan.region;
  }
  switch (by) {
    case "asn":
      return row.asn;
    case "country":
      return row.country;
    case "isp":
      return row.isp;
    case "pool":
      return row.pool;
    case "region":
      return row.region;
    case "subscriber":
      return row.subscriber;
    case "attribution":
      return row.subscriber_match;
    case "feedback-type":
      return row.feedback_type;
    case "reported-domain":
      return row.reported_domain?.toLowerCase() ?? null;
  }
}

function* rowsIn(store: Store, options: ReportOptions): Generator<Row> {
  yield* store
    .prepare(
      `SELECT arrival_ms, duplicates, source_ip, asn, country, isp, pool, region, subscriber, subscriber_match,
         feedback_type, reported_domain FROM complaints WHERE arrival_ms >= ? AND arrival_ms < ? ORDER BY arrival_ms`,
    )
    .iterate(
      options.sinceMs ?? Number.MIN_SAFE_INTEGER,
      options.untilMs ?? Number.MAX_SAFE_INTEGER,
    ) as Iterable<Row>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Largest count first, then by key (unknown last). */
function byCount<T extends { key: Key; complaints: number }>(a: T, b: T): number {
  if (a.complaints !== b.complaints) return b.complaints - a.complaints;
  if (a.key === null || b.key === null) return a.key === null ? (b.key === null ? 0 : 1) : -1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Complaints per key in the window. */
export function complaintReport(store: Store, options: ReportOptions): ReportRow[] {
  const groups = new Map<Key, { complaints: number; duplicates: number; first: number; last: number }>();
  for (const row of rowsIn(store, options)) {
    const key = keyOf(row, options.by, options.plan);
    const group = groups.get(key);
    if (group) {
      group.complaints++;
      group.duplicates += row.duplicates;
      group.last = row.arrival_ms;
    } else {
      groups.set(key, {
        complaints: 1,
        duplicates: row.duplicates,
        first: row.arrival_ms,
        last: row.arrival_ms,
      });
    }
  }
  return [...groups]
    .map(([key, g]) => ({
      key,
      complaints: g.complaints,
      duplicates: g.duplicates,
      first: iso(g.first),
      last: iso(g.last),
    }))
    .sort(byCount);
}

/** The first day of the interval holding a time (UTC; ISO weeks start on Monday). */
export function intervalStart(ms: number, interval: Interval): string {
  const date = new Date(ms);
  date.setUTCHours(0, 0, 0, 0);
  if (interval === "week") date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  if (interval === "month") date.setUTCDate(1);
  return date.toISOString().slice(0, 10);
}

function nextInterval(start: string, interval: Interval): string {
  const date = new Date(`${start}T00:00:00Z`);
  if (interval === "day") date.setUTCDate(date.getUTCDate() + 1);
  else if (interval === "week") date.setUTCDate(date.getUTCDate() + 7);
  else date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * Complaints per key and interval, every interval of the window present (zero where none arrived)
 * so a series can be drawn as it is. `key` restricts it to one key (compared as text).
 */
export function complaintSeries(
  store: Store,
  options: ReportOptions & { readonly interval: Interval; readonly key?: string },
): SeriesRow[] {
  const counts = new Map<Key, Map<string, { complaints: number; duplicates: number }>>();
  let firstMs = options.sinceMs ?? Number.POSITIVE_INFINITY;
  let lastMs = options.untilMs !== undefined ? options.untilMs - 1 : Number.NEGATIVE_INFINITY;
  for (const row of rowsIn(store, options)) {
    const key = keyOf(row, options.by, options.plan);
    if (options.key !== undefined && String(key) !== options.key) continue;
    if (options.sinceMs === undefined) firstMs = Math.min(firstMs, row.arrival_ms);
    if (options.untilMs === undefined) lastMs = Math.max(lastMs, row.arrival_ms);
    const byInterval = counts.get(key) ?? new Map();
    counts.set(key, byInterval);
    const start = intervalStart(row.arrival_ms, options.interval);
    const cell = byInterval.get(start) ?? { complaints: 0, duplicates: 0 };
    cell.complaints++;
    cell.duplicates += row.duplicates;
    byInterval.set(start, cell);
  }
  if (counts.size === 0 || !Number.isFinite(firstMs) || !Number.isFinite(lastMs)) return [];
  const intervals: string[] = [];
  const end = intervalStart(lastMs, options.interval);
  for (
    let at = intervalStart(firstMs, options.interval);
    at <= end;
    at = nextInterval(at, options.interval)
  ) {
    intervals.push(at);
  }
  const totals = [...counts].map(([key, m]) => ({
    key,
    complaints: [...m.values()].reduce((sum, c) => sum + c.complaints, 0),
  }));
  return totals.sort(byCount).flatMap(({ key }) =>
    intervals.map((interval) => ({
      key,
      interval,
      complaints: counts.get(key)?.get(interval)?.complaints ?? 0,
      duplicates: counts.get(key)?.get(interval)?.duplicates ?? 0,
    })),
  );
}

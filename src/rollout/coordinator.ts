/**
 * The coordinator's figures over the whole programme, worked out in SQL so that thousands of
 * organisations and a year of their reports answer at once: per region and nationally, adoption
 * weighted by subscribers, phase counts, who is silent, and the national curves.
 */
import type { Day } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type Actor, readable, readsEverything } from "./access.js";
import { refreshFigures } from "./figures.js";
import { COMMITMENT_STATES, type CommitmentState } from "./model.js";
import { PHASE_SQL } from "./paging.js";
import type { NationalPoint, Silence } from "./progress.js";

/** A calendar entry's phase (as `entry`) on the day bound to its three placeholders. */
const ENTRY_PHASE = PHASE_SQL("entry").replaceAll("@today", "?");

export interface RegionFigures {
  readonly id: string;
  readonly name: string;
  /** The first enforce date any organisation set there. */
  readonly switch_day: Day | null;
  readonly planned: number;
  readonly notify: number;
  readonly observe: number;
  readonly enforce: number;
  /** Organisations whose latest report there gives an adoption. */
  readonly reporting: number;
  /** Their latest adoption, each weighted by its subscribers (an unknown size as the mean size). */
  readonly adoption_pct: number | null;
  readonly listed_ips: number;
  readonly complaints: number;
}

/**
 * The common start of the queries below: the reports the reader may see as `visible`, and the
 * mean of the known sizes (subscribers) of the organisations it may see as `mean`.
 */
function reportsAndSizes(reader: Actor): { sql: string; values: unknown[] } {
  const reports = readable(reader, "org_id", "public");
  const orgs = readable(reader, "id", "public");
  return {
    sql: `visible AS (SELECT id, org_id, region_id, as_of, adoption_pct, listed_ips, complaints
                      FROM rollout_reports WHERE ${reports.sql}),
          mean AS (SELECT COALESCE(AVG(subscribers), 1) AS size FROM rollout_orgs
                   WHERE subscribers > 0 AND ${orgs.sql})`,
    values: [...reports.values, ...orgs.values],
  };
}

/** An organisation's size, as `o`: its subscribers, or the mean of the known sizes. */
const SIZE = "(CASE WHEN o.subscribers > 0 THEN o.subscribers ELSE (SELECT size FROM mean) END * 1.0)";

/**
 * Whether `reader`'s figures are the ones kept up to date (figures.ts), which it then brings up to
 * date: those of readers who see everything. Other readers' are worked out from their reports.
 */
function keptFor(store: Store, reader: Actor): boolean {
  if (!readsEverything(reader)) return false;
  refreshFigures(store);
  return true;
}

/** The latest report of each organisation and region as `latest`, with n = 1 for it. */
const LATEST_KEPT = `latest AS (SELECT r.*, 1 AS n FROM rollout_latest_reports k JOIN rollout_reports r ON r.id = k.report_id)`;
const LATEST_WORKED_OUT = `latest AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY org_id, region_id ORDER BY as_of DESC, id DESC) AS n
                    FROM visible)`;

export function regionFigures(store: Store, reader: Actor, today: Day): RegionFigures[] {
  const start = reportsAndSizes(reader);
  const calendar = readable(reader, "org_id", null);
  return store
    .prepare(
      `WITH ${start.sql},
         ${keptFor(store, reader) ? LATEST_KEPT : LATEST_WORKED_OUT},
         adoption AS (SELECT l.region_id, COUNT(l.adoption_pct) AS reporting,
                             SUM(l.adoption_pct * ${SIZE}) / SUM(CASE WHEN l.adoption_pct IS NOT NULL THEN ${SIZE} END) AS pct,
                             TOTAL(l.listed_ips) AS listed_ips, TOTAL(l.complaints) AS complaints
                      FROM latest l JOIN rollout_orgs o ON o.id = l.org_id WHERE l.n = 1 GROUP BY l.region_id),
         phases AS (SELECT region_id, MIN(enforce_from) AS switch_day,
                           SUM(phase = 'planned') AS planned, SUM(phase = 'notify') AS notify,
                           SUM(phase = 'observe') AS observe, SUM(phase = 'enforce') AS enforce
                    FROM (SELECT region_id, enforce_from, ${ENTRY_PHASE} AS phase
                          FROM rollout_calendar entry WHERE ${calendar.sql})
                    GROUP BY region_id)
       SELECT r.id, r.name, p.switch_day, COALESCE(p.planned, 0) AS planned, COALESCE(p.notify, 0) AS notify,
              COALESCE(p.observe, 0) AS observe, COALESCE(p.enforce, 0) AS enforce,
              COALESCE(a.reporting, 0) AS reporting, ROUND(a.pct, 1) AS adoption_pct,
              CAST(COALESCE(a.listed_ips, 0) AS INTEGER) AS listed_ips,
              CAST(COALESCE(a.complaints, 0) AS INTEGER) AS complaints
       FROM rollout_regions r LEFT JOIN phases p ON p.region_id = r.id LEFT JOIN adoption a ON a.region_id = r.id
       ORDER BY r.name, r.id`,
    )
    .all(...start.values, today, today, today, ...calendar.values) as RegionFigures[];
}

/**
 * After each report date, the latest report of every organisation and region summed up
 * nationally (as nationalSeries does): an organisation's size is shared among the regions it
 * has reported in by then. Worked out from changes, so its cost grows with the reports, not with
 * the reports times the dates: each report changes its pair's figures, each organisation's
 * changes on a day change its share, and the national figures are running sums of those.
 */
export function nationalCurve(store: Store, reader: Actor): NationalPoint[] {
  if (keptFor(store, reader)) return keptCurve(store);
  const start = reportsAndSizes(reader);
  const change = (column: string) => `COALESCE(${column}, 0) - COALESCE(LAG(${column}) OVER pair, 0)`;
  const points = store
    .prepare(
      `WITH ${start.sql},
         pair_changes AS (
           SELECT org_id, as_of AS day, ${change("adoption_pct")} AS adoption,
                  (adoption_pct IS NOT NULL) - COALESCE(LAG(adoption_pct IS NOT NULL) OVER pair, 0) AS known,
                  (LAG(id) OVER pair IS NULL) AS new_region,
                  ${change("listed_ips")} AS listed_ips, ${change("complaints")} AS complaints
           FROM visible WINDOW pair AS (PARTITION BY org_id, region_id ORDER BY as_of, id)),
         org_days AS (
           SELECT org_id, day, SUM(adoption) AS adoption, SUM(known) AS known, SUM(new_region) AS new_regions,
                  SUM(listed_ips) AS listed_ips, SUM(complaints) AS complaints
           FROM pair_changes GROUP BY org_id, day),
         org_shares AS (
           SELECT d.org_id, d.day, d.listed_ips, d.complaints,
                  ROW_NUMBER() OVER org = 1 AS first_day,
                  ${SIZE} * SUM(d.adoption) OVER org / SUM(d.new_regions) OVER org AS weighed,
                  ${SIZE} * SUM(d.known) OVER org / SUM(d.new_regions) OVER org AS weight
           FROM org_days d JOIN rollout_orgs o ON o.id = d.org_id
           WINDOW org AS (PARTITION BY d.org_id ORDER BY d.day)),
         day_changes AS (
           SELECT day, SUM(weighed_change) AS weighed, SUM(weight_change) AS weight, SUM(listed_ips) AS listed_ips,
                  SUM(complaints) AS complaints, SUM(first_day) AS organisations
           FROM (SELECT day, listed_ips, complaints, first_day,
                        weighed - COALESCE(LAG(weighed) OVER org, 0) AS weighed_change,
                        weight - COALESCE(LAG(weight) OVER org, 0) AS weight_change
                 FROM org_shares WINDOW org AS (PARTITION BY org_id ORDER BY day))
           GROUP BY day)
       SELECT day, SUM(weighed) OVER days AS weighed, SUM(weight) OVER days AS weight,
              CAST(SUM(listed_ips) OVER days AS INTEGER) AS listed_ips,
              CAST(SUM(complaints) OVER days AS INTEGER) AS complaints,
              SUM(organisations) OVER days AS organisations
       FROM day_changes WINDOW days AS (ORDER BY day) ORDER BY day`,
    )
    .all(...start.values) as (Omit<NationalPoint, "adoption_pct"> & { weighed: number; weight: number })[];
  return points.map(toPoint);
}

type SummedPoint = Omit<NationalPoint, "adoption_pct"> & { weighed: number; weight: number };

/** Running sums of fractions leave crumbs: a weight this small is none. */
const toPoint = ({ weighed, weight, ...point }: SummedPoint): NationalPoint => ({
  day: point.day,
  adoption_pct: weight > 1e-6 ? Math.round((weighed / weight) * 10) / 10 : null,
  listed_ips: point.listed_ips,
  complaints: point.complaints,
  organisations: point.organisations,
});

/** The national curve from the days' changes kept up to date: an unknown size counts as the mean size. */
function keptCurve(store: Store): NationalPoint[] {
  const points = store
    .prepare(
      `WITH mean AS (SELECT COALESCE(AVG(subscribers), 1) AS size FROM rollout_orgs WHERE subscribers > 0)
       SELECT day,
              SUM(sized_weighed) OVER days + (SELECT size FROM mean) * SUM(unsized_weighed) OVER days AS weighed,
              SUM(sized_weight) OVER days + (SELECT size FROM mean) * SUM(unsized_weight) OVER days AS weight,
              SUM(listed_ips) OVER days AS listed_ips, SUM(complaints) OVER days AS complaints,
              SUM(organisations) OVER days AS organisations
       FROM rollout_curve WINDOW days AS (ORDER BY day) ORDER BY day`,
    )
    .all() as SummedPoint[];
  return points.map(toPoint);
}

/**
 * How many of the commitments a reader who sees everything are met (a report showed the target
 * reached), late (past the due date) or on track, from the days they were met kept up to date.
 */
export function commitmentCounts(
  store: Store,
  reader: Actor,
  today: Day,
): Record<CommitmentState, number> | null {
  if (!keptFor(store, reader)) return null;
  const counts = Object.fromEntries(COMMITMENT_STATES.map((s) => [s, 0])) as Record<CommitmentState, number>;
  const rows = store
    .prepare(
      `SELECT CASE WHEN m.met_on IS NOT NULL THEN 'met' WHEN c.due < ? THEN 'late' ELSE 'on track' END AS state,
              COUNT(*) AS count
       FROM rollout_commitments c LEFT JOIN rollout_commitments_met m ON m.commitment_id = c.id GROUP BY state`,
    )
    .all(today) as { state: CommitmentState; count: number }[];
  for (const row of rows) counts[row.state] = row.count;
  return counts;
}

/**
 * Calendar entries under way (notify or later) without a report the reader may see within
 * `everyDays`: how many, and the first `limit` of them, the never-reported first, then the longest silent.
 */
export function silentEntries(
  store: Store,
  reader: Actor,
  today: Day,
  everyDays: number,
  limit: number,
): { count: number; first: Silence[] } {
  const calendar = readable(reader, "org_id", null);
  const reports = readable(reader, "r.org_id", "r.public");
  const lastReport = keptFor(store, reader)
    ? "(SELECT k.as_of FROM rollout_latest_reports k WHERE k.org_id = entry.org_id AND k.region_id = entry.region_id)"
    : `(SELECT MAX(r.as_of) FROM rollout_reports r
        WHERE r.org_id = entry.org_id AND r.region_id = entry.region_id AND ${reports.sql})`;
  const sql = `SELECT * FROM (
      SELECT entry.org_id, entry.region_id, ${lastReport} AS last_report
      FROM rollout_calendar entry WHERE ${calendar.sql} AND ${ENTRY_PHASE} <> 'planned')
    WHERE last_report IS NULL OR julianday(?) - julianday(last_report) > ?`;
  const values = [...reports.values, ...calendar.values, today, today, today, today, everyDays];
  const count = store
    .prepare(`SELECT COUNT(*) FROM (${sql})`)
    .pluck()
    .get(...values) as number;
  const first = store
    .prepare(`${sql} ORDER BY last_report IS NOT NULL, last_report, org_id, region_id LIMIT ?`)
    .all(...values, limit) as Silence[];
  return { count, first };
}

/**
 * Adoption of authenticated submission in dynamic space: per period and region (or pool), the
 * share of mail flows on 587/465 rather than 25, and the share of sources that use only 587/465
 * among those using any mail port (the Brazilian programme aimed at ≥ 90% before blocking).
 */
import { addDays, type Day } from "../../core/index.js";
import type { Plan } from "../../plan/index.js";
import type { FlowStore, FlowWindow, SourcePeriodFlows } from "../store/index.js";
import { checkRegion, dynamicPoolOf } from "./report.js";

export const ADOPTION_GROUPS = ["region", "pool"] as const;
export type AdoptionGroup = (typeof ADOPTION_GROUPS)[number];
export const ADOPTION_INTERVALS = ["day", "week", "month"] as const;
export type AdoptionInterval = (typeof ADOPTION_INTERVALS)[number];

export interface AdoptionOptions {
  readonly window?: FlowWindow;
  readonly region?: string;
  readonly by: AdoptionGroup;
  readonly interval: AdoptionInterval;
}

/** One row per period and group; the names are the JSON contract. */
export interface AdoptionRow {
  /** First day of the period (UTC; weeks start on Monday); a month is written YYYY-MM. */
  readonly period: string;
  readonly region: string | null;
  /** The pool's name when grouped by pool, else null. */
  readonly pool: string | null;
  readonly flows_25: number;
  readonly flows_587: number;
  readonly flows_465: number;
  /** (587 + 465) ÷ all three, or null without mail flows. */
  readonly flow_share: number | null;
  readonly sources: number;
  readonly submission_only_sources: number;
  /** Sources using only 587/465 ÷ sources using any mail port. */
  readonly source_share: number | null;
}

/** The period (UTC) holding an hour. */
export function periodOf(hourEpochSec: number, interval: AdoptionInterval): string {
  const iso = new Date(hourEpochSec * 1000).toISOString();
  if (interval === "month") return iso.slice(0, 7);
  const day = iso.slice(0, 10) as Day;
  if (interval === "day") return day;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

interface Tally {
  period: string;
  region: string | null;
  pool: string | null;
  flows25: number;
  flows587: number;
  flows465: number;
  sources: number;
  submissionOnly: number;
}

const share = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

export async function submissionAdoption(
  flows: FlowStore,
  plan: Plan,
  options: AdoptionOptions,
): Promise<AdoptionRow[]> {
  checkRegion(plan, options.region);
  const tallies = new Map<string, Tally>();
  const tallyOf = (period: string, group: { region: string | null; pool: string | null }): Tally => {
    const key = `${period}\t${group.region ?? ""}\t${group.pool ?? ""}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = { period, ...group, flows25: 0, flows587: 0, flows465: 0, sources: 0, submissionOnly: 0 };
      tallies.set(key, tally);
    }
    return tally;
  };
  // The engine sums each source's flows per period and port; a source's rows come together.
  for await (const rows of flows.sourcePeriodFlows(options.interval, options.window)) {
    const pool = dynamicPoolOf(plan, (rows[0] as SourcePeriodFlows).source, options.region);
    if (!pool) continue;
    const group = { region: pool.region ?? null, pool: options.by === "pool" ? pool.name : null };
    /** Per period of this source: whether it used port 25 at all. */
    const usedPort25 = new Map<string, boolean>();
    for (const row of rows) {
      const tally = tallyOf(row.period, group);
      if (row.port === 25) tally.flows25 += row.flows;
      else if (row.port === 587) tally.flows587 += row.flows;
      else tally.flows465 += row.flows;
      usedPort25.set(row.period, (usedPort25.get(row.period) ?? false) || row.port === 25);
    }
    for (const [period, on25] of usedPort25) {
      const tally = tallyOf(period, group);
      tally.sources++;
      if (!on25) tally.submissionOnly++;
    }
  }

  return [...tallies.values()]
    .map(
      (t): AdoptionRow => ({
        period: t.period,
        region: t.region,
        pool: t.pool,
        flows_25: t.flows25,
        flows_587: t.flows587,
        flows_465: t.flows465,
        flow_share: share(t.flows587 + t.flows465, t.flows25 + t.flows587 + t.flows465),
        sources: t.sources,
        submission_only_sources: t.submissionOnly,
        source_share: share(t.submissionOnly, t.sources),
      }),
    )
    .sort(
      (a, b) =>
        a.period.localeCompare(b.period) ||
        (a.region ?? "").localeCompare(b.region ?? "") ||
        (a.pool ?? "").localeCompare(b.pool ?? ""),
    );
}

/** What the reports say: each commitment's state, the national curves, and who has gone silent. */
import { type Day, daysBetween } from "../core/index.js";
import {
  type CalendarEntry,
  type Commitment,
  type CommitmentState,
  type Organisation,
  phaseOf,
  type StatusReport,
} from "./model.js";

export interface CommitmentStatus extends Commitment {
  readonly state: CommitmentState;
  /** The date of the first report that met the target. */
  readonly met_on: Day | null;
  /** Where the organisation stands by its latest report: a percent, or whether it holds. */
  readonly current: number | boolean | null;
}

/** What of a report a commitment's standing reads. */
export type StandingReport = Pick<
  StatusReport,
  "org_id" | "region_id" | "as_of" | "phase" | "adoption_pct" | "submission_offered"
>;

/** An organisation's standing on a commitment after each of its report dates, oldest first. */
function standings(
  c: Commitment,
  reports: readonly StandingReport[],
): { day: Day; value: number | boolean | null }[] {
  const own = reports.filter(
    (r) => r.org_id === c.org_id && (c.region_id === null || r.region_id === c.region_id),
  );
  const latest = new Map<string, StandingReport>();
  const out: { day: Day; value: number | boolean | null }[] = [];
  own.forEach((report, i) => {
    latest.set(report.region_id, report);
    if (own[i + 1]?.as_of === report.as_of) return;
    const now = [...latest.values()];
    let value: number | boolean | null;
    if (c.kind === "adoption_pct") {
      const known = now.map((r) => r.adoption_pct).filter((v): v is number => v !== null);
      value = known.length ? Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 10) / 10 : null;
    } else if (c.kind === "port25_blocked_region") value = now.some((r) => r.phase === "enforce");
    else value = now.some((r) => r.submission_offered === true);
    out.push({ day: report.as_of, value });
  });
  return out;
}

const meets = (c: Commitment, value: number | boolean | null) =>
  typeof value === "number" ? value >= (c.target ?? 100) : value === true;

/** Each organisation's reports, in their order: a commitment reads only its organisation's. */
export function reportsByOrg<T extends StandingReport>(reports: readonly T[]): Map<string, T[]> {
  const byOrg = new Map<string, T[]>();
  for (const r of reports) {
    const own = byOrg.get(r.org_id);
    if (own) own.push(r);
    else byOrg.set(r.org_id, [r]);
  }
  return byOrg;
}

/** met once a report shows the target reached; else late after the due date, on track before it. */
export function commitmentStatus(
  c: Commitment,
  reports: readonly StandingReport[],
  today: Day,
): CommitmentStatus {
  const steps = standings(c, reports);
  const met = steps.find((s) => meets(c, s.value));
  const state: CommitmentState = met ? "met" : today > c.due ? "late" : "on track";
  return { ...c, state, met_on: met?.day ?? null, current: steps[steps.length - 1]?.value ?? null };
}

export interface NationalPoint {
  readonly day: Day;
  /** Adoption across organisations, each weighed by its subscribers (an unknown size as the mean size). */
  readonly adoption_pct: number | null;
  readonly listed_ips: number;
  readonly complaints: number;
  readonly organisations: number;
}

/** After each report date, the latest report of every organisation and region, summed up nationally. */
export function nationalSeries(
  reports: readonly StatusReport[],
  orgs: readonly Organisation[],
): NationalPoint[] {
  const known = orgs.map((o) => o.subscribers).filter((s): s is number => s !== null && s > 0);
  const meanSize = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const size = new Map(
    orgs.map((o) => [o.id, o.subscribers && o.subscribers > 0 ? o.subscribers : meanSize]),
  );
  const latest = new Map<string, StatusReport>();
  const out: NationalPoint[] = [];
  reports.forEach((report, i) => {
    latest.set(`${report.org_id}\t${report.region_id}`, report);
    if (reports[i + 1]?.as_of === report.as_of) return;
    const now = [...latest.values()];
    const regionsOf = new Map<string, number>();
    for (const r of now) regionsOf.set(r.org_id, (regionsOf.get(r.org_id) ?? 0) + 1);
    let weighed = 0;
    let weight = 0;
    for (const r of now) {
      if (r.adoption_pct === null) continue;
      const w = (size.get(r.org_id) ?? meanSize) / (regionsOf.get(r.org_id) ?? 1);
      weighed += r.adoption_pct * w;
      weight += w;
    }
    out.push({
      day: report.as_of,
      adoption_pct: weight > 0 ? Math.round((weighed / weight) * 10) / 10 : null,
      listed_ips: now.reduce((sum, r) => sum + (r.listed_ips ?? 0), 0),
      complaints: now.reduce((sum, r) => sum + (r.complaints ?? 0), 0),
      organisations: regionsOf.size,
    });
  });
  return out;
}

export interface Silence {
  readonly org_id: string;
  readonly region_id: string;
  /** The latest report's date; null when there has been none. */
  readonly last_report: Day | null;
}

/** Calendar entries under way (notify or later) whose organisation has not reported within `everyDays`. */
export function silentReporters(
  calendar: readonly CalendarEntry[],
  reports: readonly StatusReport[],
  today: Day,
  everyDays: number,
): Silence[] {
  const last = new Map<string, Day>();
  for (const r of reports) {
    const key = `${r.org_id}\t${r.region_id}`;
    const seen = last.get(key);
    if (seen === undefined || r.as_of > seen) last.set(key, r.as_of);
  }
  return calendar
    .filter((entry) => phaseOf(entry, today) !== "planned")
    .map((entry) => ({
      org_id: entry.org_id,
      region_id: entry.region_id,
      last_report: last.get(`${entry.org_id}\t${entry.region_id}`) ?? null,
    }))
    .filter((s) => s.last_report === null || daysBetween(s.last_report, today) > everyDays);
}

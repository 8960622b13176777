import type { Day } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite } from "./access.js";
import { checkedWrite, forbidden, notFound } from "./errors.js";
import type { Phase, StatusReport } from "./model.js";
import { type Listing, type Page, type PageRequest, selectPage } from "./paging.js";
import type { StandingReport } from "./progress.js";
import { type MeasuresInput, parseInput, reportChange, reportInput } from "./schemas.js";

interface Row extends Omit<StatusReport, "public" | "submission_offered"> {
  public: number;
  submission_offered: number | null;
}

const COLUMNS = `id, org_id, region_id, as_of, phase, subscribers_notified, adoption_pct, blocked_ipv4,
  blocked_ipv6_prefixes, listed_ips, complaints, submission_offered, source, submitted_by, public, received_at`;

const toReport = (row: Row): StatusReport => ({
  ...row,
  phase: row.phase as Phase,
  as_of: row.as_of as Day,
  submission_offered: row.submission_offered === null ? null : row.submission_offered === 1,
  public: row.public === 1,
});

/** The reports `reader` may see, of one organisation or of all, oldest first (by date, then by arrival). */
export function listReports(store: Store, reader: Actor, filter: { orgId?: string } = {}): StatusReport[] {
  const where = readable(reader, "org_id", "public");
  // A condition only when there is an organisation, so that its index serves it.
  const own = filter.orgId === undefined ? "" : "AND org_id = ?";
  const sql = `SELECT ${COLUMNS} FROM rollout_reports WHERE ${where.sql} ${own} ORDER BY as_of, id`;
  const values = filter.orgId === undefined ? where.values : [...where.values, filter.orgId];
  return (store.prepare(sql).all(...values) as Row[]).map(toReport);
}

const REPORTS: Listing<Row, StatusReport> = {
  from: "rollout_reports",
  columns: COLUMNS,
  order: ["as_of", "id"],
  sorts: { newest: ["as_of DESC", "id DESC"] },
  filters: {
    org: "org_id = @value",
    region: "region_id = @value",
    phase: "phase = @value",
    from: "as_of >= @value",
    to: "as_of <= @value",
  },
  toItem: toReport,
};

/** A page of the reports `reader` may see, in the order of listReports or the newest first. */
export function pageReports(store: Store, reader: Actor, request: PageRequest): Page<StatusReport> {
  return selectPage(store, REPORTS, readable(reader, "org_id", "public"), request);
}

/**
 * What commitments' standings read of the reports `reader` may see (of one organisation or all),
 * in the order of listReports: six columns, for working out many commitments' states at once.
 */
export function standingReports(store: Store, reader: Actor, orgId?: string): StandingReport[] {
  const where = readable(reader, "org_id", "public");
  const own = orgId === undefined ? "" : "AND org_id = ?";
  return (
    store
      .prepare(
        `SELECT org_id, region_id, as_of, phase, adoption_pct, submission_offered FROM rollout_reports
         WHERE ${where.sql} ${own} ORDER BY as_of, id`,
      )
      .all(...where.values, ...(orgId === undefined ? [] : [orgId])) as (Omit<
      StandingReport,
      "submission_offered"
    > & { submission_offered: number | null })[]
  ).map((r) => ({
    ...r,
    submission_offered: r.submission_offered === null ? null : r.submission_offered === 1,
  }));
}

export function getReport(store: Store, id: number): StatusReport {
  const row = store.prepare(`SELECT ${COLUMNS} FROM rollout_reports WHERE id = ?`).get(id) as Row | undefined;
  if (!row) throw notFound(`report ${id}`);
  return toReport(row);
}

export interface Submission {
  readonly orgId: string;
  readonly source: "entered" | "pushed";
  readonly submittedBy: string;
  readonly signedBody?: string;
  readonly signature?: string;
  readonly public?: boolean;
}

/** Adds reports as new rows (the table refuses changes): the caller checked who sends them. */
export function appendReports(
  store: Store,
  submission: Submission,
  reports: readonly MeasuresInput[],
): number[] {
  const insert = store.prepare(
    `INSERT INTO rollout_reports (org_id, region_id, as_of, phase, subscribers_notified, adoption_pct,
       blocked_ipv4, blocked_ipv6_prefixes, listed_ips, complaints, submission_offered, source, submitted_by,
       signed_body, signature, public, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = new Date().toISOString();
  return checkedWrite(
    () =>
      store.transaction(() =>
        reports.map((r) =>
          Number(
            insert.run(
              submission.orgId,
              r.region,
              r.as_of,
              r.phase,
              r.subscribers_notified ?? null,
              r.adoption_pct ?? null,
              r.blocked_ipv4 ?? null,
              r.blocked_ipv6_prefixes ?? null,
              r.listed_ips ?? null,
              r.complaints ?? null,
              r.submission_offered === undefined || r.submission_offered === null
                ? null
                : r.submission_offered
                  ? 1
                  : 0,
              submission.source,
              submission.submittedBy,
              submission.signedBody ?? null,
              submission.signature ?? null,
              submission.public ? 1 : 0,
              now,
            ).lastInsertRowid,
          ),
        ),
      )(),
    { store, organisation: submission.orgId, region: reports.map((r) => r.region) },
  );
}

/**
 * A report entered in the console or through the API by one of the organisation's people;
 * entering it as public also publishes it, which needs what publishReport needs.
 */
export function enterReport(store: Store, actor: Actor, input: unknown): StatusReport {
  const report = parseInput(reportInput, input);
  requireWrite(actor, report.org_id, "org-member");
  if (report.public === true && actor.role === "org-member")
    throw forbidden("publishing a report needs the org-admin programme role: enter it unpublished");
  const [id] = appendReports(
    store,
    { orgId: report.org_id, source: "entered", submittedBy: actor.name, public: report.public === true },
    [report],
  );
  return getReport(store, id as number);
}

/** Publishing is the one change a report takes: its organisation's admin or a coordinator agrees to show it. */
export function publishReport(store: Store, actor: Actor, id: number, input: unknown): StatusReport {
  const change = parseInput(reportChange, input);
  requireWrite(actor, getReport(store, id).org_id, "org-admin");
  store.prepare("UPDATE rollout_reports SET public = ? WHERE id = ?").run(change.public ? 1 : 0, id);
  return getReport(store, id);
}

import { formatAddress } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { Attribution, SubscriberMatch } from "./attribution.js";
import type { ParsedComplaint, ReportFormat, SourceRule, TimeRule } from "./complaint.js";

/** A complaint as stored, with its attribution and how many reports about it arrived. */
export interface StoredComplaint {
  readonly id: number;
  readonly originalKey: string;
  readonly format: ReportFormat;
  readonly feedbackType: string;
  readonly userAgent: string | null;
  readonly version: string | null;
  readonly sourceIp: string;
  readonly sourcePort: number | null;
  readonly sourceRule: SourceRule;
  readonly arrivalMs: number;
  readonly timeRule: TimeRule;
  readonly incidents: number;
  readonly reportedDomain: string | null;
  readonly originalMailFrom: string | null;
  readonly originalRcptTo: string | null;
  readonly reportingMta: string | null;
  readonly reporter: string | null;
  readonly subject: string | null;
  readonly originalMessageId: string | null;
  readonly fields: readonly (readonly [string, string])[];
  readonly attribution: Attribution;
  readonly duplicates: number;
  readonly importedAt: string;
  /** The reports about it, first one first: raw evidence path (relative to the data folder) and origin. */
  readonly reports: readonly { readonly rawPath: string; readonly source: string; readonly sha256: string }[];
}

export type StoreOutcome = "new" | "duplicate";

interface Row {
  id: number;
  original_key: string;
  format: ReportFormat;
  feedback_type: string;
  user_agent: string | null;
  version: string | null;
  source_ip: string;
  source_port: number | null;
  source_rule: SourceRule;
  arrival_ms: number;
  time_rule: TimeRule;
  incidents: number;
  reported_domain: string | null;
  original_mail_from: string | null;
  original_rcpt_to: string | null;
  reporting_mta: string | null;
  reporter: string | null;
  subject: string | null;
  original_message_id: string | null;
  fields_json: string;
  asn: number | null;
  as_name: string | null;
  country: string | null;
  isp: string | null;
  pool: string | null;
  pool_kind: string | null;
  region: string | null;
  subscriber: string | null;
  subscriber_match: SubscriberMatch;
  duplicates: number;
  imported_at: string;
}

/** The attribution's columns, in the order both the insert and the update name them. */
const attributionValues = (a: Attribution) => [
  a.asn,
  a.asName,
  a.country,
  a.isp,
  a.pool,
  a.poolKind,
  a.region,
  a.subscriber,
  a.subscriberMatch,
];

/** True when a report with these raw bytes was imported before. */
export function reportKnown(store: Store, rawSha256: string): boolean {
  return store.prepare("SELECT 1 FROM complaint_reports WHERE raw_sha256 = ?").get(rawSha256) !== undefined;
}

/**
 * Records one report: a new complaint, or, when its original message is already known, one more
 * duplicate of that complaint. The report itself is remembered by its raw SHA-256 either way.
 */
export function recordReport(
  store: Store,
  report: {
    complaint: ParsedComplaint;
    attribution: Attribution;
    rawSha256: string;
    rawPath: string;
    source: string;
  },
): StoreOutcome {
  const now = new Date().toISOString();
  return store.transaction((): StoreOutcome => {
    const { complaint: c, attribution: a } = report;
    const known = store.prepare("SELECT id FROM complaints WHERE original_key = ?").get(c.originalKey) as
      | { id: number }
      | undefined;
    let id: number;
    if (known) {
      store.prepare("UPDATE complaints SET duplicates = duplicates + 1 WHERE id = ?").run(known.id);
      id = known.id;
    } else {
      const inserted = store
        .prepare(
          `INSERT INTO complaints (original_key, format, feedback_type, user_agent, version, source_ip,
             source_port, source_rule, arrival_ms, time_rule, incidents, reported_domain, original_mail_from,
             original_rcpt_to, reporting_mta, reporter, subject, original_message_id, fields_json, asn, as_name,
             country, isp, pool, pool_kind, region, subscriber, subscriber_match, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          c.originalKey,
          c.format,
          c.feedbackType,
          c.userAgent,
          c.version,
          formatAddress(c.sourceIp),
          c.sourcePort,
          c.sourceRule,
          c.arrivalMs,
          c.timeRule,
          c.incidents,
          c.reportedDomain,
          c.originalMailFrom,
          c.originalRcptTo,
          c.reportingMta,
          c.reporter,
          c.subject,
          c.originalMessageId,
          JSON.stringify(c.fields.map((f) => [f.name, f.value])),
          ...attributionValues(a),
          now,
        );
      id = Number(inserted.lastInsertRowid);
    }
    store
      .prepare(
        "INSERT INTO complaint_reports (raw_sha256, complaint_id, raw_path, source, imported_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(report.rawSha256, id, report.rawPath, report.source, now);
    return known ? "duplicate" : "new";
  })();
}

function toComplaint(row: Row, reports: StoredComplaint["reports"]): StoredComplaint {
  return {
    id: row.id,
    originalKey: row.original_key,
    format: row.format,
    feedbackType: row.feedback_type,
    userAgent: row.user_agent,
    version: row.version,
    sourceIp: row.source_ip,
    sourcePort: row.source_port,
    sourceRule: row.source_rule,
    arrivalMs: row.arrival_ms,
    timeRule: row.time_rule,
    incidents: row.incidents,
    reportedDomain: row.reported_domain,
    originalMailFrom: row.original_mail_from,
    originalRcptTo: row.original_rcpt_to,
    reportingMta: row.reporting_mta,
    reporter: row.reporter,
    subject: row.subject,
    originalMessageId: row.original_message_id,
    fields: JSON.parse(row.fields_json) as [string, string][],
    attribution: {
      asn: row.asn,
      asName: row.as_name,
      country: row.country,
      isp: row.isp,
      pool: row.pool,
      poolKind: row.pool_kind,
      region: row.region,
      subscriber: row.subscriber,
      subscriberMatch: row.subscriber_match,
    },
    duplicates: row.duplicates,
    importedAt: row.imported_at,
    reports,
  };
}

function reportsOf(store: Store, id: number): StoredComplaint["reports"] {
  return (
    store
      .prepare(
        "SELECT raw_sha256, raw_path, source FROM complaint_reports WHERE complaint_id = ? ORDER BY rowid",
      )
      .all(id) as { raw_sha256: string; raw_path: string; source: string }[]
  ).map((r) => ({ rawPath: r.raw_path, source: r.source, sha256: r.raw_sha256 }));
}

/** The complaints, latest arrival first. */
export function listComplaints(store: Store, options: { limit?: number } = {}): StoredComplaint[] {
  const rows = store
    .prepare("SELECT * FROM complaints ORDER BY arrival_ms DESC, id DESC LIMIT ?")
    .all(options.limit ?? -1) as Row[];
  return rows.map((row) => toComplaint(row, reportsOf(store, row.id)));
}

export function getComplaint(store: Store, id: number): StoredComplaint | undefined {
  const row = store.prepare("SELECT * FROM complaints WHERE id = ?").get(id) as Row | undefined;
  return row ? toComplaint(row, reportsOf(store, id)) : undefined;
}

/** Every complaint's source, port and arrival, for attributing them again. */
export function complaintSources(
  store: Store,
): { id: number; sourceIp: string; sourcePort: number | null; arrivalMs: number }[] {
  return (
    store.prepare("SELECT id, source_ip, source_port, arrival_ms FROM complaints ORDER BY id").all() as {
      id: number;
      source_ip: string;
      source_port: number | null;
      arrival_ms: number;
    }[]
  ).map((r) => ({ id: r.id, sourceIp: r.source_ip, sourcePort: r.source_port, arrivalMs: r.arrival_ms }));
}

export function updateAttribution(store: Store, id: number, a: Attribution): void {
  store
    .prepare(
      `UPDATE complaints SET asn = ?, as_name = ?, country = ?, isp = ?, pool = ?, pool_kind = ?, region = ?,
         subscriber = ?, subscriber_match = ? WHERE id = ?`,
    )
    .run(...attributionValues(a), id);
}

import type { Store } from "../store/index.js";
import type { BodyFiles } from "./body-files.js";

/** One session as listed: the fields a drill-down table shows. Strings are attacker data: escape them when shown. */
export interface SessionSummary {
  readonly id: number;
  readonly started: string;
  readonly ended: string;
  readonly source: string;
  readonly source_port: number;
  readonly sensor: string;
  readonly listener: string;
  readonly path: string;
  readonly destination: string | null;
  readonly proxy_user: string | null;
  readonly proxy_password: string | null;
  readonly helo: string | null;
  readonly bytes: number;
  readonly messages: number;
  readonly recipients: number;
  readonly outcome: string;
}

export interface MessageDetail {
  readonly id: number;
  readonly received: string;
  readonly mail_from: string;
  readonly recipients: readonly string[];
  readonly sha256: string;
  readonly size: number;
  readonly truncated: boolean;
  /** False once the disk quota evicted the body; the metadata stays. */
  readonly body_stored: boolean;
  readonly fingerprint: string;
  readonly subject_pattern: string;
  readonly urls: readonly string[];
}

export interface SessionDetail extends SessionSummary {
  readonly message_list: readonly MessageDetail[];
}

interface SessionDbRow {
  id: number;
  started_ms: number;
  ended_ms: number;
  source: string;
  source_port: number;
  sensor: string;
  listener: string;
  path: string;
  destination_host: string | null;
  destination_port: number | null;
  proxy_user: string | null;
  proxy_password: string | null;
  helo: string | null;
  bytes: number;
  messages: number;
  recipients: number;
  outcome: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function summary(r: SessionDbRow): SessionSummary {
  const host = r.destination_host;
  return {
    id: r.id,
    started: iso(r.started_ms),
    ended: iso(r.ended_ms),
    source: r.source,
    source_port: r.source_port,
    sensor: r.sensor,
    listener: r.listener,
    path: r.path,
    destination: host === null ? null : `${host.includes(":") ? `[${host}]` : host}:${r.destination_port}`,
    proxy_user: r.proxy_user,
    proxy_password: r.proxy_password,
    helo: r.helo,
    bytes: r.bytes,
    messages: r.messages,
    recipients: r.recipients,
    outcome: r.outcome,
  };
}

export interface SessionQuery {
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly source?: string;
  readonly listener?: string;
  /** Newest first; at most this many (default 100), after skipping `offset`. */
  readonly limit?: number;
  readonly offset?: number;
}

export function listSessions(store: Store, query: SessionQuery = {}): SessionSummary[] {
  const rows = store
    .prepare(`SELECT * FROM honeypot_sessions WHERE started_ms >= ? AND started_ms < ?
      AND (? IS NULL OR source = ?) AND (? IS NULL OR listener = ?)
      ORDER BY started_ms DESC, id DESC LIMIT ? OFFSET ?`)
    .all(
      query.sinceMs ?? 0,
      query.untilMs ?? Number.MAX_SAFE_INTEGER,
      query.source ?? null,
      query.source ?? null,
      query.listener ?? null,
      query.listener ?? null,
      query.limit ?? 100,
      query.offset ?? 0,
    ) as SessionDbRow[];
  return rows.map(summary);
}

export function sessionDetail(store: Store, id: number): SessionDetail | undefined {
  const row = store.prepare("SELECT * FROM honeypot_sessions WHERE id = ?").get(id) as
    | SessionDbRow
    | undefined;
  if (!row) return undefined;
  const messages = store
    .prepare(`SELECT m.*, b.stored FROM honeypot_messages m JOIN honeypot_bodies b ON b.sha256 = m.sha256
      WHERE m.session_id = ? ORDER BY m.id`)
    .all(id) as {
    id: number;
    received_ms: number;
    mail_from: string;
    sha256: string;
    size: number;
    truncated: number;
    stored: number;
    fingerprint: string;
    subject_pattern: string;
    urls: string;
  }[];
  const recipients = store.prepare(
    "SELECT address FROM honeypot_recipients WHERE message_id = ? ORDER BY position",
  );
  return {
    ...summary(row),
    message_list: messages.map((m) => ({
      id: m.id,
      received: iso(m.received_ms),
      mail_from: m.mail_from,
      recipients: (recipients.all(m.id) as { address: string }[]).map((r) => r.address),
      sha256: m.sha256,
      size: m.size,
      truncated: m.truncated === 1,
      body_stored: m.stored === 1,
      fingerprint: m.fingerprint,
      subject_pattern: m.subject_pattern,
      urls: JSON.parse(m.urls) as string[],
    })),
  };
}

/** The raw bytes of a captured message: data to show escaped or to download, never to render. */
export function messageBody(files: BodyFiles, sha256: string): Buffer | undefined {
  return files.read(sha256);
}

/** The sensor's running totals as last flushed: shed connections, refusals, outbound attempts. */
export function sensorCounters(store: Store): Record<string, number> {
  const rows = store.prepare("SELECT name, value FROM honeypot_counters ORDER BY name").all() as {
    name: string;
    value: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

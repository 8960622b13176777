import type { Store } from "../store/index.js";
import { assignCampaigns } from "./campaigns.js";
import { cachedLookup, type NetworkInfo, type NetworkLookup, NO_NETWORK_MAP } from "./origin.js";

export const REPORT_KEYS = ["country", "asn", "destination-domain", "campaign", "listener"] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];

export interface ReportOptions {
  readonly by: ReportKey;
  /** One row per UTC day and key instead of one per key. */
  readonly series?: boolean;
  /** The sensor's own country; abuse from any other known country is "abroad". */
  readonly homeCountry?: string;
  /** Sessions that started in [sinceMs, untilMs). */
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** IP → ASN and country (the reputation capability's NetworkMap); without it origins are unknown. */
  readonly network?: NetworkLookup;
}

export interface ReportRow {
  /** UTC day (YYYY-MM-DD), in a series only. */
  readonly day?: string;
  readonly key: string;
  readonly sessions: number;
  readonly messages: number;
  readonly recipients: number;
  /** `--by asn`: the AS name; `--by campaign`: a subject pattern and URLs of the campaign. */
  readonly as_name?: string | null;
  readonly subject?: string;
  readonly urls?: readonly string[];
}

export interface Totals {
  sessions: number;
  messages: number;
  recipients: number;
}

export interface Report {
  readonly by: ReportKey;
  readonly rows: readonly ReportRow[];
  readonly home_country: string | null;
  /** Sessions, messages and recipients by origin: the sensor's own country, abroad, unknown. */
  readonly origin: { readonly home: Totals; readonly abroad: Totals; readonly unknown: Totals };
  /**
   * Messages from abroad ÷ messages whose origin country is known; null without a home country
   * or without any message of known origin. The figure the Brazilian honeypot study reported.
   */
  readonly abroad_share: number | null;
}

interface SessionRow {
  id: number;
  started_ms: number;
  source: string;
  listener: string;
  messages: number;
  recipients: number;
}

/** Adds up sessions, messages and recipients per key (and day), counting each session and message once. */
class Tally {
  private readonly rows = new Map<
    string,
    { day?: string; key: string; sessions: Set<number>; messages: Set<number> | number; recipients: number }
  >();

  add(
    key: string,
    day: string | undefined,
    session: number,
    messages: number | Set<number>,
    recipients: number,
  ) {
    const id = `${day ?? ""}\u0000${key}`;
    let row = this.rows.get(id);
    if (!row) {
      row = { ...(day ? { day } : {}), key, sessions: new Set(), messages: 0, recipients: 0 };
      this.rows.set(id, row);
    }
    row.sessions.add(session);
    if (typeof messages === "number") row.messages = (row.messages as number) + messages;
    else {
      const set = row.messages instanceof Set ? row.messages : new Set<number>();
      for (const m of messages) set.add(m);
      row.messages = set;
    }
    row.recipients += recipients;
  }

  result(): ReportRow[] {
    return [...this.rows.values()]
      .map((r) => ({
        ...(r.day ? { day: r.day } : {}),
        key: r.key,
        sessions: r.sessions.size,
        messages: typeof r.messages === "number" ? r.messages : r.messages.size,
        recipients: r.recipients,
      }))
      .sort(
        (a, b) =>
          (a.day ?? "").localeCompare(b.day ?? "") ||
          b.messages - a.messages ||
          b.sessions - a.sessions ||
          a.key.localeCompare(b.key),
      );
  }
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Sessions, messages and recipients by the chosen key, with the share of abuse from abroad. */
export function honeypotReport(store: Store, options: ReportOptions): Report {
  const since = options.sinceMs ?? 0;
  const until = options.untilMs ?? Number.MAX_SAFE_INTEGER;
  const origin = cachedLookup(options.network ?? NO_NETWORK_MAP);
  const sessions = store
    .prepare(`SELECT id, started_ms, source, listener, messages, recipients FROM honeypot_sessions
      WHERE started_ms >= ? AND started_ms < ? ORDER BY id`)
    .all(since, until) as SessionRow[];
  const day = (ms: number) => (options.series ? dayOf(ms) : undefined);
  const tally = new Tally();
  let extras = new Map<string, Partial<ReportRow>>();

  if (options.by === "listener" || options.by === "country" || options.by === "asn") {
    const keyOf = sessionKey(options.by, origin);
    for (const s of sessions) tally.add(keyOf(s), day(s.started_ms), s.id, s.messages, s.recipients);
    if (options.by === "asn") extras = asNames(sessions, origin);
  } else if (options.by === "destination-domain") {
    const rows = store
      .prepare(`SELECT s.id AS session, s.started_ms, m.id AS message, r.domain FROM honeypot_recipients r
        JOIN honeypot_messages m ON m.id = r.message_id JOIN honeypot_sessions s ON s.id = m.session_id
        WHERE s.started_ms >= ? AND s.started_ms < ?`)
      .all(since, until) as { session: number; started_ms: number; message: number; domain: string }[];
    for (const r of rows)
      tally.add(r.domain || "(none)", day(r.started_ms), r.session, new Set([r.message]), 1);
  } else {
    const rows = store
      .prepare(`SELECT s.id AS session, s.started_ms, m.fingerprint, m.subject_pattern, m.urls,
          (SELECT COUNT(*) FROM honeypot_recipients r WHERE r.message_id = m.id) AS recipients
        FROM honeypot_messages m JOIN honeypot_sessions s ON s.id = m.session_id
        WHERE s.started_ms >= ? AND s.started_ms < ? ORDER BY m.id`)
      .all(since, until) as {
      session: number;
      started_ms: number;
      fingerprint: string;
      subject_pattern: string;
      urls: string;
      recipients: number;
    }[];
    const messages = rows.map((r) => ({
      fingerprint: r.fingerprint,
      subjectPattern: r.subject_pattern,
      urls: JSON.parse(r.urls) as string[],
    }));
    const campaigns = assignCampaigns(messages);
    rows.forEach((r, i) => {
      const key = campaigns[i] as string;
      tally.add(key, day(r.started_ms), r.session, 1, r.recipients);
      if (!extras.has(key)) {
        const m = messages[i] as (typeof messages)[number];
        extras.set(key, { subject: m.subjectPattern, urls: m.urls.slice(0, 5) });
      }
    });
  }

  const rows = tally.result().map((row) => ({ ...row, ...extras.get(row.key) }));
  const home = options.homeCountry?.toUpperCase() ?? null;
  const totals = originTotals(sessions, origin, home);
  const known = totals.home.messages + totals.abroad.messages;
  return {
    by: options.by,
    rows,
    home_country: home,
    origin: totals,
    abroad_share: home === null || known === 0 ? null : totals.abroad.messages / known,
  };
}

function sessionKey(by: "listener" | "country" | "asn", origin: (address: string) => NetworkInfo) {
  if (by === "listener") return (s: SessionRow) => s.listener;
  if (by === "country") return (s: SessionRow) => origin(s.source).country ?? "unknown";
  return (s: SessionRow) => {
    const asn = origin(s.source).asn;
    return asn === null ? "unknown" : `AS${asn}`;
  };
}

function asNames(sessions: readonly SessionRow[], origin: (address: string) => NetworkInfo) {
  const names = new Map<string, Partial<ReportRow>>();
  for (const s of sessions) {
    const info = origin(s.source);
    const key = info.asn === null ? "unknown" : `AS${info.asn}`;
    if (!names.has(key)) names.set(key, { as_name: info.asName });
  }
  return names;
}

function originTotals(
  sessions: readonly SessionRow[],
  origin: (address: string) => NetworkInfo,
  home: string | null,
): Report["origin"] {
  const zero = (): Totals => ({ sessions: 0, messages: 0, recipients: 0 });
  const totals = { home: zero(), abroad: zero(), unknown: zero() };
  for (const s of sessions) {
    const country = origin(s.source).country;
    const bucket =
      home === null || country === null ? totals.unknown : country === home ? totals.home : totals.abroad;
    bucket.sessions++;
    bucket.messages += s.messages;
    bucket.recipients += s.recipients;
  }
  return totals;
}

/**
 * What became of the notices: delivered or bounced (read from the spool, which forgets a message
 * once delivered), and whether each subscriber moved to 587/465 or still sent on port 25 after
 * their notice. The funnel per region and class is one SQL aggregate over the campaign's tables.
 */
import type { Store } from "../store/index.js";
import type { Spool } from "../submission/index.js";

export interface FunnelRow {
  readonly region: string;
  readonly class: string;
  readonly affected: number;
  readonly notified: number;
  readonly delivered: number;
  readonly moved: number;
  readonly still_on_25: number;
}

/** A subscriber seen sending direct to port 25, and the last time (ISO). */
export interface SeenOn25 {
  readonly subscriber: string;
  readonly last_seen: string;
}

/** Marks the queued notices the spool has delivered (gone) or failed; returns the counts. */
export function settleNotices(
  store: Store,
  spool: Spool,
  at = new Date(),
): { delivered: number; bounced: number } {
  const open = store
    .prepare(
      `SELECT campaign, subscriber, round, spool_id FROM campaign_notices
       WHERE spool_id IS NOT NULL AND delivered_at IS NULL AND bounced_at IS NULL`,
    )
    .all() as { campaign: string; subscriber: string; round: number; spool_id: string }[];
  const delivered = store.prepare(
    "UPDATE campaign_notices SET delivered_at = ? WHERE campaign = ? AND subscriber = ? AND round = ?",
  );
  const bounced = store.prepare(
    "UPDATE campaign_notices SET bounced_at = ?, bounce_reason = ? WHERE campaign = ? AND subscriber = ? AND round = ?",
  );
  let counts = { delivered: 0, bounced: 0 };
  store.transaction(() => {
    for (const n of open) {
      const key = [n.campaign, n.subscriber, n.round] as const;
      if (!spool.message(n.spool_id)) {
        delivered.run(at.toISOString(), ...key);
        counts = { ...counts, delivered: counts.delivered + 1 };
        continue;
      }
      const failed = spool.recipients(n.spool_id).find((r) => r.state === "bounced" || r.state === "expired");
      if (failed) {
        bounced.run(at.toISOString(), failed.lastError ?? failed.state, ...key);
        counts = { ...counts, bounced: counts.bounced + 1 };
      }
    }
  })();
  return counts;
}

/** A subscriber's day (UTC) with flows to port 587 or 465: submission, as the notice asked. */
export interface SubmissionDay {
  readonly subscriber: string;
  readonly day: string;
}

/**
 * What the flows show since the first notice, per subscriber (through the leases, whatever
 * address they held): their direct port-25 sending, their days on 587/465, and how far the
 * stored flows reach (silence on 25 means nothing for a time no flows were stored for).
 */
export interface Traffic {
  readonly seenOn25: readonly SeenOn25[];
  readonly submissionDays: readonly SubmissionDay[];
  /** The end of the last hour of flows stored (ISO), or null when none are. */
  readonly flowsUntil: string | null;
}

export const NO_TRAFFIC: Traffic = { seenOn25: [], submissionDays: [], flowsUntil: null };

/** One subscriber a campaign concerns and what became of their notice. */
export interface FollowUpRow {
  readonly campaign: string;
  readonly subscriber: string;
  readonly region: string;
  readonly class: string;
  readonly evidence: string;
  /** Why no notice went to them, or null. */
  readonly apart: string | null;
  readonly notified_at: string | null;
  readonly delivered_at: string | null;
  readonly bounced_at: string | null;
  /** When they sent direct to port 25 last after their notice, or null. */
  readonly still_on_25_at: string | null;
  /** The day they moved: their first day on 587/465 from the notice's day, else the day after the notice when port 25 fell silent. */
  readonly moved_at: string | null;
  readonly reminded_at: string | null;
}

/**
 * Each member with their notice and the traffic after it, in SQL over the campaign's tables and
 * the traffic staged in temp tables. Moved: the notice delivered, no direct port 25 since, and
 * either 587/465 from the notice's day on or flows stored for at least a day after the notice.
 */
const FOLLOW_UP = `
  WITH f AS (
    SELECT m.campaign, m.subscriber, m.region, m.class, m.evidence, m.apart,
           n.queued_at AS notified_at,
           CASE WHEN n.bounced_at IS NULL THEN n.delivered_at END AS delivered_at, n.bounced_at,
           CASE WHEN s.last_seen > n.queued_at THEN s.last_seen END AS still_on_25_at,
           (SELECT min(d.day) FROM temp.campaign_submission_days d
             WHERE d.subscriber = m.subscriber AND d.day >= substr(n.queued_at, 1, 10)) AS submission_from,
           r.queued_at AS reminded_at
    FROM campaign_members m
    LEFT JOIN campaign_notices n ON n.campaign = m.campaign AND n.subscriber = m.subscriber AND n.round = 0
    LEFT JOIN campaign_notices r ON r.campaign = m.campaign AND r.subscriber = m.subscriber AND r.round = 1
    LEFT JOIN temp.campaign_seen_on_25 s ON s.subscriber = m.subscriber
    WHERE @region IS NULL OR m.region = @region
  )
  SELECT campaign, subscriber, region, class, evidence, apart, notified_at, delivered_at, bounced_at,
         still_on_25_at, reminded_at,
         CASE WHEN delivered_at IS NOT NULL AND still_on_25_at IS NULL THEN
           coalesce(submission_from,
                    CASE WHEN @flows_until >= strftime('%Y-%m-%dT%H:%M:%fZ', notified_at, '+1 day')
                         THEN date(notified_at, '+1 day') END)
         END AS moved_at
  FROM f`;

/** Runs `read` with the traffic staged where FOLLOW_UP reads it, in one transaction. */
function withTraffic<T>(store: Store, traffic: Traffic, read: () => T): T {
  store.exec(`
    CREATE TEMP TABLE IF NOT EXISTS campaign_seen_on_25 (subscriber TEXT PRIMARY KEY, last_seen TEXT) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS campaign_submission_days (
      subscriber TEXT, day TEXT, PRIMARY KEY (subscriber, day)) WITHOUT ROWID;`);
  const seen = store.prepare(
    `INSERT INTO temp.campaign_seen_on_25 VALUES (?, ?)
     ON CONFLICT (subscriber) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`,
  );
  const day = store.prepare("INSERT OR IGNORE INTO temp.campaign_submission_days VALUES (?, ?)");
  return store.transaction(() => {
    store.exec("DELETE FROM temp.campaign_seen_on_25; DELETE FROM temp.campaign_submission_days");
    for (const s of traffic.seenOn25) seen.run(s.subscriber, s.last_seen);
    for (const d of traffic.submissionDays) day.run(d.subscriber, d.day);
    try {
      return read();
    } finally {
      store.exec("DELETE FROM temp.campaign_seen_on_25; DELETE FROM temp.campaign_submission_days");
    }
  })();
}

/** Rows of a query over `(${FOLLOW_UP}) AS f`, the traffic staged and the region chosen (null: all). */
function overFollowUp(
  store: Store,
  traffic: Traffic,
  query: string,
  params: Record<string, string | number | null>,
): unknown[] {
  return withTraffic(store, traffic, () =>
    store
      .prepare(query.replace("FOLLOW_UP", `(${FOLLOW_UP})`))
      .all({ region: null, flows_until: traffic.flowsUntil, ...params }),
  );
}

/** The funnel per region and class: affected → notified → delivered → moved, and still on 25. */
export function campaignFunnel(store: Store, options: { region?: string; traffic: Traffic }): FunnelRow[] {
  return overFollowUp(
    store,
    options.traffic,
    `SELECT region, class, COUNT(*) AS affected, COUNT(notified_at) AS notified, COUNT(delivered_at) AS delivered,
            COUNT(moved_at) AS moved, COUNT(still_on_25_at) AS still_on_25
     FROM FOLLOW_UP GROUP BY region, class ORDER BY region, class`,
    { region: options.region ?? null },
  ) as FunnelRow[];
}

/** The members one by one in subscriber order, a page at a time after `after`. */
export function campaignFollowUp(
  store: Store,
  options: { region?: string; traffic: Traffic; limit: number; after?: string },
): FollowUpRow[] {
  return overFollowUp(
    store,
    options.traffic,
    "SELECT * FROM FOLLOW_UP WHERE @after IS NULL OR subscriber > @after ORDER BY subscriber LIMIT @limit",
    { region: options.region ?? null, after: options.after ?? null, limit: options.limit },
  ) as FollowUpRow[];
}

/**
 * The members of a campaign due a reminder: notified at least `days` ago, still seen on port 25
 * after the notice, and not reminded yet (one reminder per campaign).
 */
export function dueReminders(
  store: Store,
  options: { campaign: string; days: number; traffic: Traffic; now?: Date },
): string[] {
  const before = new Date((options.now ?? new Date()).getTime() - options.days * 86_400_000).toISOString();
  const rows = overFollowUp(
    store,
    options.traffic,
    `SELECT subscriber FROM FOLLOW_UP
     WHERE campaign = @campaign AND notified_at <= @before AND still_on_25_at IS NOT NULL AND reminded_at IS NULL
     ORDER BY subscriber`,
    { campaign: options.campaign, before },
  ) as { subscriber: string }[];
  return rows.map((r) => r.subscriber);
}

/** The spool ids of a campaign's notices still in the spool (neither delivered nor failed yet). */
export function openNotices(store: Store, campaign: string): string[] {
  return store
    .prepare(
      `SELECT spool_id FROM campaign_notices
       WHERE campaign = ? AND spool_id IS NOT NULL AND delivered_at IS NULL AND bounced_at IS NULL`,
    )
    .pluck()
    .all(campaign) as string[];
}

/** The earliest notice of the campaigns asked about: from when port-25 traffic counts as "still". */
export function firstNoticeAt(store: Store, region?: string): string | null {
  return store
    .prepare(
      `SELECT min(n.queued_at) FROM campaign_notices n JOIN campaign_members m USING (campaign, subscriber)
         WHERE @region IS NULL OR m.region = @region`,
    )
    .pluck()
    .get({ region: region ?? null }) as string | null;
}

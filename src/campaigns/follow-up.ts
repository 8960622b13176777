/**
 * What became of the notices: delivered or bounced (read from the spool, which forgets a message
 * once delivered), and whether each subscriber still sent on port 25 after their notice. The
 * funnel per region and class is one SQL aggregate over the campaign's tables.
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

export function campaignFunnel(
  store: Store,
  options: { region?: string; seenOn25: readonly SeenOn25[] },
): FunnelRow[] {
  store.exec(
    "CREATE TEMP TABLE IF NOT EXISTS campaign_seen_on_25 (subscriber TEXT PRIMARY KEY, last_seen TEXT)",
  );
  const insert = store.prepare(
    `INSERT INTO campaign_seen_on_25 VALUES (?, ?)
     ON CONFLICT (subscriber) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`,
  );
  return store.transaction(() => {
    store.exec("DELETE FROM campaign_seen_on_25");
    for (const s of options.seenOn25) insert.run(s.subscriber, s.last_seen);
    const rows = store
      .prepare(
        `SELECT m.region, m.class, COUNT(*) AS affected,
                COUNT(n.queued_at) AS notified,
                COUNT(*) FILTER (WHERE n.delivered_at IS NOT NULL AND n.bounced_at IS NULL) AS delivered,
                COUNT(*) FILTER (WHERE n.delivered_at IS NOT NULL AND n.bounced_at IS NULL AND s.subscriber IS NULL) AS moved,
                COUNT(s.subscriber) AS still_on_25
         FROM campaign_members m
         LEFT JOIN campaign_notices n ON n.campaign = m.campaign AND n.subscriber = m.subscriber AND n.round = 0
         LEFT JOIN campaign_seen_on_25 s ON s.subscriber = m.subscriber AND n.queued_at IS NOT NULL AND s.last_seen > n.queued_at
         WHERE @region IS NULL OR m.region = @region
         GROUP BY m.region, m.class ORDER BY m.region, m.class`,
      )
      .all({ region: options.region ?? null }) as FunnelRow[];
    store.exec("DELETE FROM campaign_seen_on_25");
    return rows;
  })();
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

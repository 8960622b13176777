/**
 * Sends a campaign's notices through the submission spool. Each notice is recorded (with its
 * Message-ID) before it is queued, and marked queued in the transaction that indexes it in the
 * spool: after a crash, a notice recorded but not queued is queued again with the same
 * Message-ID, and one queued is never queued twice. The pace is the configured notices per minute.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Store } from "../store/index.js";
import type { Delivery, Spool, SpooledMessage } from "../submission/index.js";
import { composeNotice } from "./compose.js";
import type { CampaignPlan, CampaignTarget } from "./plan.js";
import { asReminder, type NoticeTemplates } from "./templates.js";

/** What a notice tells about the provider (from the web config) and who it comes from. */
export interface NoticeSettings {
  readonly from: string;
  readonly provider: string;
  readonly submissionHost: string;
  readonly submissionPort: number;
  readonly submissionTlsPort: number;
  readonly support: string;
  /** Region ids to the names subscribers know. */
  readonly regionNames: ReadonlyMap<string, string>;
}

export interface SendOptions {
  readonly store: Store;
  readonly templates: NoticeTemplates;
  readonly settings: NoticeSettings;
  /** Notices queued per minute; 0: as fast as they can be. */
  readonly perMinute: number;
  /** The spool to queue into; without it (a dry run) nothing is queued or recorded. */
  readonly spool?: Spool;
  /** The delivery of this process, when it delivers: handed each notice as it is queued. */
  readonly delivery?: Delivery;
  /** Writes each message to this folder instead of queueing it. */
  readonly dryRun?: string;
  /** 0 for the notice, 1, 2, … for reminders. */
  readonly round?: number;
  readonly onQueued?: (done: number, total: number) => void;
}

export interface SendResult {
  readonly queued: number;
  /** Of those, notices recorded before a crash and queued now. */
  readonly resumed: number;
  readonly written: number;
}

const newMessageId = (from: string) => `<${randomUUID()}@${from.slice(from.lastIndexOf("@") + 1)}>`;
const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100);

/** Remembers who the campaign concerns, notified or not, for its funnel. */
export function recordMembers(store: Store, plan: CampaignPlan, at = new Date()): void {
  const upsert = store.prepare(
    `INSERT INTO campaign_members (campaign, subscriber, region, class, evidence, apart, planned_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (campaign, subscriber) DO UPDATE SET class = excluded.class, evidence = excluded.evidence,
       apart = CASE WHEN apart IS NULL THEN NULL ELSE excluded.apart END`,
  );
  const now = at.toISOString();
  store.transaction(() => {
    for (const t of plan.notify)
      upsert.run(plan.campaign, t.subscriber, t.region, t.class, t.evidence, null, now);
    for (const a of plan.apart) {
      if (a.subscriber !== null)
        upsert.run(plan.campaign, a.subscriber, a.region, a.class, a.evidence, a.reason, now);
    }
  })();
}

/**
 * Notices in flight at once when the pace is unlimited: they are recorded in one transaction and
 * share the spool's group commit and folder fsync, instead of one fsync each after another.
 */
const UNPACED_BATCH = 64;

export async function sendCampaign(plan: CampaignPlan, options: SendOptions): Promise<SendResult> {
  const { store, settings } = options;
  const round = options.round ?? 0;
  const dryRun = options.dryRun;
  if (dryRun) mkdirSync(dryRun, { recursive: true });
  const spool = dryRun ? undefined : options.spool;
  // A reminder's subscribers are members already, with the evidence of the first notice.
  if (spool && round === 0) recordMembers(store, plan);
  const record = store.prepare(
    `INSERT INTO campaign_notices (campaign, subscriber, round, email, language, kind, message_id, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign, subscriber, round) DO NOTHING`,
  );
  const recorded = store.prepare(
    "SELECT message_id, queued_at FROM campaign_notices WHERE campaign = ? AND subscriber = ? AND round = ?",
  );
  const markQueued = store.prepare(
    "UPDATE campaign_notices SET queued_at = ?, spool_id = ? WHERE campaign = ? AND subscriber = ? AND round = ?",
  );
  /** Records a batch's notices; each comes back with its Message-ID, or undefined once queued before. */
  const recordBatch = store.transaction((targets: readonly CampaignTarget[]) =>
    targets.map((target) => {
      const fresh =
        record.run(
          plan.campaign,
          target.subscriber,
          round,
          target.email,
          target.language,
          target.kind,
          newMessageId(settings.from),
          new Date().toISOString(),
        ).changes === 1;
      const row = recorded.get(plan.campaign, target.subscriber, round) as
        | { message_id: string; queued_at: string | null }
        | undefined;
      return row && row.queued_at === null ? { messageId: row.message_id, fresh } : undefined;
    }),
  );
  const spacingMs = options.perMinute > 0 ? 60_000 / options.perMinute : 0;
  const batchSize = spacingMs > 0 ? 1 : UNPACED_BATCH;
  let nextSlot = Date.now();
  let queued = 0;
  let resumed = 0;
  let written = 0;
  let done = 0;
  const send = async (target: CampaignTarget, messageId: string, index: number) => {
    const rendered = options.templates.render(target.language, target.kind, valuesOf(plan, target, settings));
    const content = await composeNotice(
      {
        from: settings.from,
        fromName: settings.provider,
        to: target.email,
        toName: target.name,
        messageId,
        language: target.language,
        date: new Date(),
      },
      round === 0 ? rendered : asReminder(rendered, target.language),
    );
    if (dryRun) {
      writeFileSync(
        join(dryRun, `${String(index + 1).padStart(6, "0")}-${safeName(target.subscriber)}.eml`),
        content,
      );
      written++;
    } else if (spool) {
      const message: SpooledMessage = await spool.queue(
        {
          username: `campaign ${plan.campaign}`,
          mailFrom: settings.from,
          recipients: [target.email],
          clientAddress: "127.0.0.1",
        },
        content,
        (spooled) => {
          markQueued.run(new Date().toISOString(), spooled.id, plan.campaign, target.subscriber, round);
        },
      );
      options.delivery?.enqueue(message, [target.email], content);
      queued++;
    }
    options.onQueued?.(++done, plan.notify.length);
  };
  for (let from = 0; from < plan.notify.length; from += batchSize) {
    if (spacingMs > 0) {
      const wait = nextSlot - Date.now();
      if (wait > 0) await sleep(wait);
      nextSlot = Math.max(nextSlot, Date.now() - spacingMs) + spacingMs;
    }
    const batch = plan.notify.slice(from, from + batchSize);
    const notices = spool
      ? recordBatch(batch)
      : batch.map(() => ({ messageId: newMessageId(settings.from), fresh: true }));
    resumed += notices.filter((n) => n && !n.fresh).length;
    await Promise.all(
      batch.map((target, i) => {
        const notice = notices[i];
        return notice ? send(target, notice.messageId, from + i) : undefined;
      }),
    );
  }
  return { queued, resumed, written };
}

function valuesOf(
  plan: CampaignPlan,
  target: CampaignTarget,
  settings: NoticeSettings,
): Record<string, string> {
  return {
    name: target.name || target.email,
    subscriber: target.subscriber,
    provider: settings.provider,
    deadline: plan.at,
    region: settings.regionNames.get(target.region) ?? target.region,
    evidence: target.evidence,
    submission_host: settings.submissionHost,
    submission_port: String(settings.submissionPort),
    submission_tls_port: String(settings.submissionTlsPort),
    support: settings.support,
  };
}

/**
 * A campaign's reminders: one more notice (round 1) to each subscriber who got the first and is
 * still seen on port 25 `reminder_days` after it. The same kind of notice, to the address on file
 * now (a bounced one is skipped), its subject marked as a reminder; sent through sendCampaign, so
 * recorded before it is queued and never queued twice.
 */
import type { Day } from "../core/index.js";
import type { SenderClass } from "../flows/index.js";
import type { Store } from "../store/index.js";
import { directoryEntries } from "../subscribers/index.js";
import { dueReminders, type Traffic } from "./follow-up.js";
import type { CampaignPlan, CampaignTarget } from "./plan.js";
import { type NoticeKind, type NoticeLanguage, noticeLanguage } from "./templates.js";

interface NoticeRow {
  subscriber: string;
  region: string;
  class: SenderClass;
  evidence: string;
  kind: NoticeKind;
  language: NoticeLanguage;
}

/** The reminders due for a campaign, as a plan sendCampaign takes with round 1. */
export function reminderPlan(
  store: Store,
  options: { campaign: string; region: string; at: Day; days: number; traffic: Traffic; now?: Date },
): CampaignPlan {
  const due = dueReminders(store, options);
  const directory = directoryEntries(store, due);
  const first = store.prepare(
    `SELECT m.subscriber, m.region, m.class, m.evidence, n.kind, n.language
     FROM campaign_members m JOIN campaign_notices n USING (campaign, subscriber)
     WHERE m.campaign = ? AND m.subscriber = ? AND n.round = 0`,
  );
  const lastOn25 = new Map(options.traffic.seenOn25.map((s) => [s.subscriber, s.last_seen]));
  const notify: CampaignTarget[] = [];
  for (const subscriber of due) {
    const entry = directory.get(subscriber);
    const notice = first.get(options.campaign, subscriber) as NoticeRow | undefined;
    if (!entry || entry.email_bad_since || !notice) continue;
    notify.push({
      subscriber,
      region: notice.region,
      class: notice.class,
      kind: notice.kind,
      addresses: [],
      evidence: `${notice.evidence}\nstill sent on port 25 on ${lastOn25.get(subscriber) ?? "?"}`,
      email: entry.email,
      name: entry.name,
      language: noticeLanguage(entry.language, notice.language),
    });
  }
  return { campaign: options.campaign, region: options.region, at: options.at, notify, apart: [] };
}

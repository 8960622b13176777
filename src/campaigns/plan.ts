/**
 * Who a campaign writes to: the subscribers behind the senders that start losing port 25 when a
 * region enforces (flows' impact list), one notice each, of the kind their worst sender calls for.
 * Those who get none are listed apart with the reason: an exception in force, no subscriber
 * behind the address, no good e-mail address on file, or already notified for this campaign.
 */
import type { Day } from "../core/index.js";
import type { Notice, SenderClass } from "../flows/index.js";
import type { Store } from "../store/index.js";
import { directoryEntries } from "../subscribers/index.js";
import { type NoticeKind, type NoticeLanguage, noticeLanguage } from "./templates.js";

export interface CampaignTarget {
  readonly subscriber: string;
  readonly region: string;
  readonly class: SenderClass;
  readonly kind: NoticeKind;
  readonly addresses: readonly string[];
  readonly evidence: string;
  readonly email: string;
  readonly name: string;
  readonly language: NoticeLanguage;
}

export interface ApartEntry {
  readonly subscriber: string | null;
  readonly addresses: readonly string[];
  readonly region: string;
  readonly class: SenderClass;
  readonly evidence: string;
  readonly reason: string;
}

export interface CampaignPlan {
  /** `REGION@DAY`: the notices of one region's switch to enforce. */
  readonly campaign: string;
  readonly region: string;
  readonly at: Day;
  readonly notify: readonly CampaignTarget[];
  readonly apart: readonly ApartEntry[];
}

/** A sender the day's policy leaves alone because an exception covers its address. */
export interface ExceptedSender extends Notice {
  readonly exception: string;
}

export interface PlanInput {
  readonly region: string;
  readonly at: Day;
  /** The impact list of the region's enforce day (flows `impactOf(…).notify`). */
  readonly notify: readonly Notice[];
  readonly excepted: readonly ExceptedSender[];
  readonly defaultLanguage: NoticeLanguage;
}

export const campaignName = (region: string, at: Day) => `${region}@${at}`;

/** The class whose notice a subscriber gets when their senders differ: an infection comes first. */
const PRIORITY: readonly SenderClass[] = ["bot-like", "server", "mail-client", "low-evidence"];
const kindOf = (c: SenderClass): NoticeKind =>
  c === "bot-like" ? "bot-like" : c === "server" ? "server" : "mail-client";

interface Group {
  subscriber: string | null;
  region: string;
  class: SenderClass;
  addresses: string[];
  evidence: string[];
}

function grouped(senders: readonly Notice[], fallbackRegion: string): Group[] {
  const groups = new Map<string, Group>();
  for (const s of senders) {
    const key = s.subscriber === null ? `\0${s.address}` : s.subscriber;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        subscriber: s.subscriber,
        region: s.region ?? fallbackRegion,
        class: s.class,
        addresses: [s.address],
        evidence: [`${s.address}: ${s.evidence}`],
      });
      continue;
    }
    group.addresses.push(s.address);
    group.evidence.push(`${s.address}: ${s.evidence}`);
    if (PRIORITY.indexOf(s.class) < PRIORITY.indexOf(group.class)) group.class = s.class;
  }
  return [...groups.values()];
}

export function planCampaign(store: Store, input: PlanInput): CampaignPlan {
  const campaign = campaignName(input.region, input.at);
  const groups = grouped(input.notify, input.region);
  const ids = groups.flatMap((g) => (g.subscriber === null ? [] : [g.subscriber]));
  const directory = directoryEntries(store, ids);
  const notified = new Map(
    (
      store
        .prepare(
          "SELECT subscriber, queued_at FROM campaign_notices WHERE campaign = ? AND round = 0 AND queued_at IS NOT NULL",
        )
        .all(campaign) as { subscriber: string; queued_at: string }[]
    ).map((r) => [r.subscriber, r.queued_at]),
  );
  const notify: CampaignTarget[] = [];
  const apart: ApartEntry[] = [];
  const aside = (g: Group, reason: string) =>
    apart.push({
      subscriber: g.subscriber,
      addresses: g.addresses,
      region: g.region,
      class: g.class,
      evidence: g.evidence.join("\n"),
      reason,
    });
  for (const g of groups) {
    if (g.subscriber === null) {
      aside(g, "no subscriber held the address in the leases");
      continue;
    }
    const entry = directory.get(g.subscriber);
    const sent = notified.get(g.subscriber);
    if (sent) aside(g, `already notified for ${campaign} on ${sent}`);
    else if (!entry) aside(g, "no e-mail address on file (subscribers import)");
    else if (entry.email_bad_since)
      aside(
        g,
        `the address on file bounced on ${entry.email_bad_since}: ${entry.email_bad_reason ?? ""}`.trim(),
      );
    else
      notify.push({
        subscriber: g.subscriber,
        region: g.region,
        class: g.class,
        kind: kindOf(g.class),
        addresses: g.addresses,
        evidence: g.evidence.join("\n"),
        email: entry.email,
        name: entry.name,
        language: noticeLanguage(entry.language, input.defaultLanguage),
      });
  }
  for (const g of grouped(input.excepted, input.region)) {
    const reasons = input.excepted.filter((e) => g.addresses.includes(e.address)).map((e) => e.exception);
    aside(g, `exception in force: ${[...new Set(reasons)].join("; ")}`);
  }
  return { campaign, region: input.region, at: input.at, notify, apart };
}

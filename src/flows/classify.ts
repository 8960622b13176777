/**
 * Sorts a direct-to-MX sender into bot-like, mail-client or server from its features alone, with
 * the reasons that decided it written for an operator: "312 distinct destinations (≥ 50)".
 *
 * Order: a steady sender that completes its sessions to many destinations is a server (all server
 * signals); else enough bot signals make it bot-like; else it is a mail client (the common case
 * in dynamic space: a mail program still set to send on 25).
 */
import type { SenderFeatures } from "./features.js";
import type { Thresholds } from "./thresholds.js";

export const SENDER_CLASSES = ["bot-like", "mail-client", "server"] as const;
export type SenderClass = (typeof SENDER_CLASSES)[number];

export interface Classification {
  readonly class: SenderClass;
  readonly reasons: readonly string[];
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** "1 flow", "2 flows". */
export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function pad2(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/** Share of port-25 flows that were short or SYN-only. */
export function shortFlowShare(f: SenderFeatures): number {
  const flows = f.directFlows + f.relayFlows;
  return flows === 0 ? 0 : f.shortFlows / flows;
}

function hoursOfDayActive(f: SenderFeatures): number {
  return f.directFlowsByHourOfDay.filter((flows) => flows > 0).length;
}

function officeHoursShare(f: SenderFeatures, start: number, end: number): number {
  let inside = 0;
  f.directFlowsByHourOfDay.forEach((flows, hour) => {
    if (hour >= start && hour < end) inside += flows;
  });
  return f.directFlows === 0 ? 0 : inside / f.directFlows;
}

interface Signal {
  readonly matched: boolean;
  readonly reason: string;
}

function destinations(f: SenderFeatures): string {
  return `${f.distinctDestinationsEstimated ? "at least " : ""}${plural(f.distinctDestinations, "distinct destination")}`;
}

function botSignals(f: SenderFeatures, t: Thresholds["bot_like"]): Signal[] {
  const short = shortFlowShare(f);
  const hours = hoursOfDayActive(f);
  return [
    {
      matched: f.distinctDestinations >= t.min_distinct_destinations,
      reason: `${destinations(f)} (≥ ${t.min_distinct_destinations})`,
    },
    {
      matched: f.peakDestinationsInOneHour >= t.min_destinations_in_one_hour,
      reason: `${plural(f.peakDestinationsInOneHour, "destination")} in one hour (≥ ${t.min_destinations_in_one_hour})`,
    },
    {
      matched: short >= t.min_short_flow_share,
      reason: `${percent(short)} short or failed flows (≥ ${percent(t.min_short_flow_share)})`,
    },
    {
      matched: hours >= t.min_hours_of_day,
      reason: `active in ${hours} of 24 hours of the day (≥ ${t.min_hours_of_day})`,
    },
  ];
}

function serverSignals(f: SenderFeatures, t: Thresholds["server"]): Signal[] {
  const short = shortFlowShare(f);
  const activeShare = f.daysActive / f.spanDays;
  return [
    {
      matched: f.distinctDestinations >= t.min_distinct_destinations,
      reason: `${destinations(f)} (≥ ${t.min_distinct_destinations})`,
    },
    {
      matched: f.daysActive >= t.min_active_days && activeShare >= t.min_active_day_share,
      reason: `active on ${f.daysActive} of ${plural(f.spanDays, "day")} (≥ ${t.min_active_days} days, ≥ ${percent(t.min_active_day_share)})`,
    },
    {
      matched: short <= t.max_short_flow_share,
      reason: `${percent(short)} short or failed flows (≤ ${percent(t.max_short_flow_share)})`,
    },
  ];
}

function mailClientSignals(f: SenderFeatures, t: Thresholds["mail_client"]): Signal[] {
  const office = officeHoursShare(f, t.office_hours_start, t.office_hours_end);
  const perDay = Math.round(f.directFlows / Math.max(1, f.daysActive));
  return [
    {
      matched: f.distinctDestinations <= t.max_distinct_destinations,
      reason: `${destinations(f)} (≤ ${t.max_distinct_destinations})`,
    },
    {
      matched: perDay <= t.max_flows_per_active_day,
      reason: `${plural(perDay, "flow")} a day (≤ ${t.max_flows_per_active_day})`,
    },
    {
      matched: office >= t.min_office_hours_share,
      reason: `${percent(office)} of flows ${pad2(t.office_hours_start)}–${pad2(t.office_hours_end)} (≥ ${percent(t.min_office_hours_share)})`,
    },
    {
      matched: f.submissionFlows > 0,
      reason: `also uses 587/465 (${plural(f.submissionFlows, "flow")})`,
    },
  ];
}

const matchedReasons = (signals: readonly Signal[]) => signals.filter((s) => s.matched).map((s) => s.reason);

export function classifySender(features: SenderFeatures, thresholds: Thresholds): Classification {
  const server = serverSignals(features, thresholds.server);
  if (server.every((s) => s.matched)) return { class: "server", reasons: matchedReasons(server) };
  const bot = botSignals(features, thresholds.bot_like);
  const botReasons = matchedReasons(bot);
  if (botReasons.length >= thresholds.bot_like.min_signals) return { class: "bot-like", reasons: botReasons };
  const client = matchedReasons(mailClientSignals(features, thresholds.mail_client));
  return {
    class: "mail-client",
    reasons:
      client.length > 0
        ? client
        : [
            `no server pattern; ${botReasons.length} of 4 bot signals (bot-like from ${thresholds.bot_like.min_signals})`,
          ],
  };
}

/**
 * The measured signals the classification weighs, each with the words an operator reads when it
 * holds ("312 distinct destinations (≥ 50)") and when it does not ("41% short or failed flows
 * (> 20%)"), so a class can say both what put a sender in it and what kept it out of the others.
 */
import type { SenderFeatures } from "./features.js";
import type { Thresholds } from "./thresholds.js";

export interface Signal {
  readonly matched: boolean;
  /** The measurement against the threshold, as it came out. */
  readonly reason: string;
}

export const percent = (share: number) => `${Math.round(share * 100)}%`;

/** "1 flow", "2 flows". */
export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function pad2(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/** A measurement held against a lower (≥) or upper (≤) bound, worded by how it came out. */
function bound(
  measured: string,
  matched: boolean,
  kind: "at-least" | "at-most" | "below",
  limit: string,
): Signal {
  const [holds, fails] = { "at-least": ["≥", "<"], "at-most": ["≤", ">"], below: ["<", "≥"] }[kind];
  return { matched, reason: `${measured} (${matched ? holds : fails} ${limit})` };
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

export function flowsPerActiveDay(f: SenderFeatures): number {
  return Math.round(f.directFlows / Math.max(1, f.daysActive));
}

function destinations(f: SenderFeatures): string {
  return `${f.distinctDestinationsEstimated ? "at least " : ""}${plural(f.distinctDestinations, "distinct destination")}`;
}

/** Fan-out, fan-out in one hour, failed sessions, around the clock: what spam runs from bots look like. */
export function botSignals(f: SenderFeatures, t: Thresholds["bot_like"]): Signal[] {
  const short = shortFlowShare(f);
  const hours = hoursOfDayActive(f);
  return [
    bound(
      destinations(f),
      f.distinctDestinations >= t.min_distinct_destinations,
      "at-least",
      `${t.min_distinct_destinations}`,
    ),
    bound(
      `${plural(f.peakDestinationsInOneHour, "destination")} in one hour`,
      f.peakDestinationsInOneHour >= t.min_destinations_in_one_hour,
      "at-least",
      `${t.min_destinations_in_one_hour}`,
    ),
    bound(
      `${percent(short)} short or failed flows`,
      short >= t.min_short_flow_share,
      "at-least",
      percent(t.min_short_flow_share),
    ),
    bound(
      `active in ${hours} of 24 hours of the day`,
      hours >= t.min_hours_of_day,
      "at-least",
      `${t.min_hours_of_day}`,
    ),
  ];
}

/** Many destinations, steadily, in sessions that complete: a mail server with a good name. */
export function serverSignals(f: SenderFeatures, t: Thresholds["server"]) {
  const steady = f.daysActive >= t.min_active_days && f.daysActive / f.spanDays >= t.min_active_day_share;
  return {
    fanOut: bound(
      destinations(f),
      f.distinctDestinations >= t.min_distinct_destinations,
      "at-least",
      `${t.min_distinct_destinations}`,
    ),
    steady: {
      matched: steady,
      reason: `active on ${f.daysActive} of ${plural(f.spanDays, "day")} (${steady ? "≥" : "server from"} ${t.min_active_days} days, ${steady ? "≥ " : ""}${percent(t.min_active_day_share)})`,
    },
    completes: bound(
      `${percent(shortFlowShare(f))} short or failed flows`,
      shortFlowShare(f) <= t.max_short_flow_share,
      "at-most",
      percent(t.max_short_flow_share),
    ),
  };
}

/**
 * A mail program still set to port 25 talks to one or a few submission hosts (its provider's, a
 * webmail's), modestly: those two are what a mail client must show. People's hours and a 587/465
 * account beside it support the call but decide nothing.
 */
export function mailClientSignals(f: SenderFeatures, t: Thresholds["mail_client"]) {
  const office = officeHoursShare(f, t.office_hours_start, t.office_hours_end);
  const perDay = flowsPerActiveDay(f);
  return {
    fewDestinations: bound(
      destinations(f),
      f.distinctDestinations <= t.max_distinct_destinations,
      "at-most",
      `${t.max_distinct_destinations}`,
    ),
    modestVolume: bound(
      `${plural(perDay, "flow")} a day`,
      perDay <= t.max_flows_per_active_day,
      "at-most",
      `${t.max_flows_per_active_day}`,
    ),
    supporting: [
      bound(
        `${percent(office)} of flows ${pad2(t.office_hours_start)}–${pad2(t.office_hours_end)}`,
        office >= t.min_office_hours_share,
        "at-least",
        percent(t.min_office_hours_share),
      ),
      { matched: f.submissionFlows > 0, reason: `also uses 587/465 (${plural(f.submissionFlows, "flow")})` },
    ],
  };
}

/** Too few flows, or a single hour: nothing yet about fan-out, habits or steadiness. */
export function thinDataSignals(f: SenderFeatures, t: Thresholds["low_evidence"]): Signal[] {
  return [
    bound(
      plural(f.directFlows, "direct flow"),
      f.directFlows < t.min_direct_flows,
      "below",
      `${t.min_direct_flows}`,
    ),
    bound(
      `seen in ${plural(f.hoursActive, "hour")}`,
      f.hoursActive < t.min_hours_active,
      "below",
      `${t.min_hours_active}`,
    ),
  ];
}

export const matchedReasons = (signals: readonly Signal[]) =>
  signals.filter((s) => s.matched).map((s) => s.reason);

/**
 * Who loses port 25 on a day: the direct-to-MX senders whose address the policy of that day
 * blocks (regions in their enforce phase, less the exceptions in force), split by class, with the
 * list of subscribers to notify and the evidence for each.
 */
import { type AddressSet, type Day, parseAddress } from "../core/index.js";
import type { Plan } from "../plan/index.js";
import { computePolicy } from "../policy/index.js";
import type { Store } from "../store/index.js";
import { plural, SENDER_CLASSES, type SenderClass } from "./classify.js";
import type { ObserveHitTotals } from "./observe-hits.js";
import { type DirectSender, directSenders, dynamicPoolOf, type SubscriberLookup } from "./report.js";
import type { FlowWindow } from "./store.js";
import type { Thresholds } from "./thresholds.js";

export interface ImpactOptions {
  readonly window?: FlowWindow;
  readonly region?: string;
  readonly thresholds: Thresholds;
  readonly subscriberAt?: SubscriberLookup;
  /** The router's observe-phase counters over the window (`porteiro flows hits` readings). */
  readonly observeHits?: ObserveHitTotals;
}

/** What the router's observe-phase counters add to the day's impact. */
export interface ObserveHitsImpact {
  readonly readings: number;
  readonly last_reading: string | null;
  /** Sources the router counted, and how many of them the day's policy blocks. */
  readonly sources: number;
  readonly blocked_sources: number;
  /** Blocked sources the router counted but the flow data does not show: notified with no class. */
  readonly without_flows: readonly {
    readonly address: string;
    readonly region: string | null;
    readonly pool: string;
    readonly hits: number;
  }[];
}

/** One line of the notification list; the names are the CSV header. */
export interface Notice {
  readonly subscriber: string | null;
  readonly address: string;
  readonly class: SenderClass;
  readonly region: string | null;
  readonly pool: string;
  readonly evidence: string;
}

export interface Impact {
  readonly day: Day;
  /** The regions enforcing on the day. */
  readonly regions: readonly { readonly id: string; readonly name: string; readonly enforce_from: Day }[];
  /** Senders blocked on the day, per class; subscribers counts the distinct known subscribers. */
  readonly by_class: Record<SenderClass, { senders: number; subscribers: number }>;
  /** Direct-to-MX senders the day's policy leaves alone (open or observe phase, or an exception). */
  readonly not_blocked: number;
  readonly notify: readonly Notice[];
  /** null when no reading of the router's counters was imported. */
  readonly observe_hits: ObserveHitsImpact | null;
}

const day = (iso: string) => iso.slice(0, 10);

export function evidenceOf(sender: DirectSender): string {
  const span =
    day(sender.first_seen) === day(sender.last_seen)
      ? day(sender.first_seen)
      : `${day(sender.first_seen)}..${day(sender.last_seen)}`;
  const destinations = `${sender.distinct_destinations_estimated ? "at least " : ""}${plural(sender.distinct_destinations, "destination")}`;
  return `${plural(sender.flows, "flow")} to ${destinations} on port 25, ${span}; ${sender.reasons.join("; ")}`;
}

export function impactOn(store: Store, plan: Plan, on: Day, options: ImpactOptions): Impact {
  const senders = directSenders(store, plan, { ...options, exceptionsOn: on });
  return impactOf(plan, on, senders, options.region, options.observeHits);
}

/**
 * `impactOn` for senders already found (by `directSenders` over the same window and region):
 * which of them the day's policy blocks. The senders' `exception` field, which depends on the
 * day they were listed for, is not used: the policy applies the exceptions of `on` itself.
 */
export function impactOf(
  plan: Plan,
  on: Day,
  senders: readonly DirectSender[],
  region?: string,
  observeHits?: ObserveHitTotals,
): Impact {
  const policy = computePolicy(plan, on, region === undefined ? {} : { region });
  const hitsOf = (address: string) => observeHits?.hits.get(address) ?? 0;
  const counted = (address: string) => {
    const hits = hitsOf(address);
    return hits > 0
      ? `; the router counted ${plural(hits, "new TCP/25 connection")} from it while observed`
      : "";
  };
  const blocked = senders.filter((s) => policy.blocked.has(parseAddress(s.address)));
  const byClass = Object.fromEntries(
    SENDER_CLASSES.map((c) => {
      const ofClass = blocked.filter((s) => s.class === c);
      const subscribers = new Set(ofClass.map((s) => s.subscriber).filter((s) => s !== null));
      return [c, { senders: ofClass.length, subscribers: subscribers.size }];
    }),
  ) as Impact["by_class"];
  return {
    day: on,
    regions: policy.regions
      .filter((r) => r.phase === "enforce")
      .map((r) => ({ id: r.region.id, name: r.region.name, enforce_from: r.region.enforceFrom })),
    by_class: byClass,
    not_blocked: senders.length - blocked.length,
    notify: blocked.map((s) => ({
      subscriber: s.subscriber,
      address: s.address,
      class: s.class,
      region: s.region,
      pool: s.pool,
      evidence: evidenceOf(s) + counted(s.address),
    })),
    observe_hits:
      observeHits && observeHits.readings.length > 0
        ? observeHitsImpact(plan, observeHits, senders, policy.blocked, region)
        : null,
  };
}

function observeHitsImpact(
  plan: Plan,
  totals: ObserveHitTotals,
  senders: readonly DirectSender[],
  blocked: AddressSet,
  region: string | undefined,
): ObserveHitsImpact {
  const known = new Set(senders.map((s) => s.address));
  let blockedSources = 0;
  const withoutFlows: ObserveHitsImpact["without_flows"][number][] = [];
  for (const [address, hits] of totals.hits) {
    if (!blocked.has(parseAddress(address))) continue;
    blockedSources++;
    const pool = known.has(address) ? undefined : dynamicPoolOf(plan, address, region);
    if (pool) withoutFlows.push({ address, region: pool.region ?? null, pool: pool.name, hits });
  }
  withoutFlows.sort((a, b) => b.hits - a.hits || a.address.localeCompare(b.address));
  return {
    readings: totals.readings.length,
    last_reading: totals.readings.at(-1) ?? null,
    sources: totals.hits.size,
    blocked_sources: blockedSources,
    without_flows: withoutFlows,
  };
}

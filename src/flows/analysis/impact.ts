/**
 * Who starts losing port 25 on a day: the direct-to-MX senders active shortly before it (see
 * impact-window.ts) whose address the day's policy blocks and the day before's did not — the
 * regions whose enforce phase begins that day, and addresses whose exception ended the day
 * before — split by class, with the list of subscribers to notify and the evidence for each.
 * Senders blocked already are listed apart with the day their block began, never to notify.
 */
import { type AddressSet, addDays, type Day, parseAddress, prefixContainsAddress } from "../../core/index.js";
import { nextChange, type Plan, type Region } from "../../plan/index.js";
import { computePolicy } from "../../policy/index.js";
import type { ObserveHitTotals } from "../intake/observe-hits.js";
import type { FlowStore } from "../store/index.js";
import { plural, SENDER_CLASSES, type SenderClass } from "./classify.js";
import { flowWindowOf, type ImpactWindow } from "./impact-window.js";
import { type DirectSender, directSenders, dynamicPoolOf, type SubscriberLookup } from "./report.js";
import type { Thresholds } from "./thresholds.js";

export interface ImpactOptions {
  readonly window: ImpactWindow;
  /** Only this region: its switch, its senders. */
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
  /** Sources the router counted, and how many of them start being blocked on the day. */
  readonly sources: number;
  readonly blocked_sources: number;
  /** Such sources the router counted but the flow data does not show: notified with no class. */
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

/** A sender the policy blocked before the day: shown, never notified again. */
export interface AlreadyBlocked extends Notice {
  readonly blocked_since: Day;
}

export interface ImpactRegion {
  readonly id: string;
  readonly name: string;
  readonly enforce_from: Day;
}

export interface Impact {
  readonly day: Day;
  /** The regions enforcing on the day (the one asked for, with a region). */
  readonly regions: readonly ImpactRegion[];
  /** The regions whose enforce phase begins on the day (the one asked for, with a region). */
  readonly switching: readonly ImpactRegion[];
  /** Why no region, or not the one asked for, starts enforcing on the day; null when one does. */
  readonly note: string | null;
  /** The days whose senders count. */
  readonly window: ImpactWindow;
  /** Senders who start losing port 25 on the day, per class; subscribers counts the distinct known ones. */
  readonly by_class: Record<SenderClass, { senders: number; subscribers: number }>;
  /** Direct-to-MX senders the day's policy leaves alone (open or observe phase, or an exception). */
  readonly not_blocked: number;
  /** Those who start losing port 25 on the day: the list to notify. */
  readonly notify: readonly Notice[];
  readonly already_blocked: readonly AlreadyBlocked[];
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

export async function impactOn(
  flows: FlowStore,
  plan: Plan,
  on: Day,
  options: ImpactOptions,
): Promise<Impact> {
  const senders = await directSenders(flows, plan, {
    window: flowWindowOf(options.window),
    ...(options.region === undefined ? {} : { region: options.region }),
    thresholds: options.thresholds,
    ...(options.subscriberAt ? { subscriberAt: options.subscriberAt } : {}),
    exceptionsOn: on,
  });
  return impactOf(plan, on, senders, options);
}

const regionOf = (r: Region): ImpactRegion => ({ id: r.id, name: r.name, enforce_from: r.enforceFrom });

/** Why the region asked for, or every region, does not start enforcing on the day. */
function noteOn(plan: Plan, on: Day, region: string | undefined): string | null {
  const asked = plan.regions.filter((r) => region === undefined || r.id === region);
  if (asked.some((r) => r.enforceFrom === on)) return null;
  const only = asked.length === 1 ? asked[0] : undefined;
  if (only !== undefined && region !== undefined) {
    return only.enforceFrom < on
      ? `${only.id} does not start enforcing that day: it enforces since ${only.enforceFrom}`
      : `${only.id} does not start enforcing that day: it starts on ${only.enforceFrom}`;
  }
  const next = asked
    .map((r) => ({ region: r, change: nextChange(r, on) }))
    .filter((n) => n.change?.phase === "enforce")
    .sort((a, b) => a.region.enforceFrom.localeCompare(b.region.enforceFrom))[0];
  return `no region starts enforcing that day${next ? `; the next is ${next.region.id} on ${next.region.enforceFrom}` : ""}`;
}

/**
 * The first day of the block an address is under on `on`, having been under it the day before:
 * its region's enforce date, or the day after the last exception that covered it ended.
 */
function blockedSince(plan: Plan, on: Day, sender: DirectSender): Day {
  const address = parseAddress(sender.address);
  let since = plan.regions.find((r) => r.id === sender.region)?.enforceFrom ?? on;
  for (const e of plan.exceptions) {
    if (e.until === undefined || e.until >= on || !prefixContainsAddress(e.prefix, address)) continue;
    const after = addDays(e.until, 1);
    if (after > since) since = after;
  }
  return since;
}

/** Why a sender outside the day's switching regions starts losing port 25: its exception ended. */
function endedException(plan: Plan, on: Day, sender: DirectSender): string {
  const address = parseAddress(sender.address);
  const ended = plan.exceptions.find(
    (e) => e.until === addDays(on, -1) && prefixContainsAddress(e.prefix, address),
  );
  return ended ? `; its exception ended ${ended.until} (${ended.reason})` : "";
}

/**
 * `impactOn` for senders already found (by `directSenders` over the same window and region):
 * who of them the day's policy starts blocking. The senders' `exception` field, which depends on
 * the day they were listed for, is not used: the policy applies the exceptions of each day itself.
 */
export function impactOf(
  plan: Plan,
  on: Day,
  senders: readonly DirectSender[],
  options: Pick<ImpactOptions, "window" | "region" | "observeHits">,
): Impact {
  const { region, observeHits } = options;
  const scope = region === undefined ? {} : { region };
  const policy = computePolicy(plan, on, scope);
  const before = computePolicy(plan, addDays(on, -1), scope).blocked;
  const starting = policy.blocked.difference(before);
  const hitsOf = (address: string) => observeHits?.hits.get(address) ?? 0;
  const counted = (address: string) => {
    const hits = hitsOf(address);
    return hits > 0
      ? `; the router counted ${plural(hits, "new TCP/25 connection")} from it while observed`
      : "";
  };
  const notice = (s: DirectSender, extra: string): Notice => ({
    subscriber: s.subscriber,
    address: s.address,
    class: s.class,
    region: s.region,
    pool: s.pool,
    evidence: evidenceOf(s) + extra + counted(s.address),
  });
  const switchingIds = new Set(
    policy.regions.filter((r) => r.region.enforceFrom === on).map((r) => r.region.id),
  );
  const notify: Notice[] = [];
  const alreadyBlocked: AlreadyBlocked[] = [];
  const byClass = Object.fromEntries(
    SENDER_CLASSES.map((c) => [c, { senders: 0, subscribers: new Set<string>() }]),
  );
  let notBlocked = 0;
  for (const s of senders) {
    const address = parseAddress(s.address);
    if (starting.has(address)) {
      const switching = s.region !== null && switchingIds.has(s.region);
      notify.push(notice(s, switching ? "" : endedException(plan, on, s)));
      const count = byClass[s.class];
      if (count) {
        count.senders++;
        if (s.subscriber !== null) count.subscribers.add(s.subscriber);
      }
    } else if (policy.blocked.has(address)) {
      alreadyBlocked.push({ ...notice(s, ""), blocked_since: blockedSince(plan, on, s) });
    } else {
      notBlocked++;
    }
  }
  return {
    day: on,
    regions: policy.regions.filter((r) => r.phase === "enforce").map((r) => regionOf(r.region)),
    switching: policy.regions.filter((r) => switchingIds.has(r.region.id)).map((r) => regionOf(r.region)),
    note: noteOn(plan, on, region),
    window: options.window,
    by_class: Object.fromEntries(
      Object.entries(byClass).map(([c, n]) => [c, { senders: n.senders, subscribers: n.subscribers.size }]),
    ) as Impact["by_class"],
    not_blocked: notBlocked,
    notify,
    already_blocked: alreadyBlocked,
    observe_hits:
      observeHits && observeHits.readings.length > 0
        ? observeHitsImpact(plan, observeHits, senders, starting, region)
        : null,
  };
}

function observeHitsImpact(
  plan: Plan,
  totals: ObserveHitTotals,
  senders: readonly DirectSender[],
  starting: AddressSet,
  region: string | undefined,
): ObserveHitsImpact {
  const known = new Set(senders.map((s) => s.address));
  let blockedSources = 0;
  const withoutFlows: ObserveHitsImpact["without_flows"][number][] = [];
  for (const [address, hits] of totals.hits) {
    if (!starting.has(parseAddress(address))) continue;
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

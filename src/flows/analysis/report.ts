/**
 * Direct-to-MX senders: sources in the plan's dynamic space seen sending TCP/25 to hosts other
 * than its relays, one row per source and subscriber (a dynamic address changes hands), with the
 * sender's class and the reasons for it.
 */
import {
  AddressSet,
  type Day,
  formatIpv4,
  type Prefix4,
  parseAddress,
  prefixContainsAddress,
} from "../../core/index.js";
import type { Plan, Pool } from "../../plan/index.js";
import { activeExceptions } from "../../policy/index.js";
import type { HourlyAggregate } from "../mail-flow.js";
import type { FlowStore, FlowWindow } from "../store/index.js";
import { type Classification, classifySender, SENDER_CLASSES, type SenderClass } from "./classify.js";
import { FeatureCollector, localClock, type SenderFeatures } from "./features.js";
import { checkScope, dynamicPoolOf, type SenderScope, scopeTest } from "./report-scope.js";
import type { Thresholds } from "./thresholds.js";

/**
 * Who held an address during [fromMs, toMs) (the one who held it longest when several did): the
 * subscriber module's lease index, or nothing.
 */
export type SubscriberLookup = (address: string, fromMs: number, toMs: number) => string | null;

export { checkRegion, dynamicPoolOf } from "./report-scope.js";

/** The scope (region, pool, prefix) narrows the sources read; the window, the hours. */
export interface ReportOptions extends SenderScope {
  readonly window?: FlowWindow;
  readonly thresholds: Thresholds;
  readonly subscriberAt?: SubscriberLookup;
  /** The day whose exceptions in force are shown for each sender. */
  readonly exceptionsOn: Day;
}

/** One row of `porteiro flows report`; the names are the JSON contract. */
export interface DirectSender {
  readonly address: string;
  readonly subscriber: string | null;
  readonly class: SenderClass;
  readonly reasons: readonly string[];
  readonly region: string | null;
  readonly pool: string;
  /** Direct TCP/25 flows (to hosts other than the relays), times the sampling rate. */
  readonly flows: number;
  readonly distinct_destinations: number;
  readonly distinct_destinations_estimated: boolean;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly packets: number;
  readonly bytes: number;
  readonly short_flows: number;
  readonly syn_only_flows: number;
  readonly relay_flows: number;
  readonly submission_flows: number;
  readonly hours_active: number;
  readonly days_active: number;
  /** The reason of an exception covering the address on the report's day, if any. */
  readonly exception: string | null;
}

/** Destinations remembered by relayTest: a year names the same MX hosts millions of times. */
const RELAY_MEMO_LIMIT = 100_000;

/** Whether a destination (address text) is one of the plan's relays, remembered per text. */
export function relayTest(plan: Plan): (destination: string) => boolean {
  const relays = AddressSet.fromPrefixes(plan.relays);
  if (relays.isEmpty) return () => false;
  // IPv4 text has one spelling, so relays that are single IPv4 hosts are a set of strings.
  const v4Hosts = plan.relays.filter((p): p is Prefix4 => p.family === 4 && p.length === 32);
  const v4HostsOnly = plan.relays.every((p) => p.family === 6 || p.length === 32);
  const v4Texts = new Set(v4Hosts.map((p) => formatIpv4(p.start)));
  const memo = new Map<string, boolean>();
  return (destination) => {
    if (v4HostsOnly && !destination.includes(":")) return v4Texts.has(destination);
    let relay = memo.get(destination);
    if (relay === undefined) {
      relay = relays.has(parseAddress(destination));
      if (memo.size >= RELAY_MEMO_LIMIT) memo.clear();
      memo.set(destination, relay);
    }
    return relay;
  };
}

function toRow(
  features: SenderFeatures,
  classification: Classification,
  subscriber: string | null,
  pool: Pool,
  exception: string | null,
): DirectSender {
  return {
    address: features.source,
    subscriber,
    class: classification.class,
    reasons: classification.reasons,
    region: pool.region ?? null,
    pool: pool.name,
    flows: features.directFlows,
    distinct_destinations: features.distinctDestinations,
    distinct_destinations_estimated: features.distinctDestinationsEstimated,
    first_seen: new Date(features.firstSeenMs).toISOString(),
    last_seen: new Date(features.lastSeenMs).toISOString(),
    packets: features.packets,
    bytes: features.bytes,
    short_flows: features.shortFlows,
    syn_only_flows: features.synOnlyFlows,
    relay_flows: features.relayFlows,
    submission_flows: features.submissionFlows,
    hours_active: features.hoursActive,
    days_active: features.daysActive,
    exception,
  };
}

const CLASS_ORDER = new Map<SenderClass, number>(SENDER_CLASSES.map((c, i) => [c, i]));

/** Region, pool, class (bot-like first), then the busiest sender first. */
function compareSenders(a: DirectSender, b: DirectSender): number {
  return (
    (a.region ?? "").localeCompare(b.region ?? "") ||
    a.pool.localeCompare(b.pool) ||
    (CLASS_ORDER.get(a.class) ?? 0) - (CLASS_ORDER.get(b.class) ?? 0) ||
    b.flows - a.flows ||
    a.address.localeCompare(b.address)
  );
}

export async function directSenders(
  flows: FlowStore,
  plan: Plan,
  options: ReportOptions,
): Promise<DirectSender[]> {
  checkScope(plan, options);
  const isRelay = relayTest(plan);
  const exceptions = activeExceptions(plan, options.exceptionsOn);
  const clock = localClock(options.thresholds.timezone);
  const senders: DirectSender[] = [];
  const inScope = scopeTest(plan, options);
  for await (const group of flows.sourceAggregates(options.window, inScope)) {
    const source = (group[0] as HourlyAggregate).source;
    const pool = dynamicPoolOf(plan, source, options.region);
    if (pool === undefined) continue;
    const address = parseAddress(source);
    const exception = exceptions.find((e) => prefixContainsAddress(e.prefix, address))?.reason ?? null;
    // One collector per subscriber who held the address when the flows were seen.
    const collectors = new Map<string | null, FeatureCollector>();
    for (const aggregate of group) {
      const subscriber =
        options.subscriberAt?.(source, aggregate.firstSeenMs, aggregate.lastSeenMs + 1) ?? null;
      let collector = collectors.get(subscriber);
      if (!collector) {
        collector = new FeatureCollector(source, isRelay, clock);
        collectors.set(subscriber, collector);
      }
      collector.add(aggregate);
    }
    for (const [subscriber, collector] of collectors) {
      const features = collector.features();
      if (features === undefined) continue;
      senders.push(
        toRow(features, classifySender(features, options.thresholds), subscriber, pool, exception),
      );
    }
  }
  return senders.sort(compareSenders);
}

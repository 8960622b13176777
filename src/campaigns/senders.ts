/** The flows side of a campaign: who starts losing port 25 on the enforce day, and who still sends on 25. */

import { type Day, today } from "../core/index.js";
import {
  directSenders,
  evidenceOf,
  type FlowStore,
  type FlowWindow,
  flowWindowOf,
  impactOf,
  impactWindow,
  type Notice,
  type SubscriberLookup,
  type Thresholds,
} from "../flows/index.js";
import type { Plan } from "../plan/index.js";
import type { Store } from "../store/index.js";
import { LeaseIndex } from "../subscribers/index.js";
import { firstNoticeAt, NO_TRAFFIC, type SubmissionDay, type Traffic } from "./follow-up.js";
import type { ExceptedSender } from "./plan.js";

/** The subscriber the leases name for an address over a time, as flows' analysis asks. */
function subscriberLookup(store: Store, window: FlowWindow): SubscriberLookup {
  const leases = LeaseIndex.load(store, window);
  return (address, fromMs, toMs) => leases.subscribersDuring(address, fromMs, toMs)[0]?.subscriber ?? null;
}

/** flows impact's notify list for the region's day, and the senders an exception keeps on 25. */
export async function affectedSenders(
  flows: FlowStore,
  store: Store,
  plan: Plan,
  options: { region: string; at: Day; thresholds: Thresholds },
): Promise<{ notify: readonly Notice[]; excepted: ExceptedSender[] }> {
  const window = await impactWindow(flows, options.at);
  const flowWindow = flowWindowOf(window);
  const senders = await directSenders(flows, plan, {
    window: flowWindow,
    region: options.region,
    thresholds: options.thresholds,
    subscriberAt: subscriberLookup(store, flowWindow),
    exceptionsOn: options.at,
  });
  const impact = impactOf(plan, options.at, senders, { window, region: options.region });
  const notified = new Set(impact.notify.map((n) => n.address));
  const excepted = senders.flatMap((s) =>
    s.exception === null || notified.has(s.address)
      ? []
      : [
          {
            subscriber: s.subscriber,
            address: s.address,
            class: s.class,
            region: s.region,
            pool: s.pool,
            evidence: evidenceOf(s),
            exception: s.exception,
          },
        ],
  );
  return { notify: impact.notify, excepted };
}

/**
 * What the flows show of the subscribers since a moment (the first notice): who sent direct to
 * port 25 and when last, and who used 587/465 on which days. The engine sums the flows per
 * source, day and port; the leases name the subscriber behind each source and day.
 */
export async function trafficSince(
  flows: FlowStore,
  store: Store,
  plan: Plan,
  options: { since: string; region?: string; thresholds: Thresholds },
): Promise<Traffic> {
  // From the start of the notice's hour (flows are stored by the hour); what came before the
  // notice within it is told apart by its last-seen time.
  const window = {
    sinceMs: Math.floor(Date.parse(options.since) / 3_600_000) * 3_600_000,
    untilMs: Date.now() + 3_600_000,
  };
  const subscriberAt = subscriberLookup(store, window);
  const senders = await directSenders(flows, plan, {
    window,
    ...(options.region ? { region: options.region } : {}),
    thresholds: options.thresholds,
    subscriberAt,
    exceptionsOn: today(),
  });
  const days = new Map<string, SubmissionDay>();
  const fromDay = { sinceMs: Date.parse(`${options.since.slice(0, 10)}T00:00:00Z`) };
  for await (const rows of flows.sourcePeriodFlows("day", fromDay)) {
    for (const row of rows) {
      if (row.port === 25) continue;
      const startMs = Date.parse(`${row.period}T00:00:00Z`);
      const subscriber = subscriberAt(row.source, startMs, startMs + 86_400_000);
      if (subscriber !== null) days.set(`${subscriber}\0${row.period}`, { subscriber, day: row.period });
    }
  }
  const lastHour = await flows.lastHour();
  return {
    seenOn25: senders.flatMap((s) =>
      s.subscriber === null ? [] : [{ subscriber: s.subscriber, last_seen: s.last_seen }],
    ),
    submissionDays: [...days.values()],
    flowsUntil: lastHour === undefined ? null : new Date((lastHour + 3600) * 1000).toISOString(),
  };
}

/** The traffic since the first notice of a region's campaigns (of all, without a region). */
export async function campaignTraffic(
  flows: FlowStore,
  store: Store,
  plan: Plan,
  options: { region?: string; thresholds: Thresholds },
): Promise<Traffic> {
  const since = firstNoticeAt(store, options.region);
  return since ? trafficSince(flows, store, plan, { ...options, since }) : NO_TRAFFIC;
}

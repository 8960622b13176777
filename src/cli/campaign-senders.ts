/** The flows side of a campaign: who starts losing port 25 on the enforce day, and who still sends on 25. */

import type { ExceptedSender, SeenOn25 } from "../campaigns/index.js";
import type { Day } from "../core/index.js";
import {
  directSenders,
  evidenceOf,
  type FlowStore,
  flowWindowOf,
  impactOf,
  impactWindow,
  type Notice,
  type Thresholds,
} from "../flows/index.js";
import type { Plan } from "../plan/index.js";
import type { Store } from "../store/index.js";
import { subscriberLookup } from "./flows-analysis.js";

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

/** Subscribers seen sending direct to port 25 since a moment, with their last time. */
export async function seenOn25Since(
  flows: FlowStore,
  store: Store,
  plan: Plan,
  options: { since: string; region?: string; thresholds: Thresholds },
): Promise<SeenOn25[]> {
  const window = { sinceMs: Date.parse(options.since), untilMs: Date.now() + 3_600_000 };
  const senders = await directSenders(flows, plan, {
    window,
    ...(options.region ? { region: options.region } : {}),
    thresholds: options.thresholds,
    subscriberAt: subscriberLookup(store, window),
    exceptionsOn: new Date().toISOString().slice(0, 10) as Day,
  });
  return senders.flatMap((s) =>
    s.subscriber === null ? [] : [{ subscriber: s.subscriber, last_seen: s.last_seen }],
  );
}

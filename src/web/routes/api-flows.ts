import type { FastifyInstance } from "fastify";
import { type Day, today } from "../../core/index.js";
import {
  DEFAULT_THRESHOLDS,
  type DirectSender,
  dailyFlowsOf,
  directSenders,
  evidenceOf,
  type FlowWindow,
  impactOn,
  SENDER_CLASSES,
  type SubscriberLookup,
} from "../../flows/index.js";
import { nextChange, type Plan } from "../../plan/index.js";
import type { Store } from "../../store/index.js";
import { LeaseIndex } from "../../subscribers/index.js";
import { cacheOf, JSON_TYPE, jsonText } from "../console/cache.js";
import { badRequest, dayParam, dayWindow, type Query, stringParam } from "../console/query.js";
import { pivot } from "../console/series.js";
import { flowsStamp, planStamp } from "../console/stamps.js";
import type { WebContext } from "../context.js";

/** Rows sent to a page at most; the counts cover every sender. */
const SENDER_ROWS = 5000;

function planOf(context: WebContext): Plan {
  const plan = context.plan.current();
  if (!plan) throw Object.assign(new Error("no plan loaded"), { statusCode: 404 });
  return plan;
}

function subscriberLookup(store: Store, window: FlowWindow): SubscriberLookup {
  const leases = LeaseIndex.load(store, window);
  return (address, fromMs, toMs) => leases.subscribersDuring(address, fromMs, toMs)[0]?.subscriber ?? null;
}

/** The next day a region starts enforcing, else today: the day whose impact an operator asks about first. */
function nextEnforcement(plan: Plan, day: Day): Day {
  const next = plan.regions
    .map((r) => nextChange(r, day))
    .filter((c) => c?.phase === "enforce")
    .map((c) => c?.day as Day)
    .sort()[0];
  return next ?? day;
}

/** Direct-to-MX senders by class, the impact of a day's policy, and the evidence per subscriber. */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  const { store } = context;

  const sendersIn = (plan: Plan, query: Query) => {
    const since = dayParam(query, "since");
    const until = dayParam(query, "until");
    const window = dayWindow(since, until);
    const key = `senders:${since ?? ""}:${until ?? ""}`;
    const stamp = `${planStamp(plan)}:${flowsStamp(store)}`;
    const senders = cache.get(key, stamp, () =>
      directSenders(store, plan, {
        window,
        thresholds: DEFAULT_THRESHOLDS,
        subscriberAt: subscriberLookup(store, window),
        exceptionsOn: until ?? today(),
      }),
    );
    return { key, stamp, senders };
  };

  const evidenceFor = (senders: readonly DirectSender[], subscriber?: string, address?: string) => {
    const rows = senders.filter(
      (s) =>
        (subscriber === undefined || s.subscriber === subscriber) &&
        (address === undefined || s.address === address),
    );
    const addresses = [...new Set(rows.map((r) => r.address))].slice(0, 50);
    // One look-up per address, so each reads the (source, hour, port) index rather than the table.
    const activity = addresses.flatMap((a) => dailyFlowsOf(store, a));
    return {
      senders: rows.map((s) => ({ ...s, evidence: evidenceOf(s) })),
      activity: pivot(
        activity.map((a) => ({ x: a.day, label: `port ${a.port}`, value: a.flows })),
        0,
      ),
    };
  };

  app.get("/api/flows/senders", async (request, reply) => {
    const plan = planOf(context);
    const { key, stamp, senders } = sendersIn(plan, request.query as Query);
    const text = cache.get(`${key}:json`, stamp, () => {
      const byClass = Object.fromEntries(SENDER_CLASSES.map((c) => [c, 0]));
      for (const s of senders) byClass[s.class] = (byClass[s.class] ?? 0) + 1;
      return jsonText({ total: senders.length, by_class: byClass, senders: senders.slice(0, SENDER_ROWS) });
    });
    return reply.type(JSON_TYPE).send(text);
  });

  app.get("/api/flows/impact", async (request) => {
    const plan = planOf(context);
    const at = dayParam(request.query as Query, "at") ?? nextEnforcement(plan, today());
    return cache.get(`impact:${at}`, `${planStamp(plan)}:${flowsStamp(store)}`, () =>
      impactOn(store, plan, at, {
        thresholds: DEFAULT_THRESHOLDS,
        subscriberAt: subscriberLookup(store, {}),
      }),
    );
  });

  app.get("/api/flows/evidence", async (request) => {
    const query = request.query as Query;
    const plan = planOf(context);
    const subscriber = stringParam(query, "subscriber");
    const address = stringParam(query, "address", 64);
    if (!subscriber && !address) throw badRequest("give subscriber or address");
    const { key, stamp, senders } = sendersIn(plan, query);
    return cache.get(`evidence:${key}:${subscriber}:${address}`, stamp, () =>
      evidenceFor(senders, subscriber, address),
    );
  });
}

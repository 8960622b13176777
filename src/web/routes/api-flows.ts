import type { FastifyInstance } from "fastify";
import { type Day, today } from "../../core/index.js";
import {
  type DirectSender,
  evidenceOf,
  flowWindowOf,
  impactOf,
  impactWindow,
  latestObserveReading,
  observeHitTotals,
  SENDER_CLASSES,
} from "../../flows/index.js";
import { nextChange, type Plan } from "../../plan/index.js";
import { cacheOf, jsonText, sendJson } from "../console/cache.js";
import { serveDataTime } from "../console/freshness.js";
import { badRequest, dayParam, dayWindow, type Query, stringParam } from "../console/query.js";
import { reportThreadOf } from "../console/reports.js";
import { pivot } from "../console/series.js";
import { flowsStamp, planStamp } from "../console/stamps.js";
import type { WebContext } from "../context.js";

/** Rows sent to a page at most; the counts cover every sender. */
const SENDER_ROWS = 5000;
/** Rows of the notification and already-blocked lists sent at most; `notify_total` and `already_blocked_total` count them all. */
const LIST_ROWS = 5000;

function planOf(context: WebContext): Plan {
  const plan = context.plan.current();
  if (!plan) throw Object.assign(new Error("no plan loaded"), { statusCode: 404 });
  return plan;
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
  serveDataTime(app);

  const reports = reportThreadOf(context);

  const sendersIn = async (plan: Plan, query: Query) => {
    const since = dayParam(query, "since");
    const until = dayParam(query, "until");
    const window = dayWindow(since, until);
    const key = `senders:${since ?? ""}:${until ?? ""}`;
    const flows = await flowsStamp(context);
    // Answers derived from the senders are stamped with the very senders they read (`version`),
    // so one made from an older list while a newer computes is never kept as the newer's.
    const { value: senders, version } = await cache.getAsync(key, `${planStamp(plan)}:${flows}`, (first) =>
      reports.run("senders", { window, exceptionsOn: until ?? today() }, flows, first),
    );
    return { key, version, senders };
  };

  const evidenceFor = async (senders: readonly DirectSender[], subscriber?: string, address?: string) => {
    const rows = senders.filter(
      (s) =>
        (subscriber === undefined || s.subscriber === subscriber) &&
        (address === undefined || s.address === address),
    );
    const addresses = [...new Set(rows.map((r) => r.address))].slice(0, 50);
    // One look-up per address, so each reads the (source, hour, port) index rather than the table.
    const activity = (await Promise.all(addresses.map((a) => context.flows.dailyFlows(a)))).flat();
    return {
      senders: rows.map((s) => ({ ...s, evidence: evidenceOf(s) })),
      activity: pivot(
        activity.map((a) => ({ x: a.day, label: `port ${a.port}`, value: a.flows })),
        0,
        { period: "day" },
      ),
    };
  };

  const sendersText = async (query: Query) => {
    const plan = planOf(context);
    const { key, version, senders } = await sendersIn(plan, query);
    return cache.get(`${key}:json`, version, () => {
      const byClass = Object.fromEntries(SENDER_CLASSES.map((c) => [c, 0]));
      for (const s of senders) byClass[s.class] = (byClass[s.class] ?? 0) + 1;
      return jsonText({ total: senders.length, by_class: byClass, senders: senders.slice(0, SENDER_ROWS) });
    });
  };

  /** A region of the plan, or a 400 naming the plan's regions. */
  const regionParam = (plan: Plan, query: Query) => {
    const region = stringParam(query, "region", 100);
    if (region !== undefined && !plan.regions.some((r) => r.id === region)) {
      throw badRequest(
        `region: unknown region; the plan's regions are ${plan.regions.map((r) => r.id).join(", ")}`,
      );
    }
    return region;
  };

  const impact = async (query: Query) => {
    const plan = planOf(context);
    const at = dayParam(query, "at") ?? nextEnforcement(plan, today());
    const since = dayParam(query, "since");
    const region = regionParam(plan, query);
    if (since !== undefined && since >= at) throw badRequest(`since: ${since} is not before at ${at}`);
    const window = await impactWindow(context.flows, at, since);
    // The window's senders, as the senders table has them: the day's policy decides who of them is blocked.
    const { version, senders } = await sendersIn(plan, { since: window.since, until: window.until });
    // The router's readings are few rows: their newest time joins the stamp.
    const hitsStamp = latestObserveReading(context.store) ?? "";
    const key = `impact:${at}:${window.since}:${region ?? ""}`;
    return cache.get(key, `${version}:${hitsStamp}`, () => {
      const { sinceMs, untilMs } = flowWindowOf(window);
      const result = impactOf(
        plan,
        at,
        region === undefined ? senders : senders.filter((s) => s.region === region),
        {
          window,
          ...(region === undefined ? {} : { region }),
          observeHits: observeHitTotals(context.store, {
            since: new Date(sinceMs as number).toISOString(),
            until: new Date(untilMs as number).toISOString(),
          }),
        },
      );
      // The page shows the first rows of each list; the counts cover all of it.
      return jsonText({
        ...result,
        notify_total: result.notify.length,
        notify: result.notify.slice(0, LIST_ROWS),
        already_blocked_total: result.already_blocked.length,
        already_blocked: result.already_blocked.slice(0, LIST_ROWS),
      });
    });
  };

  // The flows page's first questions, once there is a plan to ask them of.
  cache.warmer(() => context.plan.current() && sendersText({}));
  cache.warmer(() => context.plan.current() && impact({}));

  app.get("/api/flows/senders", async (request, reply) =>
    sendJson(request, reply, await sendersText(request.query as Query)),
  );

  app.get("/api/flows/impact", async (request, reply) =>
    sendJson(request, reply, await impact(request.query as Query)),
  );

  app.get("/api/flows/evidence", async (request) => {
    const query = request.query as Query;
    const plan = planOf(context);
    const subscriber = stringParam(query, "subscriber");
    const address = stringParam(query, "address", 64);
    if (!subscriber && !address) throw badRequest("give subscriber or address");
    const { key, version, senders } = await sendersIn(plan, query);
    const evidence = await cache.getAsync(`evidence:${key}:${subscriber}:${address}`, version, async () => ({
      value: await evidenceFor(senders, subscriber, address),
      asOf: Date.now(),
    }));
    return evidence.value;
  });
}

import type { FastifyInstance } from "fastify";
import { complaintSeries } from "../../complaints/index.js";
import { today } from "../../core/index.js";
import { type Plan, phaseOn } from "../../plan/index.js";
import { listSnapshots } from "../../reputation/index.js";
import { cacheOf } from "../console/cache.js";
import { serveDataTime } from "../console/freshness.js";
import { reportThreadOf } from "../console/reports.js";
import { pivot, type Series } from "../console/series.js";
import { complaintsStamp, flowsStamp, planStamp, reputationStamp } from "../console/stamps.js";
import type { WebContext } from "../context.js";

const EMPTY: Series = { x: [], lines: [] };

function regionsOf(plan: Plan | undefined) {
  const day = today();
  return (plan?.regions ?? []).map((r) => ({
    id: r.id,
    name: r.name,
    observe_from: r.observeFrom ?? null,
    enforce_from: r.enforceFrom,
    phase: phaseOn(r, day),
  }));
}

/** The programme at a glance: phases on a timeline, and its four measures over time. */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  serveDataTime(app);
  const reports = reportThreadOf(context);
  const overview = async () => {
    const plan = context.plan.current();
    const { store } = context;
    const flows = await flowsStamp(context);
    const flowsKey = `${planStamp(plan)}:${flows}`;
    // Both year-long reports queue in the report thread before either is awaited.
    const direct = plan
      ? cache.getAsync("overview:direct", flowsKey, (first) =>
          reports.run("directByWeek", undefined, flows, first),
        )
      : { value: EMPTY };
    const adoption = plan
      ? cache.getAsync("overview:adoption", flowsKey, (first) =>
          reports.run("adoptionByWeek", undefined, flows, first),
        )
      : { value: EMPTY };
    // Awaited together: if one fails, the other's failure must not go unhandled (and end the process).
    const [directSenders, adoptionPct] = await Promise.all([direct, adoption]);
    return {
      today: today(),
      plan: plan ? { isp: plan.isp.name } : null,
      regions: regionsOf(plan),
      direct_senders: directSenders.value,
      adoption_pct: adoptionPct.value,
      listed: cache.get("overview:listed", reputationStamp(store), () =>
        pivot(listSnapshots(store).map((s) => ({ x: s.date, label: s.list, value: s.v4Addresses }))),
      ),
      complaints: cache.get("overview:complaints", complaintsStamp(store), () =>
        pivot(
          complaintSeries(store, { by: "region", interval: "week" }).map((r) => ({
            x: r.interval,
            label: r.key === null ? "outside the plan" : String(r.key),
            value: r.complaints,
          })),
          0,
          { period: "week" },
        ),
      ),
    };
  };
  cache.warmer(overview);
  app.get("/api/overview", async () => overview());
}

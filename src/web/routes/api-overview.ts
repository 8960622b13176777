import type { FastifyInstance } from "fastify";
import { complaintSeries } from "../../complaints/index.js";
import { today } from "../../core/index.js";
import { submissionAdoption } from "../../flows/index.js";
import { type Plan, phaseOn } from "../../plan/index.js";
import { listSnapshots } from "../../reputation/index.js";
import { cacheOf } from "../console/cache.js";
import { directSendersByWeek } from "../console/direct-senders.js";
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

/** Adoption (flows on 587/465 ÷ all mail flows) per week: each region and the whole dynamic space. */
function adoptionByWeek(context: WebContext, plan: Plan): Series {
  const rows = submissionAdoption(context.store, plan, { by: "region", interval: "week" });
  const total = new Map<string, { submission: number; all: number }>();
  for (const r of rows) {
    const t = total.get(r.period) ?? { submission: 0, all: 0 };
    t.submission += r.flows_587 + r.flows_465;
    t.all += r.flows_25 + r.flows_587 + r.flows_465;
    total.set(r.period, t);
  }
  const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  return pivot([
    ...[...total].map(([x, t]) => ({ x, label: "all", value: percent(t.all ? t.submission / t.all : null) })),
    ...rows.map((r) => ({ x: r.period, label: r.region ?? "-", value: percent(r.flow_share) })),
  ]);
}

/** The programme at a glance: phases on a timeline, and its four measures over time. */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  app.get("/api/overview", async () => {
    const plan = context.plan.current();
    const { store } = context;
    const flowsKey = `${planStamp(plan)}:${flowsStamp(store)}`;
    return {
      today: today(),
      plan: plan ? { isp: plan.isp.name } : null,
      regions: regionsOf(plan),
      direct_senders: plan
        ? cache.get("overview:direct", flowsKey, () => directSendersByWeek(store, plan))
        : EMPTY,
      adoption_pct: plan
        ? cache.get("overview:adoption", flowsKey, () => adoptionByWeek(context, plan))
        : EMPTY,
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
        ),
      ),
    };
  });
}

import type { FastifyInstance } from "fastify";
import { addDays, type Day, daysBetween, formatPrefix, today } from "../../core/index.js";
import { nextChange, type Plan, phaseOn, summarizeSpace } from "../../plan/index.js";
import { computePolicy, diffPolicy, RENDERERS, rendererFor } from "../../policy/index.js";
import { cacheOf } from "../console/cache.js";
import { serveDataTime } from "../console/freshness.js";
import { badRequest, choiceParam, dayParam, type Query } from "../console/query.js";
import { planStamp } from "../console/stamps.js";
import type { WebContext } from "../context.js";

/** Pools listed at most: a national plan has hundreds of thousands; the space summary counts them all. */
const POOL_ROWS = 5000;
const FORMATS = RENDERERS.map((r) => r.format);

function planOf(context: WebContext): Plan {
  const plan = context.plan.current();
  if (!plan) throw Object.assign(new Error("no plan loaded"), { statusCode: 404 });
  return plan;
}

/** The first day after `day` on which any region changes phase: the next change window. */
function nextWindow(plan: Plan, day: Day): Day | undefined {
  return plan.regions
    .map((r) => nextChange(r, day)?.day)
    .filter((d): d is Day => d !== undefined)
    .sort()[0];
}

function describePlan(plan: Plan) {
  const day = today();
  return {
    today: day,
    isp: plan.isp,
    action: plan.action,
    allow_relays_on_25: plan.allowRelaysOn25,
    relays: plan.relays.map(formatPrefix),
    regions: plan.regions.map((r) => ({
      id: r.id,
      name: r.name,
      observe_from: r.observeFrom ?? null,
      enforce_from: r.enforceFrom,
      phase: phaseOn(r, day),
      next_change: nextChange(r, day) ?? null,
    })),
    space: summarizeSpace(plan).map((s) => ({
      kind: s.kind,
      region: s.region ?? null,
      pools: s.pools,
      ipv4: Number(s.ipv4),
      ipv6_64s: Number(s.ipv6Subnets64),
    })),
    pools_total: plan.pools.length,
    pools: plan.pools.slice(0, POOL_ROWS).map((p) => ({
      prefix: formatPrefix(p.prefix),
      kind: p.kind,
      region: p.region ?? null,
      name: p.name,
    })),
    exceptions: plan.exceptions.map((e) => ({
      prefix: formatPrefix(e.prefix),
      reason: e.reason,
      until: e.until ?? null,
      days_left: e.until === undefined ? null : daysBetween(day, e.until),
      expired: e.until !== undefined && e.until < day,
    })),
  };
}

/** The plan, the policy each renderer makes of it, and what the next change window changes. */
export function register(app: FastifyInstance, context: WebContext): void {
  const cache = cacheOf(context);
  serveDataTime(app);
  const planView = () => {
    const plan = planOf(context);
    return cache.get("plan", planStamp(plan), () => ({
      ...describePlan(plan),
      next_window: nextWindow(plan, today()) ?? null,
    }));
  };

  const render = (query: Query) => {
    const plan = planOf(context);
    const format = choiceParam(query, "format", FORMATS, "nftables");
    const at = dayParam(query, "at") ?? today();
    return cache.get(`render:${format}:${at}`, planStamp(plan), () => {
      const rendering = rendererFor(format).render(computePolicy(plan, at));
      return {
        format,
        at,
        formats: RENDERERS.map((r) => ({ format: r.format, summary: r.summary })),
        files: rendering.files.map((f) => ({ name: f.name, content: f.content })),
      };
    });
  };

  const diff = (query: Query) => {
    const plan = planOf(context);
    const from = dayParam(query, "from") ?? today();
    const to = dayParam(query, "to") ?? nextWindow(plan, from) ?? addDays(from, 1);
    if (to < from) throw badRequest(`to ${to} is before from ${from}`);
    return cache.get(`diff:${from}:${to}`, planStamp(plan), () => ({
      from,
      to,
      changes: diffPolicy(plan, from, to).flatMap((c) =>
        c.prefixes.map((p) => ({
          region: c.region,
          prefix: formatPrefix(p),
          from: c.from,
          to: c.to,
          reason: c.reason,
        })),
      ),
    }));
  };

  // The plan page's first questions: the plan, today's nftables rules, the next window's diff.
  cache.warmer(() => {
    if (!context.plan.current()) return;
    const { today: day, next_window } = planView();
    render({ format: "nftables", at: day });
    diff({ from: day, ...(next_window ? { to: next_window } : {}) });
  });

  app.get("/api/plan", async () => planView());
  app.get("/api/policy/render", async (request) => render(request.query as Query));
  app.get("/api/policy/diff", async (request) => diff(request.query as Query));
}

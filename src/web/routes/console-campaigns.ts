import type { FastifyInstance } from "fastify";
import { campaignFollowUp, campaignFunnel, campaignTraffic, settleNotices } from "../../campaigns/index.js";
import { DEFAULT_THRESHOLDS } from "../../flows/index.js";
import { Spool } from "../../submission/index.js";
import { consoleView } from "../console/page.js";
import { type Query, stringParam } from "../console/query.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";

/** Members sent to the page at most; its CSV export holds these, `campaign status`/`plan --format csv` all. */
const MEMBER_ROWS = 2000;

/** Notice campaigns: the funnel per region and class, and each subscriber's notice and follow-up. */
export function register(app: FastifyInstance, context: WebContext): void {
  const spool = new Spool(context.store, context.dataDir);
  /** The notices settled against the spool, and the traffic since the first (one region's, or all). */
  const traffic = async (region: string | undefined) => {
    settleNotices(context.store, spool);
    const plan = context.plan.current();
    if (!plan) throw Object.assign(new Error("no plan loaded"), { statusCode: 404 });
    return campaignTraffic(context.flows, context.store, plan, {
      ...(region ? { region } : {}),
      thresholds: DEFAULT_THRESHOLDS,
    });
  };

  app.get(
    "/console/campaigns",
    consoleView(
      context,
      { href: "/console/campaigns", title: "Campaigns", order: 35 },
      html`<p class="hint">Notices sent with <code>porteiro campaign send</code>: who was told, whose notice arrived, who moved to 587/465 (or fell silent on port 25) after it, and who still sends direct to port 25.</p>
<section><h2>Funnel per region</h2><div id="funnels"></div></section>
<section><h2>Subscribers</h2><p class="hint">The first ${String(MEMBER_ROWS)} by subscriber id, with the evidence each notice cited.</p><div class="table" id="members"></div></section>`,
      "console-campaigns.js",
    ),
  );

  app.get("/api/campaigns/funnel", async (request) => {
    const region = stringParam(request.query as Query, "region");
    return {
      regions: campaignFunnel(context.store, {
        ...(region ? { region } : {}),
        traffic: await traffic(region),
      }),
    };
  });

  app.get("/api/campaigns/members", async (request) => {
    const region = stringParam(request.query as Query, "region");
    return {
      members: campaignFollowUp(context.store, {
        ...(region ? { region } : {}),
        traffic: await traffic(region),
        limit: MEMBER_ROWS,
      }),
    };
  });
}

import type { FastifyInstance } from "fastify";
import type { WebContext } from "../context.js";
import { html } from "../html.js";
import { consolePage, HTML_TYPE } from "../layout.js";

/**
 * The console's landing page: the shell with the nav and what each page is for. The overview
 * page replaces this module when it comes.
 */
export function register(app: FastifyInstance, context: WebContext): void {
  context.nav.push({ href: "/console/", title: "Home", order: 0 });
  app.get("/console", async (_request, reply) => reply.redirect("/console/", 301));
  app.get("/console/", async (request, reply) => {
    const plan = context.plan.current();
    const demo = context.demo.current;
    const body = html`
<p>${plan ? html`Plan: <strong>${plan.isp.name}</strong>, ${plan.regions.length} regions, ${plan.pools.length} pools.` : "No plan loaded."}
${context.plan.problem ? html`<span class="error">${context.plan.problem}</span>` : ""}</p>
${demo.state === "off" ? "" : html`<p class="demo" id="demo-progress" data-state="${demo.state}">Demo data: ${demo.state}${demo.step ? html` — ${demo.step}` : ""} (${Math.round(demo.fraction * 100)}%)</p>`}
<ul class="pages">${context.nav
      .filter((entry) => entry.href !== "/console/")
      .map((entry) => html`<li><a href="${entry.href}">${entry.title}</a></li>`)}</ul>`;
    return reply.type(HTML_TYPE).send(consolePage(context, request, { title: "Console", body }));
  });
}

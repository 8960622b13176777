import type { FastifyInstance } from "fastify";
import { consoleView } from "../console/page.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";

/** The console's landing page: the programme at a glance. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get("/console", async (_request, reply) => reply.redirect("/console/", 301));
  app.get(
    "/console/",
    consoleView(
      context,
      { href: "/console/", title: "Overview", order: 0 },
      html`<p class="demo" id="demo-progress" hidden></p>
<section><h2>Phases</h2><p class="hint">Each region's open, observe and enforce periods; the line is today.</p><div class="chart" id="phases"></div></section>
<section><h2>Direct-to-MX senders per week</h2><p class="hint">Sources in dynamic space sending TCP/25 to hosts other than the relays. Dashed lines: enforcement dates.</p><div class="chart" id="direct"></div></section>
<section><h2>Adoption of authenticated submission (%)</h2><p class="hint">Mail flows on 587/465 ÷ all mail flows from dynamic space, per week.</p><div class="chart" id="adoption"></div></section>
<section><h2>Listed IPv4 addresses</h2><p class="hint">Per blacklist and snapshot date.</p><div class="chart" id="listed"></div></section>
<section><h2>Complaints per week</h2><p class="hint">By the region the reported source was in.</p><div class="chart" id="complaints"></div></section>
<section><h2>Regions</h2><div class="table" id="regions"></div></section>`,
      "console-overview.js",
    ),
  );
}

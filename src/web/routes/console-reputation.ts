import type { FastifyInstance } from "fastify";
import { consoleView } from "../console/page.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";

/** Blacklist listings and infect % by network and plan, and the complaints with their reports. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get(
    "/console/reputation",
    consoleView(
      context,
      { href: "/console/reputation", title: "Reputation & complaints", order: 40 },
      html`<section><h2>Listings</h2><form class="controls" id="listing-form"><label>By <select name="by" id="listing-by">
<option value="country">country</option><option value="asn">ASN</option><option value="pool">pool</option><option value="region">region</option></select></label>
<label>Date <select name="date" id="listing-date"></select></label></form>
<div class="chart" id="listing-bars"></div><div class="table" id="listings"></div></section>
<section><h2 id="series-title">Over time</h2><p class="hint">Pick a row above to follow it.</p><div class="chart" id="listing-series"></div><div class="chart" id="rank-series"></div></section>
<section><h2>Complaints per week</h2><form class="controls"><label>By <select id="complaints-by">
<option value="region">region</option><option value="asn">ASN</option><option value="country">country</option><option value="pool">pool</option><option value="feedback-type">feedback type</option><option value="reported-domain">reported domain</option></select></label></form>
<div class="chart" id="complaint-series"></div></section>
<section><h2>Complaints</h2><div class="table" id="complaints"></div>
<div class="detail" id="complaint-detail" hidden></div></section>`,
      "console-reputation.js",
    ),
  );
}

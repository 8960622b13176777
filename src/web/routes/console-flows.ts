import type { FastifyInstance } from "fastify";
import { consoleView } from "../console/page.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";

/** Who still sends direct to MX, who a day's blocking reaches, and the evidence per subscriber. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get(
    "/console/flows",
    consoleView(
      context,
      { href: "/console/flows", title: "Flows", order: 20 },
      html`<form class="controls" id="window-form"><label>Since <input type="date" name="since"></label>
<label>Until <input type="date" name="until"></label> <button type="submit">Show</button></form>
<section><h2>Direct-to-MX senders by class</h2><div class="chart" id="classes"></div><div class="table" id="senders"></div></section>
<section><h2>Who starts losing port 25 on a day</h2><form class="controls" id="impact-form"><label>On <input type="date" name="at" id="impact-at"></label>
<label>Senders active since <input type="date" name="since" id="impact-since"></label> <button type="submit">Show</button></form>
<p id="impact-summary"></p><div class="table" id="notify"></div>
<h3>Already blocked before that day</h3><p id="already-blocked-summary"></p><div class="table" id="already-blocked"></div></section>
<section><h2>Evidence for one subscriber or address</h2><form class="controls" id="evidence-form">
<label>Subscriber <input name="subscriber" id="evidence-subscriber"></label> <label>or address <input name="address" id="evidence-address"></label> <button type="submit">Show</button></form>
<div class="chart" id="evidence-chart"></div><div class="table" id="evidence"></div></section>`,
      "console-flows.js",
    ),
  );
}

import type { FastifyInstance } from "fastify";
import { consoleView } from "../console/page.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";

/** The address plan, the policy rendered for each kind of gear, and the next change window. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get(
    "/console/plan",
    consoleView(
      context,
      { href: "/console/plan", title: "Plan & policy", order: 10 },
      html`<p id="plan-summary"></p>
<section><h2>Address space by kind and region</h2><div class="chart" id="space-chart"></div><div class="table" id="space"></div></section>
<section><h2>Exceptions</h2><div class="table" id="exceptions"></div></section>
<section><h2>Pools</h2><div class="table" id="pools"></div></section>
<section><h2>Rendered policy</h2>
<form class="controls" id="render-form"><label>Format <select name="format" id="render-format"></select></label>
<label>On <input type="date" name="at" id="render-at"></label> <button type="submit">Render</button>
<button type="button" id="render-copy">Copy</button> <span id="render-status" role="status"></span></form>
<div id="render-files"></div></section>
<section><h2>Next change window</h2><form class="controls" id="diff-form"><label>From <input type="date" name="from" id="diff-from"></label>
<label>To <input type="date" name="to" id="diff-to"></label> <button type="submit">Compare</button></form>
<div class="table" id="diff"></div></section>`,
      "console-plan.js",
    ),
  );
}

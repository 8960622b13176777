import type { FastifyInstance } from "fastify";
import { consoleView } from "../console/page.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";

/** The honeypot's captures. Everything shown from a session is attacker data, inserted as text. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get(
    "/console/honeypot",
    consoleView(
      context,
      { href: "/console/honeypot", title: "Honeypot", order: 50 },
      html`<section><h2>Sessions and messages per day</h2><div class="chart" id="captures"></div></section>
<section><h2>Top origins</h2><form class="controls"><label>By <select id="origins-by"><option value="country">country</option><option value="asn">ASN</option></select></label></form>
<p id="abroad"></p><div class="chart" id="origins"></div></section>
<section><h2>Campaigns</h2><div class="table" id="campaigns"></div></section>
<section><h2>Sessions</h2><div class="table" id="sessions"></div><div class="detail" id="session-detail" hidden></div></section>`,
      "console-honeypot.js",
    ),
  );
}

import type { FastifyInstance } from "fastify";
import { consoleView } from "../console/page.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";

/** The submission service: traffic, refusals, held accounts and the queue, with the operator's actions. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get(
    "/console/submission",
    consoleView(
      context,
      { href: "/console/submission", title: "Submission", order: 30 },
      html`<p id="submission-summary"></p><p class="error" id="action-error" role="alert" hidden></p>
<section><h2>Traffic since the server started</h2><p class="hint">Messages accepted and refused per minute.</p><div class="chart" id="traffic"></div></section>
<section><h2>Limits hit and other refusals</h2><div class="chart" id="refusals"></div></section>
<section><h2>Held accounts</h2><p class="hint">Release: the account may send again and its held messages go out. Drop: its held messages are deleted; the account stays held.</p><div class="table" id="held"></div></section>
<section><h2>Queue</h2><div class="table" id="queue"></div></section>`,
      "console-submission.js",
    ),
  );
}

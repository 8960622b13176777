import type { FastifyInstance } from "fastify";
import { type Day, parseAddress, today, UserError } from "../../core/index.js";
import { verdictFor } from "../affected.js";
import { autoconfigOn } from "../autoconfig.js";
import type { IncomingServer } from "../config.js";
import type { WebContext } from "../context.js";
import { GUIDES, type SubmissionSettings, submissionSettings } from "../guides.js";
import { type Html, html } from "../html.js";
import { HTML_TYPE, providerName, publicPage } from "../layout.js";

const DATE = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});
const longDate = (day: Day) => DATE.format(new Date(`${day}T00:00:00Z`));

const move = (s: SubmissionSettings) =>
  html`change your mail program's <strong>outgoing server</strong> to <code>${s.host}</code>, port <code>${s.port}</code>, with your e-mail address and password (the guides below show where).`;

/** The answer to "am I affected?" for one address, in words a subscriber understands. */
function answer(context: WebContext, addressText: string, day: Day): Html {
  const plan = context.plan.current();
  if (!plan) return html`<p>We cannot check addresses right now. Please try again later.</p>`;
  let address: ReturnType<typeof parseAddress>;
  try {
    address = parseAddress(addressText);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return html`<p class="error">${addressText.slice(0, 100)} is not an IP address. Type it like 203.0.113.7 or 2001:db8::7.</p>`;
  }
  const s = submissionSettings(context);
  const provider = providerName(context);
  const verdict = verdictFor(plan, address, day);
  const subject = html`<p class="address">Address <code>${addressText.trim()}</code>:</p>`;
  switch (verdict.kind) {
    case "outside":
      return html`${subject}<p class="verdict ok">This address is not one of ${provider}'s home connections, so nothing changes for it. If your e-mail stopped working, ask whoever provides this connection.</p>`;
    case "not-dynamic":
      return html`${subject}<p class="verdict ok">This is a business or fixed connection: port 25 stays open and nothing changes for you.</p>`;
    case "exception":
      return html`${subject}<p class="verdict ok">This connection has an agreed exception${verdict.until ? html` until ${longDate(verdict.until)}` : ""}: port 25 stays open for it.</p>`;
    case "dynamic": {
      const { region, phase } = verdict;
      const enforce = longDate(region.enforceFrom);
      if (phase === "enforce")
        return html`${subject}<p class="verdict blocked">Your connection is in region <strong>${region.name}</strong>. Since <strong>${enforce}</strong>, e-mail programs on it can no longer send through port 25.</p><p>If you cannot send e-mail, ${move(s)}</p>`;
      const observing = phase === "observe";
      return html`${subject}<p class="verdict soon">Your connection is in region <strong>${region.name}</strong>. ${observing ? "Nothing is blocked yet. " : ""}From <strong>${enforce}</strong>, e-mail programs on it will no longer be able to send through port 25.</p><p>To keep sending without interruption, ${move(s)} This works already today.</p>`;
    }
  }
}

const SECURITY: Record<IncomingServer["socket"], string> = { SSL: "SSL/TLS", STARTTLS: "STARTTLS" };
const LOGIN: Record<IncomingServer["login"], string> = {
  address: "your full e-mail address",
  "local-part": "the part of your e-mail address before the @",
};

/**
 * The mailbox servers, and that new accounts set themselves up, only once they are configured:
 * until then autoconfig is off and the page gives the manual settings alone.
 */
function mailboxSettings(context: WebContext): Html | string {
  if (!autoconfigOn(context.config)) return "";
  return html`<p>Incoming mail: ${context.config.incoming.map(
    (server, i) =>
      html`${i > 0 ? ", or " : ""}${server.protocol === "imap" ? "IMAP" : "POP3"} server <code>${server.host}</code>, port <code>${server.port}</code> with ${SECURITY[server.socket]}, user name ${LOGIN[server.login]}`,
  )}.</p>
<p>Adding your e-mail to Thunderbird or Outlook? Type your address and password: they find all of these settings themselves.</p>`;
}

function home(context: WebContext, visitor: string, asked: string | undefined): string {
  const s = submissionSettings(context);
  const provider = providerName(context);
  const checked = asked ?? visitor;
  return publicPage(
    context,
    "Sending e-mail: port 25 and port 587",
    html`<h1>Can I still send e-mail?</h1>
<p>To stop infected computers from sending spam, ${provider} is closing <strong>port 25</strong> for home connections, region by region. Your e-mail keeps working: mail programs send through <strong>port ${s.port}</strong> with your password instead, as e-mail providers recommend (RFC 6409). Webmail is not affected.</p>
<section class="affected">
<h2>Am I affected?</h2>
${answer(context, checked, today())}
<form method="get" action="/">
<label>Check another address <input name="address" value="${asked ?? ""}" placeholder="${visitor}" maxlength="100" inputmode="text"></label>
<button type="submit">Check</button>
</form>
</section>
<section class="settings-summary">
<h2>The settings</h2>
<p>Outgoing server <code>${s.host}</code>, port <code>${s.port}</code> with STARTTLS (or <code>${s.tlsPort}</code> with SSL/TLS), user name your full e-mail address, and your e-mail password.</p>
${mailboxSettings(context)}
</section>
<section class="guides">
<h2>Step by step</h2>
<ul>${GUIDES.map((g) => html`<li><a href="/help/${g.slug}">${g.title}</a></li>`)}</ul>
</section>
${context.helpLinks.length ? html`<section class="more-help"><h2>More help</h2><ul>${context.helpLinks.map((l) => html`<li><a href="${l.href}">${l.title}</a> — ${l.description}</li>`)}</ul></section>` : ""}`,
  );
}

/** The public help site: "am I affected?" on the home page and one guide per mail program. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get("/", async (request, reply) => {
    const query = request.query as { address?: unknown };
    const asked =
      typeof query.address === "string" && query.address.trim() ? query.address.slice(0, 100) : undefined;
    return reply.type(HTML_TYPE).send(home(context, request.ip, asked));
  });
  for (const guide of GUIDES) {
    app.get(`/help/${guide.slug}`, async (_request, reply) =>
      reply.type(HTML_TYPE).send(
        publicPage(
          context,
          guide.title,
          html`<p><a href="/">← Back</a></p>
<h1>${guide.title}: send e-mail through port ${context.config.submission_port}</h1>
<ol class="steps">${guide.steps(submissionSettings(context)).map((step) => html`<li>${step}</li>`)}</ol>`,
        ),
      ),
    );
  }
}

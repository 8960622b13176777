import type { FastifyInstance } from "fastify";
import { type Day, parseAddress, today, UserError } from "../../core/index.js";
import { verdictFor } from "../affected.js";
import { autoconfigOn } from "../autoconfig.js";
import type { IncomingServer } from "../config.js";
import type { HelpWords, WebContext } from "../context.js";
import { GUIDES, guideSteps, type SubmissionSettings, submissionSettings } from "../guides.js";
import { type Html, html } from "../html.js";
import { HTML_TYPE, publicPage } from "../layout.js";
import { type PageText, pageText } from "../page-text.js";

const where = (s: SubmissionSettings) => ({ host: s.host, port: String(s.port) });

/** The answer to "am I affected?" for one address, in words a subscriber understands. */
function answer(context: WebContext, text: PageText, addressText: string, day: Day): Html {
  const plan = context.plan.current();
  if (!plan) return html`<p>${text.t("answer.unavailable")}</p>`;
  let address: ReturnType<typeof parseAddress>;
  try {
    address = parseAddress(addressText);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return html`<p class="error">${text.t("answer.notAnAddress", { typed: addressText.slice(0, 100) })}</p>`;
  }
  const s = submissionSettings(context);
  const verdict = verdictFor(plan, address, day);
  const subject = html`<p class="address">${text.t("answer.address", { address: addressText.trim() })}</p>`;
  switch (verdict.kind) {
    case "outside":
      return html`${subject}<p class="verdict ok">${text.t("answer.outside", { provider: text.provider })}</p>`;
    case "not-dynamic":
      return html`${subject}<p class="verdict ok">${text.t("answer.notDynamic")}</p>`;
    case "exception":
      return html`${subject}<p class="verdict ok">${
        verdict.until
          ? text.t("answer.exceptionUntil", { date: text.messages.date(verdict.until) })
          : text.t("answer.exception")
      }</p>`;
    case "dynamic": {
      const { region, phase } = verdict;
      const facts = { region: region.name, date: text.messages.date(region.enforceFrom) };
      if (phase === "enforce")
        return html`${subject}<p class="verdict blocked">${text.t("answer.blocked", facts)}</p><p>${text.t("answer.blockedMove", where(s))}</p>`;
      const observing = phase === "observe" ? "yes" : "no";
      return html`${subject}<p class="verdict soon">${text.t("answer.soon", { ...facts, observing })}</p><p>${text.t("answer.soonMove", where(s))}</p>`;
    }
  }
}

const SECURITY: Record<IncomingServer["socket"], string> = { SSL: "SSL/TLS", STARTTLS: "STARTTLS" };

/**
 * The mailbox servers, and that new accounts set themselves up, only once they are configured:
 * until then autoconfig is off and the page gives the manual settings alone.
 */
function mailboxSettings(context: WebContext, text: PageText): Html | string {
  if (!autoconfigOn(context.config)) return "";
  const servers = context.config.incoming.map((server) =>
    text.t("home.settings.incomingServer", {
      protocol: server.protocol === "imap" ? "IMAP" : "POP3",
      host: server.host,
      port: String(server.port),
      security: SECURITY[server.socket],
      login: text.t(
        server.login === "address" ? "home.settings.loginAddress" : "home.settings.loginLocalPart",
      ),
    }),
  );
  return html`<p>${text.t("home.settings.incoming", { servers: html`${text.messages.list(servers, "disjunction")}` })}</p>
<p>${text.t("home.settings.automatic")}</p>`;
}

const words = (text: PageText, w: HelpWords) => (typeof w === "string" ? w : text.text(w.message));

function home(context: WebContext, text: PageText, visitor: string, asked: string | undefined): string {
  const s = submissionSettings(context);
  const checked = asked ?? visitor;
  return publicPage(
    context,
    text.text("home.title", { port: String(s.port) }),
    html`<h1>${text.t("home.heading")}</h1>
<p>${text.t("home.intro", { provider: text.provider, port: String(s.port) })}</p>
<section class="affected">
<h2>${text.t("home.affected.heading")}</h2>
${answer(context, text, checked, today())}
<form method="get" action="/">
<label>${text.t("home.affected.another")} <input name="address" value="${asked ?? ""}" placeholder="${visitor}" maxlength="100" inputmode="text"></label>
<button type="submit">${text.t("home.affected.check")}</button>
</form>
</section>
<section class="settings-summary">
<h2>${text.t("home.settings.heading")}</h2>
<p>${text.t("home.settings.outgoing", { ...where(s), tlsPort: String(s.tlsPort) })}</p>
${mailboxSettings(context, text)}
</section>
<section class="guides">
<h2>${text.t("home.guides.heading")}</h2>
<ul>${GUIDES.map((g) => html`<li><a href="/help/${g.slug}">${text.t(g.title)}</a></li>`)}</ul>
</section>
${context.helpLinks.length ? html`<section class="more-help"><h2>${text.t("home.moreHelp.heading")}</h2><ul>${context.helpLinks.map((l) => html`<li><a href="${l.href}">${words(text, l.title)}</a> — ${words(text, l.description)}</li>`)}</ul></section>` : ""}`,
    text,
  );
}

/** The public help site: "am I affected?" on the home page and one guide per mail program. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get("/", async (request, reply) => {
    const query = request.query as { address?: unknown };
    const asked =
      typeof query.address === "string" && query.address.trim() ? query.address.slice(0, 100) : undefined;
    return reply.type(HTML_TYPE).send(home(context, pageText(context, request), request.ip, asked));
  });
  for (const guide of GUIDES) {
    app.get(`/help/${guide.slug}`, async (request, reply) => {
      const text = pageText(context, request);
      const s = submissionSettings(context);
      const program = text.text(guide.title);
      return reply.type(HTML_TYPE).send(
        publicPage(
          context,
          program,
          html`<p><a href="/">${text.t("site.back")}</a></p>
<h1>${text.t("guide.heading", { program, port: String(s.port) })}</h1>
<ol class="steps">${guideSteps(text, guide, s).map((step) => html`<li>${step}</li>`)}</ol>`,
          text,
        ),
      );
    });
  }
}

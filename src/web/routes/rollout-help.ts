/**
 * The help site's "I can't send e-mail since…" form: a subscriber's report becomes a noise record
 * (category user-report) of the organisation whose plan holds the visitor's address, else of the
 * programme's default organisation. No account, so: a per-form token in a signed cookie, a
 * same-origin check, bounded fields and a rate limit. The visitor's address picks the
 * organisation and region and is not stored; a keyed tag of its /24 or /48 is, so an alert can
 * say how many networks its reports came from.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  addDays,
  clientNetwork,
  type Day,
  formatPrefix,
  networkOf,
  parseAddress,
  parseIpv4,
  today,
  tryParseDay,
  UserError,
} from "../../core/index.js";
import { poolTable } from "../../plan/index.js";
import { listRegions, readSettings, recordHelpFormNoise } from "../../rollout/index.js";
import type { WebContext } from "../context.js";
import { readCookie } from "../cookies.js";
import { html } from "../html.js";
import { HTML_TYPE, publicPage } from "../layout.js";

export const HELP_FORM = "/cannot-send";
const COOKIE = "porteiro_help_form";
const MAX_NOTE = 500;
/** How far back "since" may go: older trouble is not about the change. */
const MAX_DAYS_BACK = 60;
const HOUR_MS = 3_600_000;
const PER_ADDRESS_PER_HOUR = 3;
const ALL_PER_HOUR = 200;

/** Sliding-hour counts per visitor address and overall, in memory: a restart forgets them. */
class RateLimit {
  private readonly seen = new Map<string, number[]>();
  private all: number[] = [];

  allow(address: string, now = Date.now()): boolean {
    const since = now - HOUR_MS;
    this.all = this.all.filter((t) => t > since);
    if (this.all.length >= ALL_PER_HOUR) return false;
    const times = (this.seen.get(address) ?? []).filter((t) => t > since);
    if (times.length >= PER_ADDRESS_PER_HOUR) return false;
    times.push(now);
    this.all.push(now);
    this.seen.set(address, times);
    if (this.seen.size > 10 * ALL_PER_HOUR)
      for (const [key, list] of this.seen) if (!list.some((t) => t > since)) this.seen.delete(key);
    return true;
  }
}

/** The IPv4 /24 or IPv6 /48 around an address: the many addresses one network holds count together. */
function widerNetwork(address: string): string {
  const client = clientNetwork(address);
  if (client.includes(":")) return clientNetwork(address, 48);
  return formatPrefix(networkOf({ family: 4, start: parseIpv4(client), length: 24 }));
}

/** The form token is random per page view; the cookie carries it with an HMAC under a per-process key. */
class FormTokens {
  private readonly key = randomBytes(32);

  issue(): { token: string; cookie: string } {
    const token = randomBytes(18).toString("base64url");
    return { token, cookie: `${token}.${this.mac(token)}` };
  }

  check(cookie: string | undefined, field: unknown): boolean {
    if (!cookie || typeof field !== "string") return false;
    const [token, mac] = cookie.split(".");
    if (!token || !mac || token !== field) return false;
    const expected = Buffer.from(this.mac(token));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(token: string): string {
    return createHmac("sha256", this.key).update(token).digest("base64url");
  }
}

/** A browser always names the page a form was sent from: it must be this site's. */
function fromOurPage(request: FastifyRequest): boolean {
  const claimed = request.headers.origin ?? request.headers.referer;
  if (!claimed) return false;
  try {
    return new URL(claimed).host === request.headers.host;
  } catch {
    return false;
  }
}

/** The organisation and region a visitor's report goes to. */
function ownerOf(
  context: WebContext,
  address: string,
): { orgId: string; regionId: string | null } | undefined {
  const settings = readSettings(context.store);
  const plan = context.plan.current();
  let pool: ReturnType<ReturnType<typeof poolTable>["lookup"]>;
  try {
    pool = plan ? poolTable(plan).lookup(parseAddress(address)) : undefined;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
  if (pool && settings.plan_org) {
    const known = listRegions(context.store).some((r) => r.id === pool.region);
    return { orgId: settings.plan_org, regionId: known ? (pool.region ?? null) : null };
  }
  return settings.default_org ? { orgId: settings.default_org, regionId: null } : undefined;
}

function formPage(context: WebContext, token: string, message?: string): string {
  const day = today();
  return publicPage(
    context,
    "I can't send e-mail since…",
    html`<p><a href="/">← Back</a></p>
<h1>I can't send e-mail since…</h1>
<p>Port 25 is being closed for home connections, region by region. If your e-mail stopped sending, the <a href="/">guides</a> show the one setting to change. Tell us here too: we count these reports to watch how the change goes. We do not store your address or ask who you are.</p>
${message ? html`<p class="error" role="alert">${message}</p>` : ""}
<form method="post" action="${HELP_FORM}" class="noise-report">
<input type="hidden" name="_form" value="${token}">
<label>Since when? <input type="date" name="since" min="${addDays(day, -MAX_DAYS_BACK)}" max="${day}"></label>
<label>What happens? (optional, at most ${MAX_NOTE} characters) <textarea name="note" maxlength="${MAX_NOTE}" rows="4"></textarea></label>
<button type="submit">Send</button>
</form>`,
  );
}

function showForm(
  context: WebContext,
  tokens: FormTokens,
  reply: FastifyReply,
  status = 200,
  message?: string,
) {
  const { token, cookie } = tokens.issue();
  const secure = context.config.secure_cookies ? "; Secure" : "";
  reply.header(
    "set-cookie",
    `${COOKIE}=${cookie}; Path=${HELP_FORM}; HttpOnly; SameSite=Strict; Max-Age=3600${secure}`,
  );
  return reply
    .code(status)
    .type(HTML_TYPE)
    .send(formPage(context, token, message));
}

function sinceDay(value: unknown): Day {
  const day = today();
  const given = typeof value === "string" ? tryParseDay(value) : undefined;
  return given && given <= day && given >= addDays(day, -MAX_DAYS_BACK) ? given : day;
}

export function register(app: FastifyInstance, context: WebContext): void {
  const tokens = new FormTokens();
  const limit = new RateLimit();
  context.helpLinks.push({
    href: HELP_FORM,
    title: "I can't send e-mail since…",
    description: "tell us when sending stopped working; it helps us watch the change",
  });
  app.get(HELP_FORM, async (_request, reply) => showForm(context, tokens, reply));
  app.post(HELP_FORM, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    if (!fromOurPage(request) || !tokens.check(readCookie(request.headers.cookie, COOKIE), form._form))
      return showForm(context, tokens, reply, 403, "This form expired. Please send it again.");
    const note = typeof form.note === "string" ? form.note.trim() : "";
    if (note.length > MAX_NOTE)
      return showForm(context, tokens, reply, 400, `Please keep it to ${MAX_NOTE} characters.`);
    if (!limit.allow(request.ip))
      return showForm(
        context,
        tokens,
        reply,
        429,
        "We have received several reports from you already. Thank you.",
      );
    const owner = ownerOf(context, request.ip);
    if (!owner)
      return showForm(
        context,
        tokens,
        reply,
        503,
        "Reports cannot be taken here yet. Please call your provider.",
      );
    recordHelpFormNoise(context.store, {
      ...owner,
      day: sinceDay(form.since),
      note: note || null,
      network: widerNetwork(request.ip),
    });
    return reply
      .type(HTML_TYPE)
      .send(
        publicPage(
          context,
          "Thank you",
          html`<h1>Thank you</h1><p>Your report is counted. To send e-mail again, follow the <a href="/">guide for your mail program</a>: it takes a minute.</p>`,
        ),
      );
  });
}

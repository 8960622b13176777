/**
 * The help site's "I can't send e-mail since…" form: a subscriber's report becomes a noise record
 * (category user-report) of the organisation whose plan holds the visitor's address, else of the
 * programme's default organisation. No account, so: a per-form token in a signed cookie, a
 * same-origin check, bounded fields and hourly limits per subscriber, per network and per region
 * (HELP_FORM_LIMITS). The visitor's address picks the organisation and region and is not stored;
 * a keyed tag of its /24 or /48 is, so an alert can say how many networks its reports came from.
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
import type { MessageId } from "../../i18n/index.js";
import { poolTable } from "../../plan/index.js";
import { listRegions, readSettings, recordHelpFormNoise } from "../../rollout/index.js";
import type { WebContext } from "../context.js";
import { readCookie } from "../cookies.js";
import { type Html, html } from "../html.js";
import { HTML_TYPE, publicPage } from "../layout.js";
import { linkTo, type PageText, pageText } from "../page-text.js";

export const HELP_FORM = "/cannot-send";
const COOKIE = "porteiro_help_form";
const MAX_NOTE = 500;
/** How far back "since" may go: older trouble is not about the change. */
const MAX_DAYS_BACK = 60;
const HOUR_MS = 3_600_000;

/**
 * Reports taken per sliding hour: from one subscriber's network (IPv4 address, IPv6 /56) 3; from
 * one wider network (IPv4 /24, IPv6 /48), all its addresses together, 10 — a twentieth of a
 * region's budget, so spending one takes 20 networks; for each owner region (the organisation
 * and plan region a report goes to, with addresses outside the plan as one more) 200, so a flood
 * spends its own region's budget and never another's.
 */
export const HELP_FORM_LIMITS = { clientNetwork: 3, widerNetwork: 10, region: 200 } as const;
/** Keys kept per limit, the least recently used dropped beyond it: memory stays bounded under any flood. */
const MAX_KEYS = 10_000;

/**
 * Times of the last hour's reports taken, per key, in memory: a restart forgets them. Only taken
 * reports add keys, and the region budgets bound those, so a flood of refused tries adds none.
 */
class HourlyCounts {
  private readonly times = new Map<string, number[]>();

  constructor(private readonly limit: number) {}

  /** Milliseconds until `key` may take another report: 0 when it may now. */
  wait(key: string, now: number): number {
    const recent = this.recent(key, now);
    return recent.length < this.limit ? 0 : (recent[0] as number) + HOUR_MS - now;
  }

  take(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.times.delete(key); // re-inserted last: the map stays in order of use
    this.times.set(key, recent);
    if (this.times.size > MAX_KEYS) this.times.delete(this.times.keys().next().value as string);
  }

  private recent(key: string, now: number): number[] {
    return (this.times.get(key) ?? []).filter((t) => t > now - HOUR_MS);
  }
}

/** Who a report is counted against, from the narrowest key to the widest. */
interface FormKeys {
  readonly clientNetwork: string;
  readonly widerNetwork: string;
  readonly region: string;
}

/** The three limits together: a report is taken by all of them or by none. */
class FormLimits {
  private readonly counts = {
    clientNetwork: new HourlyCounts(HELP_FORM_LIMITS.clientNetwork),
    widerNetwork: new HourlyCounts(HELP_FORM_LIMITS.widerNetwork),
    region: new HourlyCounts(HELP_FORM_LIMITS.region),
  };

  /** Takes one report, or says which limit refused it and for how many seconds. */
  take(keys: FormKeys, now = Date.now()): { refusedBy: keyof FormKeys; seconds: number } | undefined {
    const levels = Object.keys(this.counts) as (keyof FormKeys)[];
    for (const level of levels) {
      const wait = this.counts[level].wait(keys[level], now);
      if (wait > 0) return { refusedBy: level, seconds: Math.ceil(wait / 1000) };
    }
    for (const level of levels) this.counts[level].take(keys[level], now);
    return undefined;
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

/** The organisation and region a visitor's report goes to, and the budget it is counted against. */
function ownerOf(
  context: WebContext,
  address: string,
): { orgId: string; regionId: string | null; budget: string } | undefined {
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
    const regionId = known ? (pool.region ?? null) : null;
    return { orgId: settings.plan_org, regionId, budget: `plan ${pool.region ?? ""}` };
  }
  return settings.default_org
    ? { orgId: settings.default_org, regionId: null, budget: "outside" }
    : undefined;
}

function formPage(context: WebContext, text: PageText, token: string, message?: Html): string {
  const day = today();
  return publicPage(
    context,
    text.text("cannotSend.title"),
    html`<p><a href="/">${text.t("site.back")}</a></p>
<h1>${text.t("cannotSend.title")}</h1>
<p>${text.t("cannotSend.intro", { guides: linkTo("/") })}</p>
${message ? html`<p class="error" role="alert">${message}</p>` : ""}
<form method="post" action="${HELP_FORM}" class="noise-report">
<input type="hidden" name="_form" value="${token}">
<label>${text.t("cannotSend.since")} <input type="date" name="since" min="${addDays(day, -MAX_DAYS_BACK)}" max="${day}"></label>
<label>${text.t("cannotSend.note", { max: MAX_NOTE })} <textarea name="note" maxlength="${MAX_NOTE}" rows="4"></textarea></label>
<button type="submit">${text.t("cannotSend.send")}</button>
</form>`,
    text,
  );
}

/** The form again, with a fresh token, and why the last one was not taken. */
function showForm(
  context: WebContext,
  tokens: FormTokens,
  request: FastifyRequest,
  reply: FastifyReply,
  refusal?: { status: number; message: MessageId; values?: Record<string, number> },
) {
  const { token, cookie } = tokens.issue();
  const secure = context.config.secure_cookies ? "; Secure" : "";
  reply.header(
    "set-cookie",
    `${COOKIE}=${cookie}; Path=${HELP_FORM}; HttpOnly; SameSite=Strict; Max-Age=3600${secure}`,
  );
  const text = pageText(context, request);
  return reply
    .code(refusal?.status ?? 200)
    .type(HTML_TYPE)
    .send(formPage(context, text, token, refusal && text.t(refusal.message, refusal.values)));
}

function sinceDay(value: unknown): Day {
  const day = today();
  const given = typeof value === "string" ? tryParseDay(value) : undefined;
  return given && given <= day && given >= addDays(day, -MAX_DAYS_BACK) ? given : day;
}

export function register(app: FastifyInstance, context: WebContext): void {
  const tokens = new FormTokens();
  const limits = new FormLimits();
  context.helpLinks.push({
    href: HELP_FORM,
    title: { message: "cannotSend.title" },
    description: { message: "cannotSend.linkDescription" },
  });
  app.get(HELP_FORM, async (request, reply) => showForm(context, tokens, request, reply));
  app.post(HELP_FORM, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    if (!fromOurPage(request) || !tokens.check(readCookie(request.headers.cookie, COOKIE), form._form))
      return showForm(context, tokens, request, reply, { status: 403, message: "cannotSend.expired" });
    const note = typeof form.note === "string" ? form.note.trim() : "";
    if (note.length > MAX_NOTE)
      return showForm(context, tokens, request, reply, {
        status: 400,
        message: "cannotSend.tooLong",
        values: { max: MAX_NOTE },
      });
    // A dual-stack listener sees an IPv4 visitor as ::ffff:a.b.c.d; the plan holds a.b.c.d.
    const client = clientNetwork(request.ip);
    const owner = ownerOf(context, client.includes(":") ? request.ip : client);
    if (!owner)
      return showForm(context, tokens, request, reply, { status: 503, message: "cannotSend.unavailable" });
    const network = widerNetwork(request.ip);
    const refused = limits.take({ clientNetwork: client, widerNetwork: network, region: owner.budget });
    if (refused) {
      reply.header("retry-after", String(refused.seconds));
      return showForm(context, tokens, request, reply, {
        status: 429,
        message: refused.refusedBy === "region" ? "cannotSend.regionBusy" : "cannotSend.networkBusy",
      });
    }
    const { orgId, regionId } = owner;
    recordHelpFormNoise(context.store, {
      orgId,
      regionId,
      day: sinceDay(form.since),
      note: note || null,
      network,
    });
    const text = pageText(context, request);
    return reply
      .type(HTML_TYPE)
      .send(
        publicPage(
          context,
          text.text("cannotSend.thanks.title"),
          html`<h1>${text.t("cannotSend.thanks.title")}</h1><p>${text.t("cannotSend.thanks.body", { guides: linkTo("/") })}</p>`,
          text,
        ),
      );
  });
}

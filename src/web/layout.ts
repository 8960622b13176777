import type { FastifyRequest } from "fastify";
import { CSRF_FIELD } from "./auth.js";
import type { NavEntry, WebContext } from "./context.js";
import { Html, html } from "./html.js";
import { PageText } from "./page-text.js";
import { inProgrammeArea, PROGRAMME_HOME } from "./programme-staff.js";
import { hasRole } from "./roles.js";

export const HTML_TYPE = "text/html; charset=utf-8";

/** The name subscribers know the ISP by. */
export function providerName(context: WebContext): string {
  return context.config.provider_name ?? context.plan.current()?.isp.name ?? "your Internet provider";
}

function document(title: string, body: Html, head: Html = new Html(""), language = "en"): Html {
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/static/style.css">
${head}
</head>
${body}
</html>
`;
}

/**
 * A page of the public help site, in the language of `text` with a switcher to the others; without
 * `text`, in English (pages not translated yet).
 */
export function publicPage(context: WebContext, title: string, main: Html, text?: PageText): string {
  const words = text ?? new PageText(context.catalogues.of("en"), "/", context);
  const provider = words.provider;
  const contact = context.config.support_contact;
  return document(
    `${title} · ${provider}`,
    html`<body class="public">
<header><a class="brand" href="/">${words.t("site.brand", { provider })}</a>${text ? text.switcher() : ""}</header>
<main>
${main}
</main>
<footer>${contact ? words.t("site.stillStuck", { contact }) : ""}</footer>
</body>`,
    undefined,
    words.messages.language,
  ).text;
}

export interface ConsolePage {
  readonly title: string;
  readonly body: Html;
  /** Extra scripts under /static/, loaded after console.js (no inline scripts: the CSP forbids them). */
  readonly scripts?: readonly string[];
  /** ES modules under /static/, loaded after the scripts. */
  readonly modules?: readonly string[];
  /** Extra stylesheets, after style.css. */
  readonly styles?: readonly string[];
}

function navOf(entries: readonly NavEntry[], request: FastifyRequest): Html {
  const session = request.session;
  const path = request.url.split("?")[0];
  const shown = entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => !entry.role || (session && hasRole(session.role, entry.role)))
    .filter(({ entry }) => !request.programmeStaff || inProgrammeArea([entry.href]))
    .sort((a, b) => (a.entry.order ?? 0) - (b.entry.order ?? 0) || a.index - b.index);
  return html`<nav><ul>${shown.map(
    ({ entry }) =>
      html`<li><a href="${entry.href}"${entry.href === path ? html` aria-current="page"` : ""}>${entry.title}</a></li>`,
  )}</ul></nav>`;
}

/** A hidden field with the session's CSRF token, for every console form that changes something. */
export function csrfField(request: FastifyRequest): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${request.session?.csrfToken ?? ""}">`;
}

/**
 * A console page in the shell: header with the operator and logout, the nav, the body. The CSRF
 * token is in a meta tag for /static/console.js's `porteiro.api()`.
 */
export function consolePage(context: WebContext, request: FastifyRequest, page: ConsolePage): string {
  const session = request.session;
  const scripts = ["/static/console.js", ...(page.scripts ?? [])];
  return document(
    `${page.title} · porteiro`,
    html`<body class="console">
<header>
<a class="brand" href="${request.programmeStaff ? PROGRAMME_HOME : "/console/"}">porteiro · ${providerName(context)}</a>
<form class="logout" method="post" action="/console/logout">${csrfField(request)}
<span>${session?.username} (${session?.role})</span> <button type="submit">Log out</button>
</form>
</header>
${navOf(context.nav, request)}
<main>
<h1>${page.title}</h1>
${page.body}
</main>
</body>`,
    html`<meta name="csrf-token" content="${session?.csrfToken ?? ""}">
${(page.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
${(page.modules ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}`,
  ).text;
}

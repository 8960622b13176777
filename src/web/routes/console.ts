import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { endSession, LOGIN_PAGE, startSession } from "../auth.js";
import type { WebContext } from "../context.js";
import { html } from "../html.js";
import { HTML_TYPE, providerName } from "../layout.js";

/**
 * Where to go after logging in: a console path written only in the characters a URL's path and
 * query may hold unescaped: never another site, and never a CR/LF that would break the Location header.
 */
const CONSOLE_PATH = /^\/console\/(?![/\\])[\w\-.~!$&'()*+,;=:@%/?]*$/;

function safeNext(next: unknown): string {
  return typeof next === "string" && next.length <= 2048 && CONSOLE_PATH.test(next) ? next : "/console/";
}

function loginPage(context: WebContext, next: string, message?: string): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · porteiro</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body class="console login">
<main>
<h1>porteiro · ${providerName(context)}</h1>
${message ? html`<p class="error" role="alert">${message}</p>` : ""}
<form method="post" action="${LOGIN_PAGE}">
<input type="hidden" name="next" value="${next}">
<label>Operator <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>
</main>
</body>
</html>
`.text;
}

type LoginForm = { username?: unknown; password?: unknown; next?: unknown };

async function login(context: WebContext, request: FastifyRequest, reply: FastifyReply) {
  const form = (request.body ?? {}) as LoginForm;
  const next = safeNext(form.next);
  const username = typeof form.username === "string" ? form.username : "";
  const password = typeof form.password === "string" ? form.password : "";
  const result = await context.logins.attempt(username, password, request.ip);
  if (result.ok) {
    startSession(reply, context, result.id);
    context.logger.info({ operator: result.session.username, ip: request.ip }, "operator logged in");
    return reply.redirect(next, 303);
  }
  context.logger.warn(
    { operator: username.slice(0, 64), ip: request.ip, reason: result.reason },
    "login refused",
  );
  if (result.reason !== "invalid") {
    reply.header("retry-after", String(result.retryAfterSeconds));
    const why =
      result.reason === "locked"
        ? "Too many failed logins. Wait a while and try again."
        : "Too many logins in progress. Wait a moment and try again.";
    return reply
      .code(429)
      .type(HTML_TYPE)
      .send(loginPage(context, next, why));
  }
  return reply
    .code(401)
    .type(HTML_TYPE)
    .send(loginPage(context, next, "Wrong operator name or password."));
}

/** The console's login page, the login form's post and the logout. */
export function register(app: FastifyInstance, context: WebContext): void {
  const open = { access: { public: true } };
  app.get(LOGIN_PAGE, { config: open }, async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (request.session) return reply.redirect(next, 303);
    return reply.type(HTML_TYPE).send(loginPage(context, next));
  });
  app.post(LOGIN_PAGE, { config: open }, (request, reply) => login(context, request, reply));
  app.post("/console/logout", { config: { access: { role: "read-only" } } }, async (request, reply) => {
    endSession(request, reply, context);
    return reply.redirect(LOGIN_PAGE, 303);
  });
}

import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebContext } from "./context.js";
import { readCookie, sessionCookie } from "./cookies.js";
import type { Role } from "./operators.js";
import { inProgrammeArea, markProgrammeStaff, PROGRAMME_HOME } from "./programme-staff.js";
import { hasRole } from "./roles.js";
import type { Session } from "./sessions.js";

export const SESSION_COOKIE = "porteiro_session";
export const CSRF_HEADER = "x-csrf-token";
/** The hidden field console forms carry the CSRF token in. */
export const CSRF_FIELD = "_csrf";
export const LOGIN_PAGE = "/console/login";

declare module "fastify" {
  interface FastifyRequest {
    /** The operator's session, when the request carries a live one. */
    session: Session | null;
    sessionId: string | null;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const under = (path: string, area: string) => path === area || path.startsWith(`${area}/`);
const isApi = (path: string) => under(path, "/api");
const isConsole = (path: string) => under(path, "/console");

/** The paths a guard looks at: the route matched (after the router's decoding) and the raw path. */
function pathsOf(request: FastifyRequest): string[] {
  const raw = request.url.split("?")[0] ?? "";
  const route = request.routeOptions.url;
  return route === undefined ? [raw] : [route, raw];
}

const guarded = (request: FastifyRequest) => pathsOf(request).some((p) => isApi(p) || isConsole(p));
const wantsJson = (request: FastifyRequest) => pathsOf(request).some(isApi);

function deny(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, message: string) {
  if (wantsJson(request)) return reply.code(status).send({ error: message });
  if (status === 401 && request.method === "GET") {
    const next = encodeURIComponent(request.url);
    return reply.redirect(`${LOGIN_PAGE}?next=${next}`, 302);
  }
  return reply.code(status).type("text/plain; charset=utf-8").send(`${message}\n`);
}

function equalTokens(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function csrfTokenOf(request: FastifyRequest): unknown {
  const header = request.headers[CSRF_HEADER];
  if (header !== undefined) return header;
  const body = request.body;
  return body && typeof body === "object" ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
}

/**
 * A change must come from a page of this server: when the browser names the page's origin
 * (Origin, or else Referer) its host must be ours. Host only, so a TLS proxy in front still matches.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const claimed = request.headers.origin ?? request.headers.referer;
  if (claimed === undefined) return true;
  try {
    return new URL(claimed).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * Default deny for `/console/` and `/api/`: a session for everything not marked public, a role
 * above read-only and a CSRF token for every change, and a same-origin check on every change.
 */
export function installAuth(app: FastifyInstance, context: WebContext): void {
  app.decorateRequest("session", null);
  app.decorateRequest("sessionId", null);
  app.decorateRequest("programmeStaff", null);

  app.addHook("onRequest", async (request, reply) => {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (id && SESSION_ID.test(id)) {
      const session = context.sessions.find(id);
      if (session) {
        request.session = session;
        request.sessionId = id;
      }
    }
    if (!guarded(request) || request.routeOptions.config?.access?.public) return;
    if (!request.session) return deny(request, reply, 401, "login required");
  });

  app.addHook("preHandler", async (request, reply) => {
    if (!guarded(request)) return;
    const unsafe = !SAFE_METHODS.has(request.method);
    if (unsafe && !sameOrigin(request)) return deny(request, reply, 403, "cross-site request refused");
    const access = request.routeOptions.config?.access;
    if (access?.public) return;
    const session = request.session as Session;
    if (unsafe && !equalTokens(csrfTokenOf(request), session.csrfToken)) {
      return deny(request, reply, 403, "missing or wrong CSRF token");
    }
    const needed: Role = access?.role ?? (unsafe ? "operator" : "read-only");
    if (!hasRole(session.role, needed)) return deny(request, reply, 403, `needs the ${needed} role`);
    markProgrammeStaff(request, context);
    const paths = pathsOf(request);
    if (request.programmeStaff && !inProgrammeArea(paths)) {
      if (request.method === "GET" && paths.every((p) => p === "/console/"))
        return reply.redirect(PROGRAMME_HOME, 303);
      return deny(
        request,
        reply,
        403,
        `this area is for this installation's own operators; ${session.username} takes part in the programme as ${request.programmeStaff}`,
      );
    }
  });
}

/** Sets the session cookie after a login. */
export function startSession(reply: FastifyReply, context: WebContext, id: string): void {
  reply.header(
    "set-cookie",
    sessionCookie(SESSION_COOKIE, id, {
      secure: context.config.secure_cookies,
      maxAge: Math.floor(context.config.session_hours * 3600),
    }),
  );
}

/** Ends the request's session in the store and in the browser. */
export function endSession(request: FastifyRequest, reply: FastifyReply, context: WebContext): void {
  if (request.sessionId) context.sessions.destroy(request.sessionId);
  reply.header(
    "set-cookie",
    sessionCookie(SESSION_COOKIE, "", { secure: context.config.secure_cookies, maxAge: 0 }),
  );
}

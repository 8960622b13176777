/**
 * The programme's JSON API under /api/rollout/. Reading needs a console session and shows what
 * the programme's read rule allows (src/rollout/access.ts): public data to every session, the
 * rest to its organisation's people, coordinators and observers. Every change also passes its
 * write rule: coordinators change everything, an organisation's people only its data, observers
 * nothing. Every list answers a page, {"items": [...], "next": cursor or null}, in its order or one
 * named by `sort` (src/rollout/paging.ts).
 * POST /api/rollout/reports also takes an organisation's signed push, which carries no
 * session and proves itself by signature.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { today } from "../../core/index.js";
import {
  type Actor,
  actorOf,
  changeSettings,
  createCommitment,
  createDocument,
  createOrg,
  createPerson,
  createRegion,
  deleteCalendarEntry,
  deleteCommitment,
  deleteDocument,
  deleteNoise,
  deleteOrg,
  deletePerson,
  deleteRegion,
  documentFile,
  enterReport,
  type FilterName,
  isSignedPush,
  MAX_DOCUMENT_BYTES,
  organisationView,
  pageCalendar,
  pageCommitments,
  pageDocuments,
  pageNoise,
  pageOrgs,
  pagePeople,
  pageRegions,
  pageReports,
  pageRequest,
  programmePage,
  publishReport,
  RolloutError,
  readSettingsAs,
  receivePush,
  recordNoise,
  setCalendarEntry,
  updateCommitment,
  updateDocument,
  updateNoise,
  updateOrg,
  updatePerson,
} from "../../rollout/index.js";
import { CSRF_FIELD, CSRF_HEADER } from "../auth.js";
import type { WebContext } from "../context.js";
import { hasRole } from "../roles.js";

type Params = Record<string, string>;

/** A document's file comes base64-encoded in JSON: 4/3 of the largest file, and room for the rest. */
const DOCUMENT_BODY_LIMIT = Math.ceil((MAX_DOCUMENT_BYTES * 4) / 3) + 64 * 1024;

const params = (request: FastifyRequest) => request.params as Params;

const ALL_FILTERS: readonly FilterName[] = ["org", "region", "phase", "from", "to"];

/** The page of a list the query asks for (limit, cursor, the filters the list takes). */
const page = (request: FastifyRequest, accepts: readonly FilterName[], list: string) =>
  pageRequest(request.query, accepts, list, today());

/** A numeric id from the path; anything else names nothing. */
function numericId(request: FastifyRequest): number {
  const text = params(request).id ?? "";
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw new RolloutError(404, `no such record ${text.slice(0, 20)}`);
  return Number(text);
}

const actor = (context: WebContext, request: FastifyRequest): Actor =>
  actorOf(context.store, request.session?.username ?? "");

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The checks the default guard makes for a console change, made here for the one route that is
 * public so that signed pushes reach it: a session, its CSRF token, a role above read-only.
 */
function requireConsoleChange(request: FastifyRequest): void {
  const session = request.session;
  if (!session) throw new RolloutError(401, "login required, or send a signed push");
  const body = request.body as Record<string, unknown> | undefined;
  const token = request.headers[CSRF_HEADER] ?? body?.[CSRF_FIELD];
  if (!sameToken(token, session.csrfToken)) throw new RolloutError(403, "missing or wrong CSRF token");
  if (!hasRole(session.role, "operator")) throw new RolloutError(403, "needs the operator role");
}

/** The body without the CSRF field a console form may carry. */
function input(request: FastifyRequest): unknown {
  const body = request.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  const { [CSRF_FIELD]: _token, ...rest } = body as Record<string, unknown>;
  return rest;
}

function receiveReports(context: WebContext, request: FastifyRequest, reply: FastifyReply) {
  if (isSignedPush(request.body)) {
    const accepted = receivePush(context.store, request.body);
    context.logger.info({ org: accepted.org, reports: accepted.reports.length }, "signed push accepted");
    return reply.code(201).send(accepted);
  }
  requireConsoleChange(request);
  return reply.code(201).send(enterReport(context.store, actor(context, request), input(request)));
}

export function register(app: FastifyInstance, context: WebContext): void {
  const { store } = context;
  const who = (request: FastifyRequest) => actor(context, request);
  const created = <T>(reply: FastifyReply, value: T) => reply.code(201).send(value);
  const gone = (reply: FastifyReply) => reply.code(204).send();

  app.get("/api/rollout/me", async (request) => {
    const me = who(request);
    return { username: me.name, role: me.role, org_id: me.orgId };
  });
  app.get("/api/rollout/programme", async (request) =>
    programmePage(store, who(request), page(request, ["org", "region", "phase", "q"], "the programme")),
  );
  app.get("/api/rollout/settings", async (request) => readSettingsAs(store, who(request)));
  app.patch("/api/rollout/settings", async (request) => changeSettings(store, who(request), input(request)));

  app.get("/api/rollout/orgs", async (request) =>
    pageOrgs(store, who(request), page(request, ["org", "region", "phase", "q"], "organisations")),
  );
  app.get("/api/rollout/orgs/:id", async (request) =>
    organisationView(store, who(request), params(request).id ?? "", today()),
  );
  app.post("/api/rollout/orgs", async (request, reply) =>
    created(reply, createOrg(store, who(request), input(request))),
  );
  app.patch("/api/rollout/orgs/:id", async (request) =>
    updateOrg(store, who(request), params(request).id ?? "", input(request)),
  );
  app.delete("/api/rollout/orgs/:id", async (request, reply) => {
    deleteOrg(store, who(request), params(request).id ?? "");
    return gone(reply);
  });

  app.get("/api/rollout/people", async (request) =>
    pagePeople(store, who(request), page(request, ["org"], "people")),
  );
  app.post("/api/rollout/people", async (request, reply) =>
    created(reply, createPerson(store, who(request), input(request))),
  );
  app.patch("/api/rollout/people/:id", async (request) =>
    updatePerson(store, who(request), numericId(request), input(request)),
  );
  app.delete("/api/rollout/people/:id", async (request, reply) => {
    deletePerson(store, who(request), numericId(request));
    return gone(reply);
  });

  app.get("/api/rollout/documents", async (request) =>
    pageDocuments(store, who(request), page(request, ["org", "from", "to"], "documents")),
  );
  app.get("/api/rollout/documents/:id/file", async (request, reply) => {
    const file = documentFile(store, who(request), numericId(request));
    if (!file) throw new RolloutError(404, "this document has no stored file");
    return reply
      .type(file.type)
      .header("content-disposition", `attachment; filename="${file.name}"`)
      .send(file.content);
  });
  app.post("/api/rollout/documents", { bodyLimit: DOCUMENT_BODY_LIMIT }, async (request, reply) =>
    created(reply, createDocument(store, who(request), input(request))),
  );
  app.patch("/api/rollout/documents/:id", async (request) =>
    updateDocument(store, who(request), numericId(request), input(request)),
  );
  app.delete("/api/rollout/documents/:id", async (request, reply) => {
    deleteDocument(store, who(request), numericId(request));
    return gone(reply);
  });

  app.get("/api/rollout/regions", async (request) =>
    pageRegions(store, page(request, ["region"], "regions")),
  );
  app.post("/api/rollout/regions", async (request, reply) =>
    created(reply, createRegion(store, who(request), input(request))),
  );
  app.delete("/api/rollout/regions/:id", async (request, reply) => {
    deleteRegion(store, who(request), params(request).id ?? "");
    return gone(reply);
  });

  app.get("/api/rollout/calendar", async (request) =>
    pageCalendar(store, who(request), page(request, ALL_FILTERS, "the calendar")),
  );
  app.put("/api/rollout/calendar", async (request) => setCalendarEntry(store, who(request), input(request)));
  app.delete("/api/rollout/calendar/:org/:region", async (request, reply) => {
    const { org = "", region = "" } = params(request);
    deleteCalendarEntry(store, who(request), org, region);
    return gone(reply);
  });

  app.get("/api/rollout/commitments", async (request) =>
    pageCommitments(store, who(request), page(request, ["org", "region", "from", "to"], "commitments")),
  );
  app.post("/api/rollout/commitments", async (request, reply) =>
    created(reply, createCommitment(store, who(request), input(request))),
  );
  app.patch("/api/rollout/commitments/:id", async (request) =>
    updateCommitment(store, who(request), numericId(request), input(request)),
  );
  app.delete("/api/rollout/commitments/:id", async (request, reply) => {
    deleteCommitment(store, who(request), numericId(request));
    return gone(reply);
  });

  app.get("/api/rollout/reports", async (request) =>
    pageReports(store, who(request), page(request, ALL_FILTERS, "reports")),
  );
  app.post("/api/rollout/reports", { config: { access: { public: true } } }, async (request, reply) =>
    receiveReports(context, request, reply),
  );
  app.patch("/api/rollout/reports/:id", async (request) =>
    publishReport(store, who(request), numericId(request), input(request)),
  );

  app.get("/api/rollout/noise", async (request) =>
    pageNoise(store, who(request), page(request, ["org", "region", "from", "to"], "noise")),
  );
  app.post("/api/rollout/noise", async (request, reply) =>
    created(reply, recordNoise(store, who(request), input(request))),
  );
  app.patch("/api/rollout/noise/:id", async (request) =>
    updateNoise(store, who(request), numericId(request), input(request)),
  );
  app.delete("/api/rollout/noise/:id", async (request, reply) => {
    deleteNoise(store, who(request), numericId(request));
    return gone(reply);
  });
}

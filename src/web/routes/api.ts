import type { FastifyInstance } from "fastify";
import { endSession, startSession } from "../auth.js";
import type { WebContext } from "../context.js";
import type { Session } from "../sessions.js";

const describe = (session: Session) => ({
  username: session.username,
  role: session.role,
  csrfToken: session.csrfToken,
  expiresAt: new Date(session.expiresAt).toISOString(),
});

const loginBody = {
  type: "object",
  required: ["username", "password"],
  properties: {
    username: { type: "string", maxLength: 128 },
    password: { type: "string", maxLength: 1024 },
  },
} as const;

/** The API's session endpoints (for scripts and the console's own pages) and the demo's progress. */
export function register(app: FastifyInstance, context: WebContext): void {
  app.post(
    "/api/login",
    { config: { access: { public: true } }, schema: { body: loginBody } },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const result = await context.logins.attempt(username, password, request.ip);
      if (result.ok) {
        startSession(reply, context, result.id);
        context.logger.info({ operator: result.session.username, ip: request.ip }, "operator logged in");
        return describe(result.session);
      }
      context.logger.warn(
        { operator: username.slice(0, 64), ip: request.ip, reason: result.reason },
        "login refused",
      );
      if (result.reason !== "invalid") {
        reply.header("retry-after", String(result.retryAfterSeconds));
        return reply.code(429).send({
          error:
            result.reason === "locked"
              ? "too many failed logins; try again later"
              : "too many logins in progress; try again later",
        });
      }
      return reply.code(401).send({ error: "wrong operator name or password" });
    },
  );
  app.post("/api/logout", { config: { access: { role: "read-only" } } }, async (request, reply) => {
    endSession(request, reply, context);
    return reply.code(204).send();
  });
  app.get("/api/session", async (request) => describe(request.session as Session));
  // Public: `porteiro serve --demo` points whoever started it here before they have logged in,
  // and it tells only how far the demo data has loaded.
  app.get("/api/demo/progress", { config: { access: { public: true } } }, async () => context.demo.current);
}

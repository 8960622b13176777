import type { FastifyInstance } from "fastify";
import { buildInfo } from "../../core/index.js";
import type { WebContext } from "../context.js";

/**
 * Liveness for a supervisor (systemd's ExecStartPost, a container's HEALTHCHECK, a load
 * balancer): 200 once the web server answers and its store can be read. No login, no data.
 */
export function register(app: FastifyInstance, context: WebContext): void {
  app.get("/healthz", async (_request, reply) => {
    context.store.prepare("SELECT 1").get();
    const { version, commit } = buildInfo();
    return reply.header("cache-control", "no-store").send({ status: "ok", version, commit: commit ?? null });
  });
}

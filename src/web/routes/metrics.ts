import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import type { WebContext } from "../context.js";

/**
 * Prometheus text of every registry the process runs (submission's, the web server's …). Open
 * like any scrape target: bind the web server to a trusted network or filter /metrics in front.
 */
export function register(app: FastifyInstance, context: WebContext): void {
  const merged = Registry.merge([...context.registries]);
  app.get("/metrics", async (_request, reply) => reply.type(merged.contentType).send(await merged.metrics()));
}

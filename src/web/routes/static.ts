import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

/** src/web/public, or dist/web/public once built (scripts/copy-assets.mjs copies it). */
const PUBLIC = fileURLToPath(new URL("../public/", import.meta.url));

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * The files of public/ at /static/NAME, read once at start: only names that exist are
 * answered, so no request path ever reaches the file system.
 */
export function register(app: FastifyInstance): void {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(PUBLIC)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { type, body: readFileSync(join(PUBLIC, name)) });
  }
  app.get("/static/:name", async (request, reply) => {
    const file = files.get((request.params as { name: string }).name);
    if (!file) return reply.code(404).type("text/plain; charset=utf-8").send("not found\n");
    return reply.type(file.type).header("cache-control", "public, max-age=300").send(file.body);
  });
}

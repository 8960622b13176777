import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { FastifyInstance } from "fastify";

const require = createRequire(import.meta.url);

/** uPlot's minified build from node_modules at /static/ (a fixed route wins over static.ts's /static/:name). */
const FILES: Record<string, { type: string; module: string }> = {
  "uplot.js": { type: "text/javascript; charset=utf-8", module: "uplot/dist/uPlot.iife.min.js" },
  "uplot.css": { type: "text/css; charset=utf-8", module: "uplot/dist/uPlot.min.css" },
};

export function register(app: FastifyInstance): void {
  for (const [name, { type, module }] of Object.entries(FILES)) {
    const body = readFileSync(require.resolve(module));
    app.get(`/static/${name}`, async (_request, reply) =>
      reply.type(type).header("cache-control", "public, max-age=3600").send(body),
    );
  }
}

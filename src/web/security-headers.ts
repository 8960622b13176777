import type { FastifyInstance } from "fastify";

/** Scripts and styles only from our own files: an injected `<script>` or `onclick` does not run. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply) => {
    reply.header("content-security-policy", CSP);
    reply.header("x-content-type-options", "nosniff");
    reply.header("x-frame-options", "DENY");
    reply.header("referrer-policy", "same-origin");
    reply.header("cross-origin-opener-policy", "same-origin");
    // Console pages and API answers are per operator: never kept by a shared cache.
    if (request.session || /^\/(api|console)(\/|$)/.test(request.url))
      reply.header("cache-control", "no-store");
  });
}

import { AsyncLocalStorage } from "node:async_hooks";
import type { FastifyInstance } from "fastify";

/**
 * What one request's answer was computed from: the oldest data time among the cached answers it
 * used, and whether a newer answer to any of them is being computed. The warmer runs in a scope
 * of its own, marked `warming`: it computes what is out of date instead of serving it.
 */
export interface Freshness {
  readonly warming: boolean;
  asOf?: number;
  updating: boolean;
}

const scopes = new AsyncLocalStorage<Freshness>();

/** The scope of the request (or warmer pass) under way, if any. */
export const currentFreshness = (): Freshness | undefined => scopes.getStore();

/** Runs `work` as the warmer: out-of-date answers are computed, not served. */
export const asWarmer = <T>(work: () => T): T => scopes.run({ warming: true, updating: false }, work);

/**
 * Runs `work` as one request: the cached answers it is served record their data time into the
 * freshness returned (complete once a returned promise has settled). It starts at `now`: an
 * answer read live, from no cache, is as of the request.
 */
export function withFreshness<T>(work: () => T, now = Date.now()): { result: T; freshness: Freshness } {
  const freshness: Freshness = { warming: false, asOf: now, updating: false };
  return { result: scopes.run(freshness, work), freshness };
}

/** Runs `work` outside any scope: a background refresh records into no request. */
export const outsideRequests = <T>(work: () => T): T => scopes.exit(work);

/** The data time of an answer, in the response headers of every API read. */
export const AS_OF_HEADER = "x-data-as-of";
/** Present ("1") when an older answer is served while a newer one is being computed. */
export const UPDATING_HEADER = "x-data-updating";

const served = new WeakSet<FastifyInstance>();

/**
 * Adds the data-time headers to every GET under /api/: the time of the data the answer was
 * computed from (the oldest cached part's, or the request's own time for an answer read live),
 * and the updating marker. Registered once per app, by whichever route module asks first.
 */
export function serveDataTime(app: FastifyInstance): void {
  if (served.has(app)) return;
  served.add(app);
  app.addHook("onRequest", (request, _reply, done) => {
    if (request.method !== "GET" || !request.url.startsWith("/api/")) return done();
    withFreshness(done);
  });
  app.addHook("onSend", async (request, reply, payload) => {
    const freshness = scopes.getStore();
    if (request.method !== "GET" || !request.url.startsWith("/api/") || freshness?.asOf === undefined)
      return payload;
    reply.header(AS_OF_HEADER, new Date(freshness.asOf).toISOString());
    if (freshness.updating) reply.header(UPDATING_HEADER, "1");
    return payload;
  });
}

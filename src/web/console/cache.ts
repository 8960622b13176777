import { gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { WebContext } from "../context.js";
import { asWarmer, currentFreshness, outsideRequests } from "./freshness.js";

/** An answer with the time of the data it was computed from (when its computation read the store). */
export interface Dated<T> {
  readonly value: T;
  readonly asOf: number;
}

/** An answer as served: `version` names this very computation, for answers derived from it. */
export interface Served<T> {
  readonly value: T;
  readonly version: string;
}

interface Entry {
  readonly stamp: string;
  /** When the computation read the data: the answer's data time. */
  readonly asOf: number;
  /** When it was stored (a saved answer read back is stored long after its data time). */
  readonly at: number;
  readonly value: unknown;
}

interface Job {
  readonly stamp: string;
  readonly promise: Promise<Entry>;
}

/** The newest computation asked for while another of the key runs: only the latest stamp is kept. */
interface NextJob {
  stamp: string;
  compute: (first: boolean) => Promise<Dated<unknown>>;
  readonly promise: Promise<Entry>;
  resolve(entry: Entry): void;
  reject(error: unknown): void;
}

const TTL_MS = 5 * 60_000;
/** An answer whose data is older than this is never served, even while a newer one is being computed. */
const STALE_MS = 30 * 60_000;
const MAX_ENTRIES = 500;

/** A computation the warmer runs: a page's first question, answered into the cache ahead of the page. */
export type Warm = () => unknown;

const versionOf = (entry: Entry) => `${entry.stamp}@${entry.asOf}`;

/**
 * Answers the console's heavy reports (a year of flows, every listing snapshot) from memory while
 * the data they read is unchanged: each entry carries a stamp of that data (cheap index look-ups,
 * stamps.ts) and the time its computation read the data (its "as of").
 *
 * Once a key has an answer, a request never waits for its recomputation: when the data changed
 * (the stamp differs), the request gets the previous answer marked as updating (the page says so
 * and asks again) and the new one is computed meanwhile. An answer whose stamp still matches is
 * current; past TTL_MS it is recomputed in the background all the same, for changes a stamp
 * cannot see. Only a key asked for the first time, or one whose data time is older than
 * STALE_MS, is computed while the request waits; the warmer (console/warmer.ts) computes the
 * pages' first questions before anyone asks. Every answer served records its data time in the
 * request's freshness (freshness.ts), which the response carries in its headers.
 */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshing = new Set<string>();
  private readonly running = new Map<string, Job>();
  private readonly next = new Map<string, NextJob>();
  private readonly warms: Warm[] = [];

  get<T>(key: string, stamp: string, compute: () => T, now = Date.now()): T {
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.stamp === stamp) {
        if (now - entry.at >= TTL_MS) this.refreshLater(key, stamp, compute);
        return this.serve<T>(entry, false).value;
      }
      if (this.mayServeStale(entry, now)) {
        this.refreshLater(key, stamp, compute);
        return this.serve<T>(entry, true).value;
      }
    }
    return this.serve<T>(this.compute(key, stamp, compute), false).value;
  }

  /**
   * `get` for answers computed away from the event loop (console/report-thread.ts): the same
   * freshness rules, one computation per key at a time (a newer stamp waits for it, and only the
   * newest waiting one runs), and a failed one is not remembered. `compute` is told whether it is
   * the key's first computation here, the only one that may use an answer saved by an earlier run.
   */
  async getAsync<T>(
    key: string,
    stamp: string,
    compute: (first: boolean) => Promise<Dated<T>>,
    now = Date.now(),
  ): Promise<Served<T>> {
    const entry = this.entries.get(key);
    if (entry?.stamp === stamp && now - entry.at < TTL_MS) return this.serve<T>(entry, false);
    const job = this.schedule(key, stamp, compute as NextJob["compute"]);
    if (entry && (entry.stamp === stamp || this.mayServeStale(entry, now))) {
      // The caller does not wait; a failure shows to the next one that does.
      job.catch(() => undefined);
      return this.serve<T>(entry, entry.stamp !== stamp);
    }
    return this.serve<T>(await job, false);
  }

  /** Registers one of a page's first questions for the warmer. */
  warmer(warm: Warm): void {
    this.warms.push(warm);
  }

  /**
   * Runs every registered question once, each computing only what is missing or out of date,
   * yielding to the event loop between them so requests are answered meanwhile.
   */
  async warm(): Promise<void> {
    for (const warm of this.warms) {
      await asWarmer(warm);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private mayServeStale(entry: Entry, now: number): boolean {
    return !currentFreshness()?.warming && now - entry.asOf < STALE_MS;
  }

  /** Records what is served in the request's freshness: the oldest data time, and whether a newer answer is coming. */
  private serve<T>(entry: Entry, updating: boolean): Served<T> {
    const freshness = currentFreshness();
    if (freshness && !freshness.warming) {
      freshness.asOf = Math.min(freshness.asOf ?? entry.asOf, entry.asOf);
      freshness.updating ||= updating;
    }
    return { value: entry.value as T, version: versionOf(entry) };
  }

  private refreshLater(key: string, stamp: string, compute: () => unknown): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    outsideRequests(() =>
      setImmediate(() => {
        this.refreshing.delete(key);
        const entry = this.entries.get(key);
        // A newer stamp may have been computed meanwhile (by the warmer or a first question).
        if (entry?.stamp === stamp && Date.now() - entry.at < TTL_MS) return;
        try {
          this.compute(key, stamp, compute);
        } catch {
          // The next request for the key computes it and answers the error.
          this.entries.delete(key);
        }
      }),
    );
  }

  private compute(key: string, stamp: string, compute: () => unknown): Entry {
    const asOf = Date.now();
    return this.store(key, stamp, { value: compute(), asOf });
  }

  /** The computation of `stamp` for a key, or of a newer stamp asked for while it waited. */
  private schedule(key: string, stamp: string, compute: NextJob["compute"]): Promise<Entry> {
    const running = this.running.get(key);
    if (!running) return this.start(key, stamp, compute);
    if (running.stamp === stamp) return running.promise;
    let next = this.next.get(key);
    if (!next) {
      let resolve!: NextJob["resolve"];
      let reject!: NextJob["reject"];
      const promise = new Promise<Entry>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      next = { stamp, compute, promise, resolve, reject };
      this.next.set(key, next);
    }
    next.stamp = stamp;
    next.compute = compute;
    return next.promise;
  }

  private start(key: string, stamp: string, compute: NextJob["compute"]): Promise<Entry> {
    const first = !this.entries.has(key);
    const promise = outsideRequests(() => compute(first)).then((dated) => this.store(key, stamp, dated));
    const job = { stamp, promise };
    this.running.set(key, job);
    const done = () => {
      if (this.running.get(key) === job) this.running.delete(key);
      const next = this.next.get(key);
      if (!next) return;
      this.next.delete(key);
      this.start(key, next.stamp, next.compute).then(next.resolve, next.reject);
    };
    promise.then(done, done);
    return promise;
  }

  private store(key: string, stamp: string, dated: Dated<unknown>): Entry {
    const entry = { stamp, asOf: dated.asOf, at: Date.now(), value: dated.value };
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, entry);
    return entry;
  }
}

const caches = new WeakMap<WebContext, ResultCache>();

export function cacheOf(context: WebContext): ResultCache {
  let cache = caches.get(context);
  if (!cache) {
    cache = new ResultCache();
    caches.set(context, cache);
  }
  return cache;
}

export const JSON_TYPE = "application/json; charset=utf-8";

/** JSON encoded once, and gzipped once when large: what the cache keeps of a large answer. */
export interface EncodedJson {
  readonly body: Buffer;
  readonly gzip?: Buffer;
}

/** Answers above this are also kept gzipped: megabytes of senders shrink about tenfold. */
const GZIP_FROM = 64 * 1024;

/** For large answers: the cache keeps the encoded JSON, so a hit costs neither serialising nor compressing. */
export function jsonText(value: unknown): EncodedJson {
  const body = Buffer.from(JSON.stringify(value));
  return body.length < GZIP_FROM ? { body } : { body, gzip: gzipSync(body, { level: 6 }) };
}

/** Sends an encoded answer, gzipped to a client that accepts it (every browser does). */
export function sendJson(request: FastifyRequest, reply: FastifyReply, encoded: EncodedJson): FastifyReply {
  reply.type(JSON_TYPE);
  if (!encoded.gzip) return reply.send(encoded.body);
  reply.header("vary", "accept-encoding");
  if (!/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) return reply.send(encoded.body);
  return reply.header("content-encoding", "gzip").send(encoded.gzip);
}

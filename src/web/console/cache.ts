import { gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { WebContext } from "../context.js";

interface Entry {
  readonly stamp: string;
  readonly at: number;
  readonly value: unknown;
}

const TTL_MS = 5 * 60_000;
/** An answer older than this is never served, even while a newer one is being computed. */
const STALE_MS = 30 * 60_000;
const MAX_ENTRIES = 500;

/** A computation the warmer runs: a page's first question, answered into the cache ahead of the page. */
export type Warm = () => unknown;

/**
 * Answers the console's heavy reports (a year of flows, every listing snapshot) from memory while
 * the data they read is unchanged: each entry carries a stamp of that data (cheap MAX(id)
 * queries), and lives at most TTL_MS so in-place updates the stamp misses show within minutes.
 *
 * Once a key has an answer, a request never waits for its recomputation: when the data changed
 * (a collector flushing every few seconds changes the stamp all day) or the entry aged past
 * TTL_MS, the request gets the previous answer (younger than STALE_MS) and the new one is
 * computed right after, for the next request. Only a key asked for the first time, or one whose
 * answer is older than STALE_MS, is computed while the request waits; the warmer
 * (console/warmer.ts) computes the pages' first questions before anyone asks.
 */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshing = new Set<string>();
  private readonly pending = new Map<string, { stamp: string; promise: Promise<unknown> }>();
  private readonly warms: Warm[] = [];
  /** Set while the warmer runs: it computes what is out of date instead of serving it stale. */
  private warming = false;

  get<T>(key: string, stamp: string, compute: () => T, now = Date.now()): T {
    const entry = this.entries.get(key);
    if (entry) {
      const fresh = entry.stamp === stamp && now - entry.at < TTL_MS;
      if (fresh) return entry.value as T;
      if (!this.warming && now - entry.at < STALE_MS) {
        this.refreshLater(key, stamp, compute);
        return entry.value as T;
      }
    }
    return this.compute(key, stamp, compute, now);
  }

  /**
   * `get` for answers computed away from the event loop (console/report-thread.ts): the same
   * freshness rules, one computation per key at a time, and a failed one is not remembered.
   */
  getAsync<T>(key: string, stamp: string, compute: () => Promise<T>, now = Date.now()): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.stamp === stamp && now - entry.at < TTL_MS) return Promise.resolve(entry.value as T);
    let running = this.pending.get(key);
    if (!running || running.stamp !== stamp) {
      const promise = compute().then(
        (value) => {
          if (this.pending.get(key) === running) this.pending.delete(key);
          this.store(key, stamp, value, now);
          return value;
        },
        (error: unknown) => {
          if (this.pending.get(key) === running) this.pending.delete(key);
          throw error;
        },
      );
      running = { stamp, promise };
      this.pending.set(key, running);
    }
    if (entry && !this.warming && now - entry.at < STALE_MS) {
      // The caller does not wait; a failure shows to the next one that does.
      running.promise.catch(() => undefined);
      return Promise.resolve(entry.value as T);
    }
    return running.promise as Promise<T>;
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
      this.warming = true;
      try {
        await warm();
      } finally {
        this.warming = false;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private refreshLater(key: string, stamp: string, compute: () => unknown): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    setImmediate(() => {
      this.refreshing.delete(key);
      const entry = this.entries.get(key);
      // A newer stamp may have been computed meanwhile (by the warmer or a first question).
      if (entry?.stamp === stamp && Date.now() - entry.at < TTL_MS) return;
      try {
        this.compute(key, stamp, compute, Date.now());
      } catch {
        // The next request for the key computes it and answers the error.
        this.entries.delete(key);
      }
    });
  }

  private compute<T>(key: string, stamp: string, compute: () => T, now: number): T {
    const value = compute();
    this.store(key, stamp, value, now);
    return value;
  }

  private store(key: string, stamp: string, value: unknown, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { stamp, at: now, value });
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

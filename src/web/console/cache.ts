import type { WebContext } from "../context.js";

interface Entry {
  readonly stamp: string;
  readonly at: number;
  readonly value: unknown;
}

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 500;

/**
 * Answers the console's heavy reports (a year of flows, every listing snapshot) from memory while
 * the data they read is unchanged: each entry carries a stamp of that data (cheap MAX(id)
 * queries), and lives at most TTL_MS so in-place updates the stamp misses show within minutes.
 */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();

  get<T>(key: string, stamp: string, compute: () => T, now = Date.now()): T {
    const entry = this.entries.get(key);
    if (entry && entry.stamp === stamp && now - entry.at < TTL_MS) return entry.value as T;
    const value = compute();
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { stamp, at: now, value });
    return value;
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

/** For large answers: the cache keeps the encoded JSON, so a hit costs neither serialising nor encoding. */
export const jsonText = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

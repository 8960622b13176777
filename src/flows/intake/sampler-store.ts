/**
 * The samplers the collector learnt, kept in the store (migration 020_flow_samplers.sql) so that
 * a report can say which rates renormalised its counts, with the imports given a sampling rate.
 */
import type { Store } from "../../store/index.js";
import type { SamplerListing } from "../decode/decode.js";
import type { FlowWindow } from "../store/index.js";

/** A sampler's rate as a report shows it: who sampled, at which rate, over which span. */
export interface SamplerSeen {
  /** Where the rate came from: the collector's options records, or `flows import --sampling-rate`. */
  readonly source: "collector" | "import";
  /** The exporter (address:port), or for an import "#id file". */
  readonly exporter: string;
  readonly domain: number;
  /** null: the rate applies to the whole observation domain. */
  readonly sampler: string | null;
  readonly rate: number;
  readonly method: string;
  readonly first_seen: string;
  readonly last_seen: string;
}

/** Notes that each exporter's samplers had these rates at `atMs` (a flush of the collector). */
export function recordSamplers(
  store: Store,
  samplers: ReadonlyMap<string, readonly SamplerListing[]>,
  atMs: number,
): void {
  if (samplers.size === 0) return;
  const upsert = store.prepare(
    `INSERT INTO flow_samplers (exporter, domain, sampler, rate, method, first_seen_ms, last_seen_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (exporter, domain, sampler, rate) DO UPDATE SET
       method = excluded.method, last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)`,
  );
  store.transaction(() => {
    for (const [exporter, listed] of samplers) {
      for (const s of listed) {
        upsert.run(
          exporter,
          s.domain,
          s.sampler === null ? "" : String(s.sampler),
          s.rate,
          s.method,
          atMs,
          atMs,
        );
      }
    }
  })();
}

interface SamplerRow {
  source: "collector" | "import";
  exporter: string;
  domain: number;
  sampler: string;
  rate: number;
  method: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

/**
 * The sampling rates above 1 in force at some time of the window (every one when it is open):
 * the rates a report's counts were multiplied by, the collector's samplers first.
 */
export function samplersSeen(store: Store, window: FlowWindow = {}): SamplerSeen[] {
  const since = window.sinceMs ?? Number.MIN_SAFE_INTEGER;
  const until = window.untilMs ?? Number.MAX_SAFE_INTEGER;
  const rows = store
    .prepare(
      `SELECT 'collector' AS source, exporter, domain, sampler, rate, method, first_seen_ms, last_seen_ms
       FROM flow_samplers WHERE rate > 1 AND last_seen_ms >= @since AND first_seen_ms < @until
       UNION ALL
       SELECT 'import', '#' || id || ' ' || file, 0, '', sampling_rate, 'flows import --sampling-rate',
              first_ms, last_ms
       FROM flow_imports WHERE sampling_rate > 1 AND replaced_by IS NULL AND first_ms IS NOT NULL
         AND last_ms >= @since AND first_ms < @until
       ORDER BY source, exporter, domain, sampler, first_seen_ms`,
    )
    .all({ since, until }) as SamplerRow[];
  return rows.map((row) => ({
    source: row.source,
    exporter: row.exporter,
    domain: row.domain,
    sampler: row.sampler === "" ? null : row.sampler,
    rate: row.rate,
    method: row.method,
    first_seen: new Date(row.first_seen_ms).toISOString(),
    last_seen: new Date(row.last_seen_ms).toISOString(),
  }));
}

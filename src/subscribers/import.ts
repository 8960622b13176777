import { type Diagnostic, formatAddress } from "../core/index.js";
import type { Store } from "../store/index.js";
import { addressKey } from "./address-key.js";
import { ALL_PORTS, type Lease, type LeaseFormat } from "./lease.js";
import { parserFor, type SubscriberOptions } from "./parsers.js";
import { readLines } from "./read-lines.js";

export interface ImportOptions extends SubscriberOptions {
  /** How many diagnostics to keep (the count of bad records is always exact); 100 by default. */
  readonly maxDiagnostics?: number;
  /** Hears the bytes read of the file (compressed for gzip) and its size, as the read goes. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ImportResult {
  readonly file: string;
  readonly format: LeaseFormat;
  /** Leases new to the store. */
  readonly imported: number;
  /** Leases already stored whose end this file gave or changed (a Stop after an earlier Start). */
  readonly updated: number;
  /** Leases already stored as they are (the same file imported again). */
  readonly unchanged: number;
  /** Malformed records, passed over; `diagnostics` says where. */
  readonly skipped: number;
  readonly diagnostics: readonly Diagnostic[];
}

const BATCH = 10_000;
const IDENTITY = "family, address_key, prefix_length, subscriber, start_ms, port_first, port_last";

/**
 * Reads a lease file into the store. Bad records are skipped and counted, each with a
 * `file:line: message` diagnostic; the good ones are kept. The leases are first staged in a
 * temporary table (no lock on the database while a big file is read), then merged in one
 * transaction: an import lands whole or, if the file cannot be read to its end, not at all.
 * Leases are identified by (address, prefix, subscriber, start, port block): importing a file again adds
 * nothing, and a known end (a later Stop) fills in a lease stored as open.
 */
export async function importLeases(
  store: Store,
  file: string,
  format: LeaseFormat,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const parse = parserFor(format, options);
  const maxDiagnostics = options.maxDiagnostics ?? 100;
  store.exec(`DROP TABLE IF EXISTS temp.staged_leases;
    CREATE TEMP TABLE staged_leases (
      family INTEGER, address TEXT, address_key BLOB, prefix_length INTEGER, subscriber TEXT,
      start_ms INTEGER, end_ms INTEGER, port_first INTEGER, port_last INTEGER, UNIQUE (${IDENTITY}))`);
  const stage = store.prepare(
    `INSERT INTO temp.staged_leases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (${IDENTITY}) DO UPDATE SET end_ms = coalesce(excluded.end_ms, end_ms)`,
  );
  const stageBatch = store.transaction((leases: readonly Lease[]) => {
    for (const l of leases) {
      const { address } = l;
      stage.run(
        address.family,
        formatAddress(address),
        addressKey(address),
        l.prefixLength,
        l.subscriber,
        l.startMs,
        l.endMs,
        (l.ports ?? ALL_PORTS).first,
        (l.ports ?? ALL_PORTS).last,
      );
    }
  });
  const diagnostics: Diagnostic[] = [];
  let skipped = 0;
  try {
    let batch: Lease[] = [];
    for await (const event of parse(readLines(file, options.onProgress))) {
      if ("lease" in event) {
        batch.push(event.lease);
        if (batch.length >= BATCH) {
          stageBatch(batch);
          batch = [];
        }
      } else {
        skipped++;
        if (diagnostics.length < maxDiagnostics)
          diagnostics.push({ file, line: event.error.line, severity: "error", message: event.error.message });
      }
    }
    stageBatch(batch);
    const counts = store.transaction(() => merge(store, format, file))();
    return { file, format, ...counts, skipped, diagnostics };
  } finally {
    store.exec("DROP TABLE IF EXISTS temp.staged_leases");
  }
}

function merge(
  store: Store,
  format: LeaseFormat,
  file: string,
): Pick<ImportResult, "imported" | "updated" | "unchanged"> {
  const lastId = (
    store.prepare("SELECT coalesce(max(id), 0) AS id FROM subscriber_leases").get() as { id: number }
  ).id;
  const staged = (store.prepare("SELECT count(*) AS n FROM temp.staged_leases").get() as { n: number }).n;
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
  const { changes } = store
    .prepare(
      `INSERT INTO subscriber_leases (${IDENTITY}, address, end_ms, source_format, source_file)
       SELECT ${IDENTITY}, address, end_ms, ?, ? FROM temp.staged_leases WHERE true
       ON CONFLICT (${IDENTITY}) DO UPDATE
         SET end_ms = excluded.end_ms, source_format = excluded.source_format, source_file = excluded.source_file
         WHERE excluded.end_ms IS NOT NULL AND excluded.end_ms IS NOT subscriber_leases.end_ms`,
    )
    .run(format, file);
  const imported = (
    store.prepare("SELECT count(*) AS n FROM subscriber_leases WHERE id > ?").get(lastId) as { n: number }
  ).n;
  return { imported, updated: changes - imported, unchanged: staged - changes };
}

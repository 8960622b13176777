import { basename } from "node:path";
import { type Diagnostic, parseDay } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { SnapshotInfo } from "./listing-set.js";
import { checkListName, saveSnapshot } from "./snapshots.js";
import { type ListingFormat, parseListingFile, type ReadProgress, type ZoneType } from "./zones/index.js";

export interface ImportListingOptions {
  readonly list: string;
  /** YYYY-MM-DD: the day the listing describes. */
  readonly date: string;
  readonly format: ListingFormat;
  /** rbldnsd only: the dataset type until a `$DATASET` line says otherwise (ip4set by default). */
  readonly zoneType?: ZoneType;
  /** How many bad lines to describe (all are counted); 100 by default. */
  readonly maxDiagnostics?: number;
  readonly onProgress?: (progress: ReadProgress) => void;
}

export interface ImportListingResult {
  readonly snapshot: SnapshotInfo;
  readonly lines: number;
  /** Lines refused and left out; `diagnostics` says where and why. */
  readonly skipped: number;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads a listing file (streamed, gzip or not) and stores it as the snapshot of the list on the
 * date, replacing any earlier import of the same list and date. Bad lines are skipped and
 * reported; the rest is stored. Nothing is stored when the file cannot be read to its end.
 */
export async function importListing(
  store: Store,
  dataDir: string,
  file: string,
  options: ImportListingOptions,
): Promise<ImportListingResult> {
  checkListName(options.list);
  parseDay(options.date);
  const parsed = await parseListingFile(file, options.format, {
    ...(options.zoneType ? { zoneType: options.zoneType } : {}),
    ...(options.maxDiagnostics !== undefined ? { maxDiagnostics: options.maxDiagnostics } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const format = options.format === "rbldnsd" ? `rbldnsd:${options.zoneType ?? "ip4set"}` : options.format;
  const snapshot = saveSnapshot(store, dataDir, parsed.set, {
    list: options.list,
    date: options.date,
    source: basename(file),
    format,
  });
  return { snapshot, lines: parsed.lines, skipped: parsed.skipped, diagnostics: parsed.diagnostics };
}

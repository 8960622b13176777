import type { Store } from "../store/index.js";
import { type AttributionSources, attribute } from "./attribution.js";
import { keepRaw, keepRejected, sha256 } from "./evidence.js";
import { parseReport } from "./parse-report.js";
import { extensionOf, reportItems } from "./sources.js";
import { recordReport, reportKnown } from "./store.js";

export interface ImportOptions extends Omit<AttributionSources, "store"> {
  /** Reports larger than this are rejected unread ("too large"); 10 MB by default. */
  readonly maxMessageBytes?: number;
  /** How many rejections to name in the result (all are counted); 100 by default. */
  readonly maxRejections?: number;
  /** Called after each item with the items and bytes read so far. */
  readonly onProgress?: (progress: { readonly items: number; readonly bytesRead: number }) => void;
}

/** A rejected item: where it was and why, with the `.reason` file kept for it. */
export interface Rejection {
  readonly source: string;
  readonly reason: string;
  readonly reasonFile: string;
}

export interface ImportResult {
  readonly path: string;
  /** Items read (reports, good or bad). */
  readonly items: number;
  /** Complaints new to the store. */
  readonly imported: number;
  /** Reports about an original message already stored: counted on that complaint, not as new ones. */
  readonly duplicates: number;
  /** Reports whose exact bytes were imported before: nothing changes. */
  readonly alreadyImported: number;
  readonly rejected: number;
  readonly rejections: readonly Rejection[];
}

export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * Imports the abuse reports under a path (see reportItems). Each report's raw bytes are kept once
 * under DATA/complaints/raw/; its complaint is attributed (network, plan pool, the subscriber who
 * held the source address, or the source port's block of a shared one, at the arrival time) and stored. A report that cannot be read or is not
 * a usable report is copied to DATA/complaints/rejected/ with a `.reason` file and counted; the
 * import goes on with the next one.
 */
export async function importComplaints(
  store: Store,
  dataDir: string,
  path: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxRejections = options.maxRejections ?? 100;
  const sources: AttributionSources = { ...options, store };
  const counts = { items: 0, imported: 0, duplicates: 0, alreadyImported: 0, rejected: 0 };
  const rejections: Rejection[] = [];

  const reject = (source: string, reason: string, item: { bytes: Buffer; extension: string } | null) => {
    counts.rejected++;
    const reasonFile = keepRejected(dataDir, source, reason, item);
    if (rejections.length < maxRejections) rejections.push({ source, reason, reasonFile });
  };

  let bytesRead = 0;
  for await (const item of reportItems(path, maxBytes)) {
    counts.items++;
    bytesRead += item.size;
    options.onProgress?.({ items: counts.items, bytesRead });
    const extension = extensionOf(item.kind);
    if (item.readError) {
      reject(item.source, item.readError, null);
      continue;
    }
    if (item.bytes === null) {
      reject(item.source, `too large (${item.size} bytes; the limit is ${maxBytes})`, null);
      continue;
    }
    const hash = sha256(item.bytes);
    if (reportKnown(store, hash)) {
      counts.alreadyImported++;
      continue;
    }
    const parsed = await parseReport(item.bytes, item.kind);
    if (!parsed.ok) {
      reject(item.source, parsed.reason, { bytes: item.bytes, extension });
      continue;
    }
    const { complaint } = parsed;
    const rawPath = keepRaw(dataDir, hash, item.bytes, extension);
    const outcome = recordReport(store, {
      complaint,
      attribution: attribute(sources, complaint.sourceIp, complaint.arrivalMs, complaint.sourcePort),
      rawSha256: hash,
      rawPath,
      source: item.source,
    });
    if (outcome === "new") counts.imported++;
    else counts.duplicates++;
  }
  return { path, ...counts, rejections };
}

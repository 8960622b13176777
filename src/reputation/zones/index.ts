import type { Diagnostic } from "../../core/index.js";
import type { ListingSet } from "../listing-set.js";
import { cblParser } from "./cbl.js";
import { certCsvParser } from "./cert-csv.js";
import type { ListingParser } from "./parser.js";
import { plainParser } from "./plain.js";
import { rbldnsdParser, ZONE_TYPES, type ZoneType } from "./rbldnsd.js";
import { forEachLine, type ReadProgress } from "./read-lines.js";

export { listingOfAddresses } from "./collector.js";
export type { ListingParser } from "./parser.js";
export type { ReadProgress } from "./read-lines.js";
export { ZONE_TYPES, type ZoneType };

export const LISTING_FORMATS = ["rbldnsd", "plain", "cbl", "cert-csv"] as const;
export type ListingFormat = (typeof LISTING_FORMATS)[number];

export function listingParser(format: ListingFormat, zoneType: ZoneType = "ip4set"): ListingParser {
  switch (format) {
    case "rbldnsd":
      return rbldnsdParser(zoneType);
    case "plain":
      return plainParser();
    case "cbl":
      return cblParser();
    case "cert-csv":
      return certCsvParser();
  }
}

export interface ParseOptions {
  readonly zoneType?: ZoneType;
  /** How many diagnostics to keep (bad lines are always all counted); 100 by default. */
  readonly maxDiagnostics?: number;
  readonly onProgress?: (progress: ReadProgress) => void;
}

export interface ParsedListing {
  readonly set: ListingSet;
  readonly lines: number;
  /** Lines refused; `diagnostics` says where and why (the first `maxDiagnostics` of them). */
  readonly skipped: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads a listing file of any size line by line into a ListingSet; bad lines are skipped. */
export async function parseListingFile(
  file: string,
  format: ListingFormat,
  options: ParseOptions = {},
): Promise<ParsedListing> {
  const parser = listingParser(format, options.zoneType);
  const maxDiagnostics = options.maxDiagnostics ?? 100;
  const diagnostics: Diagnostic[] = [];
  let skipped = 0;
  const lines = await forEachLine(
    file,
    (text, line) => {
      const message = parser.line(text);
      if (message === undefined) return;
      skipped++;
      if (diagnostics.length < maxDiagnostics) diagnostics.push({ file, line, severity: "error", message });
    },
    options.onProgress,
  );
  return { set: parser.finish(), lines, skipped, diagnostics };
}

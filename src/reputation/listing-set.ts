/**
 * The addresses one blacklist listed on one date, as sorted, disjoint, inclusive ranges: the form
 * a zone import produces and every count works on. Adjacent ranges are merged, so two sets with
 * the same addresses are equal array for array.
 */
export interface ListingSet {
  /** IPv4 ranges as [start0, end0, start1, end1, …], uint32, ascending. */
  readonly v4: Uint32Array;
  /** IPv6 ranges, ascending, same layout as v4 but as bigint. */
  readonly v6Starts: readonly bigint[];
  readonly v6Ends: readonly bigint[];
}

/** One stored snapshot: a list on a date. */
export interface SnapshotInfo {
  readonly list: string;
  /** YYYY-MM-DD */
  readonly date: string;
  /** Listed IPv4 addresses (exact). */
  readonly v4Addresses: number;
  /** IPv6 ranges (address counts in IPv6 mean little). */
  readonly v6Ranges: number;
  readonly source: string;
  readonly format: string;
  readonly importedAt: string;
}

/** Where an address belongs, for attribution and for grouping counts. */
export interface NetworkInfo {
  readonly asn: number | null;
  readonly asName: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string | null;
}

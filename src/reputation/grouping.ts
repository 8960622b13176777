/**
 * A way to split the address space into named groups (ASes, countries, an ISP's pools…): runs
 * tiling each family from address 0, each labelled with a group index, -1 where no group applies.
 * Counting a listing by any grouping is then the same merge (count.ts).
 */
export interface Grouping {
  readonly keys: readonly string[];
  /** Addresses each group holds (IPv4), or null where that means nothing ("unknown", "other"). */
  readonly allocated: readonly (number | null)[];
  /** Extra columns per group for a report. */
  readonly details: readonly GroupDetails[];
  readonly v4Starts: Uint32Array;
  readonly v4Groups: Int32Array;
  readonly v6Starts: readonly bigint[];
  readonly v6Groups: Int32Array;
}

/** What a report shows beside a key, where the grouping knows it. */
export interface GroupDetails {
  readonly as_name?: string | null;
  readonly kind?: string;
  readonly region?: string | null;
}

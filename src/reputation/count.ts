import type { Grouping } from "./grouping.js";
import type { ListingSet } from "./listing-set.js";

/** Listed addresses of each group of a grouping, by group index. */
export interface GroupCounts {
  /** IPv4 addresses, exact. */
  readonly listed: Float64Array;
  /** IPv6 listing ranges reaching into the group: IPv6 address counts mean little. */
  readonly listedV6Ranges: Float64Array;
}

const V4_LAST = 0xffffffff;

/**
 * Listed IPv4 addresses in each run of a tiling: one merge of the two sorted range lists,
 * O(ranges + runs), with no step per address however wide a listed range is.
 */
export function listedPerRun4(listing: Uint32Array, runStarts: Uint32Array): Float64Array {
  const out = new Float64Array(runStarts.length);
  const last = runStarts.length - 1;
  let run = 0;
  for (let i = 0; i < listing.length; i += 2) {
    let start = listing[i] as number;
    const end = listing[i + 1] as number;
    while (run < last && (runStarts[run + 1] as number) <= start) run++;
    for (;;) {
      const runEnd = run < last ? (runStarts[run + 1] as number) - 1 : V4_LAST;
      if (end <= runEnd) {
        out[run] = (out[run] as number) + (end - start + 1);
        break;
      }
      out[run] = (out[run] as number) + (runEnd - start + 1);
      start = runEnd + 1;
      run++;
    }
  }
  return out;
}

/** IPv6 listing ranges reaching into each group, each range counted once per group. */
export function listedRangesPerGroup6(
  starts: readonly bigint[],
  ends: readonly bigint[],
  runStarts: readonly bigint[],
  runGroups: Int32Array,
  groupCount: number,
): Float64Array {
  const out = new Float64Array(groupCount);
  const lastRange = new Int32Array(groupCount).fill(-1);
  const last = runStarts.length - 1;
  let run = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as bigint;
    const end = ends[i] as bigint;
    while (run < last && (runStarts[run + 1] as bigint) <= start) run++;
    // The range may cover later runs too; `run` stays where the next range (starting after this one's end) begins its search.
    for (let r = run; r <= last && (runStarts[r] as bigint) <= end; r++) {
      const group = runGroups[r] as number;
      if (group >= 0 && lastRange[group] !== i) {
        lastRange[group] = i;
        out[group] = (out[group] as number) + 1;
      }
    }
  }
  return out;
}

/** The listing counted by the grouping's groups. */
export function countListed(set: ListingSet, grouping: Grouping): GroupCounts {
  const groupCount = grouping.keys.length;
  const perRun = listedPerRun4(set.v4, grouping.v4Starts);
  const listed = new Float64Array(groupCount);
  const groups = grouping.v4Groups;
  for (let run = 0; run < perRun.length; run++) {
    const group = groups[run] as number;
    if (group >= 0) listed[group] = (listed[group] as number) + (perRun[run] as number);
  }
  // Without IPv6 listings the grouping's IPv6 runs are never touched (nor built, for a cached map).
  const listedV6Ranges =
    set.v6Starts.length === 0
      ? new Float64Array(groupCount)
      : listedRangesPerGroup6(set.v6Starts, set.v6Ends, grouping.v6Starts, grouping.v6Groups, groupCount);
  return { listed, listedV6Ranges };
}

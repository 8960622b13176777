import { IntervalSet, IPV6 } from "../core/index.js";
import type { ListingSet } from "./listing-set.js";
import { union4 } from "./zones/ranges4.js";

/** The addresses listed by any of the sets: what "IPs listed" means across several lists. */
export function unionListings(sets: readonly ListingSet[]): ListingSet | undefined {
  if (sets.length <= 1) return sets[0];
  let v4 = (sets[0] as ListingSet).v4;
  let v6 = IntervalSet.empty(IPV6);
  for (const [i, set] of sets.entries()) {
    if (i > 0) v4 = union4(v4, set.v4);
    v6 = v6.union(IntervalSet.fromSortedBounds(IPV6, [...set.v6Starts], [...set.v6Ends]));
  }
  return { v4, v6Starts: v6.starts, v6Ends: v6.ends };
}

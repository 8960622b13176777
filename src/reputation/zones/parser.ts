import type { ListingSet } from "../listing-set.js";

/**
 * A listing format read one line at a time, so a file of any size streams through. `line`
 * returns why a line is refused (it is then skipped and the rest still counts), or undefined.
 */
export interface ListingParser {
  line(text: string): string | undefined;
  finish(): ListingSet;
}

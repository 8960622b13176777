import type { ListingParser } from "./parser.js";
import { rbldnsdParser } from "./rbldnsd.js";

/**
 * The CBL's `list.txt` (as fetched by rsync): rbldnsd data served as an ip4tset, so one IPv4
 * address per line under a `:127.0.0.2:…` default line and `$SOA`/`$NS` lines, with `#` comments.
 */
export function cblParser(): ListingParser {
  return rbldnsdParser("ip4tset");
}

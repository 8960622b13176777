import { AddressCollector } from "./collector.js";
import type { ListingParser } from "./parser.js";

/**
 * The Spamhaus CERT portal CSV: `;` comment lines (the header says `; ip, asn, country,
 * lastseen, botname, …`), then one row per observation with the infected IP first. A row
 * header `ip,asn,…` without the `;` is skipped too. Only the IP counts for a listing; an IP
 * seen by several rows is listed once.
 */
export function certCsvParser(): ListingParser {
  const addresses = new AddressCollector();
  let rows = 0;
  return {
    line(raw: string): string | undefined {
      const line = raw.trim();
      if (line === "" || line.startsWith(";") || line.startsWith("#")) return undefined;
      const comma = line.indexOf(",");
      const field = (comma < 0 ? line : line.slice(0, comma)).trim().replace(/^"(.*)"$/, "$1");
      rows++;
      if (rows === 1 && field.toLowerCase() === "ip") return undefined;
      if (comma < 0) return `expected comma-separated fields (ip, asn, country, …), found "${line}"`;
      return addresses.addText(field);
    },
    finish: () => addresses.finish(),
  };
}

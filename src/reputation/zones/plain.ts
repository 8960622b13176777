import { AddressCollector } from "./collector.js";
import type { ListingParser } from "./parser.js";

/**
 * One address or prefix per line (IPv4 or IPv6); `#` and `;` start comments, whole-line or after
 * the address; blank lines are skipped.
 */
export function plainParser(): ListingParser {
  const addresses = new AddressCollector();
  return {
    line(raw: string): string | undefined {
      const comment = raw.search(/[#;]/);
      const token = (comment < 0 ? raw : raw.slice(0, comment)).trim();
      if (token === "") return undefined;
      if (/\s/.test(token)) return `expected one address or prefix, found "${token}"`;
      return addresses.addText(token);
    },
    finish: () => addresses.finish(),
  };
}

/**
 * iptoasn.com's TSV tables (ip2asn-v4.tsv, ip2asn-v6.tsv, ip2asn-combined.tsv):
 * `range_start<TAB>range_end<TAB>AS_number<TAB>country_code<TAB>AS_description`. AS 0 with
 * country `None` marks space nobody announces.
 */
import { encodeCountry } from "./country-code.js";
import { type LineResult, readTable } from "./read-table.js";
import type { NetworkLayers } from "./sinks.js";
import { addSpan, parseAsn, parseSpan, type Span } from "./span.js";

export interface IptoasnRow {
  readonly span: Span;
  /** 0: not announced. */
  readonly asn: number;
  /** Upper case; null for `None` or an empty field. */
  readonly country: string | null;
  readonly description: string;
}

export function parseIptoasnLine(line: string): LineResult<IptoasnRow> {
  if (line === "" || line.startsWith("#")) return undefined;
  const parts = line.split("\t");
  if (parts.length !== 5)
    return "expected range_start<TAB>range_end<TAB>AS_number<TAB>country_code<TAB>AS_description";
  const span = parseSpan(parts[0] as string, parts[1] as string);
  if (typeof span === "string") return span;
  const asn = parseAsn(parts[2] as string);
  if (asn < 0) return `"${parts[2]}" is not an AS number`;
  const code = parts[3] as string;
  if (code !== "None" && code !== "" && encodeCountry(code) < 0)
    return `"${code}" is not a two-letter country code`;
  const country = code === "None" || code === "" ? null : code.toUpperCase();
  return { span, asn, country, description: parts[4] as string };
}

export function readIptoasn(file: string, layers: NetworkLayers): Promise<number> {
  return readTable(file, parseIptoasnLine, (row) => {
    if (row.asn !== 0) {
      addSpan(layers.asn, row.span, row.asn);
      if (row.description !== "Not routed") layers.nameAs(row.asn, row.description);
    }
    if (row.country !== null) addSpan(layers.country, row.span, encodeCountry(row.country));
  });
}

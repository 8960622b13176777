/**
 * ip-location-db's CSV tables (the embedded default): `start,end,asn,organization` in the asn
 * package and `start,end,country_code` in asn-country, with addresses as text or, in the -num
 * files, as decimal numbers.
 */
import { encodeCountry } from "./country-code.js";
import { type LineResult, readTable } from "./read-table.js";
import type { NetworkLayers } from "./sinks.js";
import { addSpan, numericFamilyOf, parseAsn, parseSpan, type Span } from "./span.js";

export interface AsnRow {
  readonly span: Span;
  readonly asn: number;
  readonly name: string;
}

export interface CountryRow {
  readonly span: Span;
  readonly country: string;
}

/** The first `count` comma-separated fields and the rest of the line, or undefined when short. */
function fields(line: string, count: number): string[] | undefined {
  const out: string[] = [];
  let from = 0;
  for (let k = 0; k < count; k++) {
    const comma = line.indexOf(",", from);
    if (comma < 0) {
      if (k < count - 1) return undefined;
      out.push(line.slice(from), "");
      return out;
    }
    out.push(line.slice(from, comma));
    from = comma + 1;
  }
  out.push(line.slice(from));
  return out;
}

/** A CSV field that may be quoted, with "" for a quote inside. */
function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"'))
    return text.slice(1, -1).replace(/""/g, '"');
  return text;
}

const skip = (line: string) => line === "" || line.startsWith("#");

export function parseAsnCsvLine(line: string, numericFamily: 4 | 6 = 4): LineResult<AsnRow> {
  if (skip(line)) return undefined;
  const parts = fields(line, 3);
  if (!parts) return "expected ip_range_start,ip_range_end,autonomous_system_number,organization";
  const span = parseSpan(parts[0] as string, parts[1] as string, numericFamily);
  if (typeof span === "string") return span;
  const asn = parseAsn(parts[2] as string);
  if (asn < 0) return `"${parts[2]}" is not an AS number`;
  return { span, asn, name: unquote(parts[3] as string) };
}

export function parseCountryCsvLine(line: string, numericFamily: 4 | 6 = 4): LineResult<CountryRow> {
  if (skip(line)) return undefined;
  const parts = fields(line, 3);
  if (parts?.[3] !== "") return "expected ip_range_start,ip_range_end,country_code";
  const span = parseSpan(parts[0] as string, parts[1] as string, numericFamily);
  if (typeof span === "string") return span;
  const country = parts[2] as string;
  if (encodeCountry(country) < 0) return `"${country}" is not a two-letter country code`;
  return { span, country: country.toUpperCase() };
}

export function readAsnCsv(file: string, layers: NetworkLayers): Promise<number> {
  const family = numericFamilyOf(file);
  return readTable(
    file,
    (line) => parseAsnCsvLine(line, family),
    (row) => {
      // AS0 marks space nobody announces: leave it unknown.
      if (row.asn === 0) return;
      addSpan(layers.asn, row.span, row.asn);
      layers.nameAs(row.asn, row.name);
    },
  );
}

export function readCountryCsv(file: string, layers: NetworkLayers): Promise<number> {
  const family = numericFamilyOf(file);
  return readTable(
    file,
    (line) => parseCountryCsvLine(line, family),
    (row) => addSpan(layers.country, row.span, encodeCountry(row.country)),
  );
}

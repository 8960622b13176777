import { createRequire } from "node:module";
import { readDelegated } from "./delegated.js";
import { readAsnCsv, readCountryCsv } from "./ip-location-db.js";
import { readIptoasn } from "./iptoasn.js";
import { readPfx2as } from "./pfx2as.js";
import type { NetworkLayers } from "./sinks.js";

/** Tables to build a NetworkMap from; an attribute no table gives comes from the embedded default. */
export interface NetworkSources {
  /** ip-location-db style `start,end,asn,organization` CSVs (text or -num addresses). */
  readonly asn?: readonly string[];
  /** ip-location-db style `start,end,country_code` CSVs. */
  readonly country?: readonly string[];
  /** CAIDA RouteViews prefix-to-AS tables. */
  readonly pfx2as?: readonly string[];
  /** iptoasn.com TSVs: both ASN and country. */
  readonly iptoasn?: readonly string[];
  /** RIR delegated-extended statistics: country. */
  readonly delegated?: readonly string[];
}

export type SourceKind = keyof NetworkSources;

const READERS: Record<SourceKind, (file: string, layers: NetworkLayers) => Promise<number>> = {
  asn: readAsnCsv,
  pfx2as: readPfx2as,
  iptoasn: readIptoasn,
  country: readCountryCsv,
  delegated: readDelegated,
};

/** Reading order: for two identical ranges the later table wins. */
const ORDER: readonly SourceKind[] = ["asn", "pfx2as", "iptoasn", "country", "delegated"];

const require = createRequire(import.meta.url);

/**
 * The tables shipped on npm by ip-location-db (DB-IP, RouteViews and the RIRs' data, CC BY 4.0);
 * the -num files, since a decimal number parses faster than address text.
 */
export function embeddedSources(): { asn: string[]; country: string[] } {
  return {
    asn: ["asn-ipv4-num.csv", "asn-ipv6-num.csv"].map((f) => require.resolve(`@ip-location-db/asn/${f}`)),
    country: ["asn-country-ipv4-num.csv", "asn-country-ipv6-num.csv"].map((f) =>
      require.resolve(`@ip-location-db/asn-country/${f}`),
    ),
  };
}

/** The sources given, with the embedded tables standing in for an attribute none of them gives. */
export function completeSources(given: NetworkSources): { kind: SourceKind; file: string }[] {
  const givesAsn = [given.asn, given.pfx2as, given.iptoasn].some((files) => files && files.length > 0);
  const givesCountry = [given.country, given.iptoasn, given.delegated].some(
    (files) => files && files.length > 0,
  );
  const embedded = givesAsn && givesCountry ? undefined : embeddedSources();
  const all: NetworkSources = {
    ...given,
    asn: givesAsn ? given.asn : embedded?.asn,
    country: givesCountry ? given.country : embedded?.country,
  };
  return ORDER.flatMap((kind) => (all[kind] ?? []).map((file) => ({ kind, file })));
}

export async function readSources(
  sources: readonly { kind: SourceKind; file: string }[],
  layers: NetworkLayers,
): Promise<void> {
  for (const { kind, file } of sources) await READERS[kind](file, layers);
}

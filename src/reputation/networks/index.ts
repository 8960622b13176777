export { decodeCountry, encodeCountry } from "./country-code.js";
export { type DelegatedRow, parseDelegatedLine } from "./delegated.js";
export { type AsnRow, type CountryRow, parseAsnCsvLine, parseCountryCsvLine } from "./ip-location-db.js";
export { type IptoasnRow, parseIptoasnLine } from "./iptoasn.js";
export { type LoadNetworkMapOptions, loadNetworkMap } from "./load.js";
export { type NetworkKey, NetworkMap } from "./network-map.js";
export { type Pfx2asRow, parsePfx2asLine } from "./pfx2as.js";
export { embeddedSources, type NetworkSources } from "./sources.js";
export type { Span } from "./span.js";

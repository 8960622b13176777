export { countListed, type GroupCounts, listedPerRun4 } from "./count.js";
export {
  addressesOf,
  checkServer,
  type DnsblOptions,
  type DnsblResult,
  dnsblName,
  meaningOfA,
  queryDnsbl,
} from "./dnsbl/index.js";
export type { GroupDetails, Grouping } from "./grouping.js";
export { type ImportListingOptions, type ImportListingResult, importListing } from "./import.js";
export type { ListingSet, NetworkInfo, SnapshotInfo } from "./listing-set.js";
export { unionListings } from "./listing-union.js";
export { type ListingMetricsSource, registerListingMetrics } from "./metrics.js";
export { networkGrouping, UNKNOWN } from "./network-grouping.js";
export {
  decodeCountry,
  embeddedSources,
  encodeCountry,
  type LoadNetworkMapOptions,
  loadNetworkMap,
  type NetworkKey,
  NetworkMap,
  type NetworkSources,
} from "./networks/index.js";
export { planCountry } from "./plan-country.js";
export { NO_REGION, OTHER, type PlanKey, planGrouping } from "./plan-grouping.js";
export {
  type DatedRow,
  listingOn,
  type ReportRow,
  rankingRows,
  reportRows,
  reportsByDate,
  type SnapshotSource,
  seriesRows,
  snapshotDates,
} from "./report.js";
export { listSnapshots, previousSnapshot, readSnapshot, saveSnapshot } from "./snapshots.js";
export {
  LISTING_FORMATS,
  type ListingFormat,
  listingOfAddresses,
  listingParser,
  type ReadProgress,
  ZONE_TYPES,
  type ZoneType,
} from "./zones/index.js";

export { DHCPD_IDENTITIES, type DhcpdIdentity, IDENTITY_FIELDS } from "./dhcpd-identity.js";
export { parseDhcpdLeases } from "./dhcpd-leases.js";
export {
  type DirectoryEntry,
  type DirectoryImport,
  type DirectoryListOptions,
  directoryEntries,
  emailProblem,
  importDirectory,
  listDirectory,
  markEmailBad,
  parseDirectory,
} from "./directory.js";
export { type ImportOptions, type ImportResult, importLeases } from "./import.js";
export { KEA_SUBSCRIBER_FIELDS, parseKeaCsv } from "./kea-csv.js";
export type { Lines, ParseEvent } from "./lease.js";
export { formatPorts, LEASE_FORMATS, type Lease, type LeaseFormat } from "./lease.js";
export {
  type HeldDuration,
  type HeldLease,
  type Holding,
  LeaseIndex,
  type LeaseWindow,
} from "./lease-index.js";
export { type ListOptions, listLeases, type StoredLease } from "./list.js";
export type { SubscriberOptions } from "./parsers.js";
export { parseRadiusDetail } from "./radius-detail.js";

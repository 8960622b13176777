export { AddressSet } from "./address-set.js";
export { type BuildInfo, buildInfo } from "./build-info.js";
export { clientNetwork, DEFAULT_CLIENT_PREFIX_V6 } from "./client-network.js";
export { addDays, type Day, daysBetween, parseDay, today, tryParseDay } from "./date.js";
export { type Endpoint, endpointSchema, parseEndpoint } from "./endpoint.js";
export { type Diagnostic, DiagnosticsError, formatDiagnostic, type Severity, UserError } from "./errors.js";
export { type FamilyMath, IPV4, IPV6 } from "./family.js";
export { floorIndex } from "./floor-index.js";
export { IntervalSet } from "./interval-set.js";
export {
  type Address,
  compareAddresses,
  type Family,
  formatAddress,
  formatIpv4,
  formatIpv6,
  parseAddress,
  parseIpv4,
  parseIpv6,
} from "./ip.js";
export { cannotListen } from "./listen-error.js";
export { createLogger, LOG_FORMATS, type LogFormat, type Logger, logFormat } from "./log.js";
export { siblingModule, startModuleWorker } from "./module-worker.js";
export {
  DEFAULT_SCRYPT_LOG2_N,
  decoyHash,
  hashPassword,
  hashPasswordSync,
  parseScryptHash,
  verifyPassword,
  verifyPasswordSync,
} from "./password.js";
export {
  comparePrefixes,
  formatPrefix,
  networkOf,
  type Prefix,
  type Prefix4,
  type Prefix6,
  parsePrefix,
  prefixContains,
  prefixContainsAddress,
  prefixEnd,
  prefixSize,
} from "./prefix.js";
export { PrefixTable, type Segment } from "./prefix-table.js";
export { processMetrics } from "./process-metrics.js";
export { radixSortUint32 } from "./radix-sort.js";
export { parseYamlSource, type YamlPath, type YamlSource, zodDiagnostics } from "./yaml-source.js";

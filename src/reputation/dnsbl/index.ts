export { addressesOf } from "./addresses.js";
export { meaningOfA } from "./answer.js";
export { checkServer, type DnsblOptions, type DnsblResult, queryDnsbl } from "./lookup.js";
export { dnsblName } from "./query-name.js";

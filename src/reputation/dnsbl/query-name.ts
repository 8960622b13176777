import type { Address } from "../../core/index.js";

/**
 * The DNSBL name of an address under `zone`: IPv4 octets reversed (192.0.2.1 → 1.2.0.192.zone),
 * IPv6 as 32 reversed nibbles (RFC 5782 §2.4).
 */
export function dnsblName(address: Address, zone: string): string {
  const base = zone.replace(/\.$/, "");
  if (address.family === 4) {
    const v = address.value;
    return `${v & 255}.${(v >>> 8) & 255}.${(v >>> 16) & 255}.${v >>> 24}.${base}`;
  }
  const nibbles = address.value.toString(16).padStart(32, "0").split("").reverse().join(".");
  return `${nibbles}.${base}`;
}

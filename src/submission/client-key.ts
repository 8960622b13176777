import { parseIpv6 } from "../core/index.js";

/**
 * The unit a client is counted by for connection caps and login lockouts: its IPv4 address, or
 * its IPv6 /64, the network one subscriber gets and can hop around in at will.
 */
export function clientKey(address: string): string {
  if (!address.includes(":")) return address;
  const value = parseIpv6(address);
  return value === undefined ? address : `${(value >> 64n).toString(16)}::/64`;
}

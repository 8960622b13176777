import { formatIpv6, parseIpv6 } from "./ip.js";

/** The IPv6 prefix one subscriber is commonly delegated (RIPE-690): a customer holds all of it. */
export const DEFAULT_CLIENT_PREFIX_V6 = 56;

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * The network a client is counted by for connection caps, login lockouts and report limits: its
 * IPv4 address, or the IPv6 prefix of `v6PrefixLength` bits that one subscriber holds and can
 * hop around in at will. An IPv4-mapped IPv6 address (a dual-stack listener's view) is its IPv4.
 */
export function clientNetwork(address: string, v6PrefixLength = DEFAULT_CLIENT_PREFIX_V6): string {
  if (!address.includes(":")) return address;
  const mapped = MAPPED_V4.exec(address);
  if (mapped) return mapped[1] as string;
  const value = parseIpv6(address);
  if (value === undefined) return address;
  const host = BigInt(128 - v6PrefixLength);
  return `${formatIpv6((value >> host) << host)}/${v6PrefixLength}`;
}

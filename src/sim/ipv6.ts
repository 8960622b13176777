/**
 * The ISP's IPv6: a share of subscribers is dual-stack, each delegated a /56 from its region's
 * dynamic /40 for the whole year (as most ISPs keep prefixes stable), and half of what such a
 * machine sends goes over IPv6 — bots included, so the policy's IPv6 rules matter too.
 */
import { parseIpv6 } from "../core/index.js";
import type { SimRegion } from "./isp.js";
import type { Random } from "./random.js";

const DUAL_STACK_PER_MILLE = 400;
/** Share of a dual-stack machine's flows that go over IPv6. */
export const IPV6_FLOW_SHARE = 0.5;

const v6 = (text: string) => parseIpv6(text) as bigint;

/** Whether the subscriber's line is dual-stack, by a hash of its index. */
export const dualStack = (index: number) =>
  (Math.imul(index, 0x9e3779b1) >>> 0) % 1000 < DUAL_STACK_PER_MILLE;

/** The /56 delegated to the active subscriber in `slot` (slots are unique across regions). */
export const delegatedPrefix = (region: SimRegion, slot: number) => region.dynamicV6 + (BigInt(slot) << 72n);

/** The machine's address: the first /64 of its prefix, a fixed interface id. */
export const sourceV6 = (prefix: bigint) => prefix | 0x0200_00ff_fe00_0001n;

export const RELAY_V6 = v6("2001:db8:ff00::25");
export const SUBMISSION_HOST_V6 = v6("2001:db8:ff00::30");
/** Other providers' submission servers, as PROVIDERS in day-flows.ts. */
export const PROVIDERS_V6 = ["2001:db8:fe00::10", "2001:db8:fe00::20", "2001:db8:fe00::30"].map(v6);
const REMOTE_MX_V6 = v6("2001:db8:f000::");

/** A remote MX on IPv6, in a /64 per mail domain among 65,536. */
export const remoteMxV6 = (random: Random) => REMOTE_MX_V6 | (BigInt(random.int(1 << 16)) << 64n) | 25n;

import type { Address } from "../core/index.js";
import { type Plan, poolTable } from "../plan/index.js";
import type { Store } from "../store/index.js";
import { type Holding, LeaseIndex, listLeases } from "../subscribers/index.js";

/** Address → network, as the reputation module's NetworkMap answers it. */
export interface NetworkLookup {
  lookup(address: Address): { asn: number | null; asName: string | null; country: string | null };
}

/**
 * How the subscriber was found: `address`, the one lease of the whole address; `port-block`,
 * the one subscriber whose CGNAT port block held the source port; `shared-address`, a CGNAT
 * address with no source port or no single block holding it, so no subscriber; `none`, no lease.
 */
export type SubscriberMatch = Holding["kind"];

/** Where a complaint's source belongs: its network, the ISP's plan, and who held the address. */
export interface Attribution {
  readonly asn: number | null;
  readonly asName: string | null;
  readonly country: string | null;
  /** The plan's ISP when the address is in one of its pools, else the network's AS name. */
  readonly isp: string | null;
  readonly pool: string | null;
  readonly poolKind: string | null;
  readonly region: string | null;
  readonly subscriber: string | null;
  readonly subscriberMatch: SubscriberMatch;
}

export interface AttributionSources {
  readonly networks?: NetworkLookup;
  readonly plan?: Plan;
  /** Leases are looked up address by address, so a large lease table is never loaded whole. */
  readonly store?: Store;
}

export type PlanAttribution = Pick<Attribution, "pool" | "poolKind" | "region"> & {
  readonly planIsp: string | null;
};

/** The pool (most specific), its kind and region, and the plan's ISP, for an address. */
export function planAttribution(plan: Plan | undefined, address: Address): PlanAttribution {
  const pool = plan ? poolTable(plan).lookup(address) : undefined;
  return {
    pool: pool?.name ?? null,
    poolKind: pool?.kind ?? null,
    region: pool?.region ?? null,
    planIsp: pool && plan ? plan.isp.name : null,
  };
}

/** The source's network, plan pool and subscriber; a source port picks among CGNAT port blocks. */
export function attribute(
  sources: AttributionSources,
  address: Address,
  atMs: number,
  port: number | null,
): Attribution {
  const network = sources.networks?.lookup(address) ?? { asn: null, asName: null, country: null };
  const { planIsp, ...inPlan } = planAttribution(sources.plan, address);
  const holding: Holding = sources.store
    ? LeaseIndex.fromLeases(listLeases(sources.store, { address })).holdingAt(address, atMs, port)
    : { kind: "none" };
  const subscriber =
    holding.kind === "address" || holding.kind === "port-block" ? holding.lease.subscriber : null;
  return { ...network, isp: planIsp ?? network.asName, ...inPlan, subscriber, subscriberMatch: holding.kind };
}

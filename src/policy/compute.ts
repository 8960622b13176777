import { AddressSet, type Day, IntervalSet, IPV4, IPV6, type PrefixTable, UserError } from "../core/index.js";
import {
  type Phase,
  type Plan,
  type PlanException,
  type Pool,
  phaseOn,
  poolTable,
  type Region,
} from "../plan/index.js";

export interface RegionPolicy {
  readonly region: Region;
  readonly phase: Phase;
  /** All dynamic space of the region (the most specific pool is dynamic), exceptions included. */
  readonly space: AddressSet;
  /** Dynamic space of the region, less more specific non-dynamic pools and active exceptions. */
  readonly dynamic: AddressSet;
  /** Sources whose TCP/25 is refused on the day (empty unless the phase is enforce). */
  readonly blocked: AddressSet;
  /** Sources whose TCP/25 is counted and logged but passes (empty unless the phase is observe). */
  readonly observed: AddressSet;
}

/** The port-25 egress policy of a plan on one day: what every renderer turns into configuration. */
export interface Policy {
  readonly day: Day;
  readonly plan: Plan;
  readonly regions: readonly RegionPolicy[];
  /** Exceptions in force on the day. */
  readonly exceptions: readonly PlanException[];
  /** Destinations dynamic space may still reach on 25 (empty when allow_relays_on_25 is false). */
  readonly relays: AddressSet;
  readonly blocked: AddressSet;
  readonly observed: AddressSet;
  /** All dynamic space of the selected regions whatever the phase (the PBL listing). */
  readonly dynamic: AddressSet;
}

export interface PolicyOptions {
  /** Restrict the policy to one region. */
  readonly region?: string;
  /** A pool table already built for the plan, to skip rebuilding it for each day. */
  readonly table?: PrefixTable<Pool>;
}

function selectRegions(plan: Plan, regionId: string | undefined): readonly Region[] {
  if (regionId === undefined) return plan.regions;
  const region = plan.regions.find((r) => r.id === regionId);
  if (!region) {
    throw new UserError(
      `unknown region "${regionId}"; the plan's regions are ${plan.regions.map((r) => r.id).join(", ")}`,
    );
  }
  return [region];
}

export function activeExceptions(plan: Plan, day: Day): PlanException[] {
  return plan.exceptions.filter((e) => e.until === undefined || day <= e.until);
}

export function computePolicy(plan: Plan, day: Day, options: PolicyOptions = {}): Policy {
  const regions = selectRegions(plan, options.region);
  const table = options.table ?? poolTable(plan);
  const exceptions = activeExceptions(plan, day);
  const excepted = AddressSet.fromPrefixes(exceptions.map((e) => e.prefix));

  // One pass over the flattened pools; segments come out sorted, so each region's ranges do too.
  const ranges = new Map<string, { v4: [number, number][]; v6: [bigint, bigint][] }>();
  for (const region of regions) ranges.set(region.id, { v4: [], v6: [] });
  for (const { start, end, value } of table.segments4()) {
    if (value.kind === "dynamic" && value.region !== undefined)
      ranges.get(value.region)?.v4.push([start, end]);
  }
  for (const { start, end, value } of table.segments6()) {
    if (value.kind === "dynamic" && value.region !== undefined)
      ranges.get(value.region)?.v6.push([start, end]);
  }

  const regionPolicies = regions.map((region): RegionPolicy => {
    const own = ranges.get(region.id) ?? { v4: [], v6: [] };
    const space = new AddressSet(
      IntervalSet.fromSortedRanges(IPV4, own.v4),
      IntervalSet.fromSortedRanges(IPV6, own.v6),
    );
    const dynamic = space.difference(excepted);
    const phase = phaseOn(region, day);
    return {
      region,
      phase,
      space,
      dynamic,
      blocked: phase === "enforce" ? dynamic : AddressSet.EMPTY,
      observed: phase === "observe" ? dynamic : AddressSet.EMPTY,
    };
  });

  const unionOf = (pick: (r: RegionPolicy) => AddressSet) =>
    regionPolicies.reduce((all, r) => all.union(pick(r)), AddressSet.EMPTY);
  return {
    day,
    plan,
    regions: regionPolicies,
    exceptions,
    relays: plan.allowRelaysOn25 ? AddressSet.fromPrefixes(plan.relays) : AddressSet.EMPTY,
    blocked: unionOf((r) => r.blocked),
    observed: unionOf((r) => r.observed),
    dynamic: unionOf((r) => r.dynamic),
  };
}

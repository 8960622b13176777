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

/** Range starts and inclusive ends of one family, in ascending order. */
interface Bounds<T extends number | bigint> {
  readonly starts: T[];
  readonly ends: T[];
}

interface Space {
  readonly v4: Bounds<number>;
  readonly v6: Bounds<bigint>;
}

const newSpace = (): Space => ({ v4: { starts: [], ends: [] }, v6: { starts: [], ends: [] } });

const toSet = (space: Space): AddressSet =>
  new AddressSet(
    IntervalSet.fromSortedBounds(IPV4, space.v4.starts, space.v4.ends),
    IntervalSet.fromSortedBounds(IPV6, space.v6.starts, space.v6.ends),
  );

export function computePolicy(plan: Plan, day: Day, options: PolicyOptions = {}): Policy {
  const regions = selectRegions(plan, options.region);
  const table = options.table ?? poolTable(plan);
  const exceptions = activeExceptions(plan, day);
  const excepted = AddressSet.fromPrefixes(exceptions.map((e) => e.prefix));

  // Where each dynamic run goes: its region's own space, the space of all selected regions, and
  // the enforced or observed space when its region is in that phase. The union over regions is
  // built here, in the same pass, rather than region by region afterwards; (A ∪ B) − E equals
  // (A − E) ∪ (B − E), and an interval set has one form, so the result is the same.
  interface Target {
    readonly own: Space;
    enforce: boolean;
    observe: boolean;
  }
  const phases = regions.map((region) => phaseOn(region, day));
  const targets = new Map<string, Target>();
  regions.forEach((region, i) => {
    const target = targets.get(region.id) ?? { own: newSpace(), enforce: false, observe: false };
    if (phases[i] === "enforce") target.enforce = true;
    if (phases[i] === "observe") target.observe = true;
    targets.set(region.id, target);
  });
  const all = newSpace();
  const enforced = newSpace();
  const observedSpace = newSpace();
  const add = <T extends number | bigint>(bounds: Bounds<T>, start: T, end: T) => {
    bounds.starts.push(start);
    bounds.ends.push(end);
  };
  // One pass over the flattened pools; runs come out sorted, so every list above does too.
  table.eachSegment4((start, end, value) => {
    if (value.kind !== "dynamic" || value.region === undefined) return;
    const target = targets.get(value.region);
    if (!target) return;
    add(target.own.v4, start, end);
    add(all.v4, start, end);
    if (target.enforce) add(enforced.v4, start, end);
    if (target.observe) add(observedSpace.v4, start, end);
  });
  table.eachSegment6((start, end, value) => {
    if (value.kind !== "dynamic" || value.region === undefined) return;
    const target = targets.get(value.region);
    if (!target) return;
    add(target.own.v6, start, end);
    add(all.v6, start, end);
    if (target.enforce) add(enforced.v6, start, end);
    if (target.observe) add(observedSpace.v6, start, end);
  });

  const regionPolicies = regions.map((region, i): RegionPolicy => {
    const space = toSet((targets.get(region.id) as Target).own);
    const dynamic = space.difference(excepted);
    const phase = phases[i] as Phase;
    return {
      region,
      phase,
      space,
      dynamic,
      blocked: phase === "enforce" ? dynamic : AddressSet.EMPTY,
      observed: phase === "observe" ? dynamic : AddressSet.EMPTY,
    };
  });

  return {
    day,
    plan,
    regions: regionPolicies,
    exceptions,
    relays: plan.allowRelaysOn25 ? AddressSet.fromPrefixes(plan.relays) : AddressSet.EMPTY,
    blocked: toSet(enforced).difference(excepted),
    observed: toSet(observedSpace).difference(excepted),
    dynamic: toSet(all).difference(excepted),
  };
}

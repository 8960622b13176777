import { AddressSet, type Day, UserError } from "../core/index.js";
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
  const table = poolTable(plan);
  const exceptions = activeExceptions(plan, day);
  const excepted = AddressSet.fromPrefixes(exceptions.map((e) => e.prefix));

  // A region's space: where its dynamic pools are the most specific pool. The table splits its
  // runs by region, and again for all selected regions and by phase: the unions over regions
  // come straight from the table rather than region by region, and since (A ∪ B) − E equals
  // (A − E) ∪ (B − E) and an interval set has one form, the result is the same.
  const phases = regions.map((region) => phaseOn(region, day));
  const slots = new Map<string, number>();
  const enforcing: boolean[] = [];
  const observing: boolean[] = [];
  regions.forEach((region, i) => {
    let slot = slots.get(region.id);
    if (slot === undefined) {
      slot = slots.size;
      slots.set(region.id, slot);
      enforcing.push(false);
      observing.push(false);
    }
    if (phases[i] === "enforce") enforcing[slot] = true;
    if (phases[i] === "observe") observing[slot] = true;
  });
  const slotOf = (pool: Pool): number =>
    pool.kind === "dynamic" && pool.region !== undefined ? (slots.get(pool.region) ?? -1) : -1;
  const own = table.partition(slots.size, slotOf);
  const [all] = table.partition(1, (pool) => (slotOf(pool) < 0 ? -1 : 0));
  const inPhase = (phase: boolean[]) => (pool: Pool) => {
    const slot = slotOf(pool);
    return slot >= 0 && phase[slot] ? 0 : -1;
  };
  const [enforced] = table.partition(1, inPhase(enforcing));
  const [observedSpace] = table.partition(1, inPhase(observing));

  const regionPolicies = regions.map((region, i): RegionPolicy => {
    const space = own[slots.get(region.id) as number] as AddressSet;
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
    blocked: (enforced as AddressSet).difference(excepted),
    observed: (observedSpace as AddressSet).difference(excepted),
    dynamic: (all as AddressSet).difference(excepted),
  };
}

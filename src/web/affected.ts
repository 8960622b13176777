import { type Address, type Day, prefixContainsAddress } from "../core/index.js";
import { type Phase, type Plan, type Pool, phaseOn, poolTable, type Region } from "../plan/index.js";
import { activeExceptions } from "../policy/index.js";

/** What the plan means for one subscriber address on one day. */
export type Verdict =
  /** In none of the plan's pools: not this ISP's address space, or not managed by the plan. */
  | { readonly kind: "outside" }
  /** A static (business) or infrastructure pool: port 25 stays open. */
  | { readonly kind: "not-dynamic"; readonly pool: Pool }
  /** Dynamic space covered by an exception in force. */
  | { readonly kind: "exception"; readonly pool: Pool; readonly until?: Day }
  | {
      readonly kind: "dynamic";
      readonly pool: Pool;
      readonly region: Region;
      readonly phase: Phase;
    };

/** The most specific pool decides, as in the policy; an exception in force lifts the block. */
export function verdictFor(plan: Plan, address: Address, day: Day): Verdict {
  const pool = poolTable(plan).lookup(address);
  if (!pool) return { kind: "outside" };
  if (pool.kind !== "dynamic") return { kind: "not-dynamic", pool };
  const exception = activeExceptions(plan, day).find((e) => prefixContainsAddress(e.prefix, address));
  if (exception) return { kind: "exception", pool, ...(exception.until ? { until: exception.until } : {}) };
  const region = plan.regions.find((r) => r.id === pool.region);
  // Validation guarantees a dynamic pool's region exists; without one nothing is ever blocked.
  if (!region) return { kind: "outside" };
  return { kind: "dynamic", pool, region, phase: phaseOn(region, day) };
}

import { IPV4, IPV6, type Segment } from "../core/index.js";
import { type Plan, type Pool, poolTable } from "../plan/index.js";
import type { GroupDetails, Grouping } from "./grouping.js";

export type PlanKey = "isp" | "pool" | "region";

/** Where `isp` puts the addresses outside the plan. */
export const OTHER = "other";
/** Where `region` puts pools that name none (static and infrastructure pools may not). */
export const NO_REGION = "(no region)";

/**
 * The plan's space grouped by pool (its most specific pool, as everywhere else), by region, or
 * as the ISP's own space against all other addresses (`isp`).
 */
export function planGrouping(plan: Plan, by: PlanKey): Grouping {
  const keys: string[] = [];
  const details: GroupDetails[] = [];
  const indexOf = new Map<string, number>();
  const groupOf = (key: string, detail: GroupDetails): number => {
    let group = indexOf.get(key);
    if (group === undefined) {
      group = keys.length;
      indexOf.set(key, group);
      keys.push(key);
      details.push(detail);
    }
    return group;
  };
  const keyOf = (pool: Pool): number =>
    by === "isp"
      ? groupOf(plan.isp.name, {})
      : by === "pool"
        ? groupOf(pool.name, { kind: pool.kind, region: pool.region ?? null })
        : groupOf(pool.region ?? NO_REGION, {});
  if (by === "isp") groupOf(plan.isp.name, {});
  const outside = by === "isp" ? groupOf(OTHER, {}) : -1;
  const table = poolTable(plan);
  const v4 = tile<number>(table.segments4(), keyOf, outside, 0, IPV4.max, (end) => end + 1);
  const v6 = tile<bigint>(table.segments6(), keyOf, outside, 0n, IPV6.max, (end) => end + 1n);
  const allocated: (number | null)[] = keys.map(() => 0);
  const last = v4.starts.length - 1;
  for (let run = 0; run <= last; run++) {
    const group = v4.groups[run] as number;
    if (group < 0 || group === outside) continue;
    const end = run < last ? (v4.starts[run + 1] as number) : IPV4.max + 1;
    allocated[group] = (allocated[group] as number) + end - (v4.starts[run] as number);
  }
  if (by === "isp") allocated[outside] = null;
  return {
    keys,
    allocated,
    details,
    v4Starts: Uint32Array.from(v4.starts),
    v4Groups: Int32Array.from(v4.groups),
    v6Starts: v6.starts,
    v6Groups: Int32Array.from(v6.groups),
  };
}

/** Runs tiling the family from `zero`: the pools' segments, with `outside` filling the gaps. */
function tile<T extends number | bigint>(
  segments: Iterable<Segment<T, Pool>>,
  groupOf: (pool: Pool) => number,
  outside: number,
  zero: T,
  max: T,
  after: (end: T) => T,
): { starts: T[]; groups: number[] } {
  const starts: T[] = [];
  const groups: number[] = [];
  const push = (start: T, group: number) => {
    if (groups.length > 0 && groups[groups.length - 1] === group) return;
    starts.push(start);
    groups.push(group);
  };
  let cursor = zero;
  let open = true;
  for (const segment of segments) {
    if (segment.start > cursor) push(cursor, outside);
    push(segment.start, groupOf(segment.value));
    open = segment.end !== max;
    if (open) cursor = after(segment.end);
  }
  if (open) push(cursor, outside);
  return { starts, groups };
}

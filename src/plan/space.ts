import { AddressSet, IntervalSet, IPV4, IPV6, PrefixTable } from "../core/index.js";
import type { Plan, Pool } from "./types.js";

/** The plan's pools as a longest-prefix-match table: the most specific pool decides. */
export function poolTable(plan: Plan): PrefixTable<Pool> {
  return PrefixTable.build(plan.pools.map((pool) => [pool.prefix, pool] as const));
}

/** Every address whose most specific pool satisfies `keep`. */
export function spaceWhere(table: PrefixTable<Pool>, keep: (pool: Pool) => boolean): AddressSet {
  const v4: [number, number][] = [];
  for (const { start, end, value } of table.segments4()) if (keep(value)) v4.push([start, end]);
  const v6: [bigint, bigint][] = [];
  for (const { start, end, value } of table.segments6()) if (keep(value)) v6.push([start, end]);
  return new AddressSet(IntervalSet.fromSortedRanges(IPV4, v4), IntervalSet.fromSortedRanges(IPV6, v6));
}

import { PrefixTable } from "../core/index.js";
import type { Plan, Pool } from "./types.js";

/** Plans are immutable, so each one's table is built once, by whichever caller needs it first. */
const tables = new WeakMap<Plan, PrefixTable<Pool>>();

/** The plan's pools as a longest-prefix-match table: the most specific pool decides. */
export function poolTable(plan: Plan): PrefixTable<Pool> {
  let table = tables.get(plan);
  if (!table) {
    table = PrefixTable.build(plan.pools.map((pool) => [pool.prefix, pool] as const));
    tables.set(plan, table);
  }
  return table;
}

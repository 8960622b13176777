/**
 * Which sources a report covers: a region, a pool (by name) and an address prefix, each optional.
 * The scope is checked against the plan first, then tested on each stored source before its
 * flows are read (the SQLite store runs the test in its query's WHERE; ClickHouse's as rows stream).
 */
import { type Prefix, parseAddress, prefixContainsAddress, UserError } from "../../core/index.js";
import { type Plan, type Pool, poolTable } from "../../plan/index.js";
import type { SourceTest } from "../store/index.js";

export interface SenderScope {
  /** Only sources in this region's pools. */
  readonly region?: string;
  /** Only sources in the dynamic pools of this name. */
  readonly pool?: string;
  /** Only sources inside this prefix (an address is a /32 or /128). */
  readonly source?: Prefix;
}

/** Choices named in an error at most: a national plan has hundreds of pools. */
const CHOICES_SHOWN = 20;

function choices(names: readonly string[]): string {
  const shown = names.slice(0, CHOICES_SHOWN).join(", ");
  return names.length > CHOICES_SHOWN ? `${shown} and ${names.length - CHOICES_SHOWN} more` : shown;
}

export function checkRegion(plan: Plan, region: string | undefined): void {
  if (region !== undefined && !plan.regions.some((r) => r.id === region)) {
    throw new UserError(
      `unknown region "${region}"; the plan's regions are ${choices(plan.regions.map((r) => r.id))}`,
    );
  }
}

/** The region and pool must be the plan's; the pool a dynamic one, as only those are reported. */
export function checkScope(plan: Plan, scope: SenderScope): void {
  checkRegion(plan, scope.region);
  if (scope.pool === undefined) return;
  const dynamic = [...new Set(plan.pools.filter((p) => p.kind === "dynamic").map((p) => p.name))];
  if (!dynamic.includes(scope.pool)) {
    throw new UserError(
      `unknown dynamic pool "${scope.pool}"; the plan's dynamic pools are ${choices(dynamic)}`,
    );
  }
}

/** Dynamic pool of a source, or undefined when the source is outside the (selected) dynamic space. */
export function dynamicPoolOf(plan: Plan, source: string, region: string | undefined): Pool | undefined {
  const pool = poolTable(plan).lookup(parseAddress(source));
  if (pool === undefined || pool.kind !== "dynamic") return undefined;
  if (region !== undefined && pool.region !== region) return undefined;
  return pool;
}

/** The test for sources in the scope, or undefined when the scope is everything. */
export function scopeTest(plan: Plan, scope: SenderScope): SourceTest | undefined {
  const { region, pool, source } = scope;
  if (region === undefined && pool === undefined && source === undefined) return undefined;
  return (text) => {
    if (source !== undefined && !prefixContainsAddress(source, parseAddress(text))) return false;
    const found = dynamicPoolOf(plan, text, region);
    return found !== undefined && (pool === undefined || found.name === pool);
  };
}

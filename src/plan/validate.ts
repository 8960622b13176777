import { AddressSet, formatPrefix, type Prefix } from "../core/index.js";
import type { DiagnosticList } from "./diagnostics.js";
import { poolTable } from "./space.js";
import type { Plan, Pool, SourceRef } from "./types.js";

/**
 * Remembers where each prefix was first seen. Keys are numbers for IPv4 (start * 64 + length is
 * exact) and bigints for IPv6, not strings: plans may hold hundreds of thousands of pools.
 */
class PrefixMap<V> {
  private readonly v4 = new Map<number, V>();
  private readonly v6 = new Map<bigint, V>();

  get(prefix: Prefix): V | undefined {
    return prefix.family === 4
      ? this.v4.get(prefix.start * 64 + prefix.length)
      : this.v6.get((prefix.start << 8n) | BigInt(prefix.length));
  }

  set(prefix: Prefix, value: V): void {
    if (prefix.family === 4) this.v4.set(prefix.start * 64 + prefix.length, value);
    else this.v6.set((prefix.start << 8n) | BigInt(prefix.length), value);
  }
}

const isDynamic = (pool: Pool) => pool.kind === "dynamic";

/** Checks that need the whole plan: references, duplicates and how the parts overlap. */
export function checkPlan(plan: Plan, relayLines: readonly number[], diagnostics: DiagnosticList): void {
  const regionLines = new Map<string, number>();
  for (const region of plan.regions) {
    const first = regionLines.get(region.id);
    if (first !== undefined) {
      diagnostics.error(
        region.source.file,
        region.source.line,
        `duplicate region "${region.id}" (first at line ${first})`,
      );
    } else regionLines.set(region.id, region.source.line);
  }
  const known = [...regionLines.keys()].join(", ");

  const seen = new PrefixMap<SourceRef>();
  for (const pool of plan.pools) {
    const { file, line } = pool.source;
    const first = seen.get(pool.prefix);
    if (first) {
      const where = first.file === file ? `line ${first.line}` : `${first.file}:${first.line}`;
      diagnostics.error(file, line, `duplicate prefix ${formatPrefix(pool.prefix)} (first at ${where})`);
    } else seen.set(pool.prefix, pool.source);
    if (pool.region === undefined) {
      if (pool.kind === "dynamic") {
        diagnostics.error(file, line, `dynamic pool ${formatPrefix(pool.prefix)} needs a region`);
      }
    } else if (!regionLines.has(pool.region)) {
      diagnostics.error(file, line, `unknown region "${pool.region}"; the plan's regions are ${known}`);
    }
  }

  // "Overlaps dynamic space" asks the table directly rather than building that space.
  const table = poolTable(plan);
  plan.relays.forEach((relay, i) => {
    if (table.someIn(relay, isDynamic)) {
      diagnostics.error(
        plan.file,
        relayLines[i] ?? 0,
        `relay ${formatPrefix(relay)} is inside dynamic space; relays belong in static or infrastructure pools`,
      );
    }
  });

  const anyDynamic = AddressSet.fromPrefixes(
    plan.pools.filter((p) => p.kind === "dynamic").map((p) => p.prefix),
  );
  const exceptionLines = new PrefixMap<number>();
  for (const exception of plan.exceptions) {
    const { file, line } = exception.source;
    const first = exceptionLines.get(exception.prefix);
    if (first !== undefined) {
      diagnostics.warn(file, line, `exception ${formatPrefix(exception.prefix)} repeats line ${first}`);
    } else exceptionLines.set(exception.prefix, line);
    if (!anyDynamic.overlapsPrefix(exception.prefix)) {
      diagnostics.warn(
        file,
        line,
        `exception ${formatPrefix(exception.prefix)} is outside every dynamic pool; it has no effect`,
      );
    } else if (!table.someIn(exception.prefix, isDynamic)) {
      diagnostics.warn(
        file,
        line,
        `exception ${formatPrefix(exception.prefix)} lies only in more specific non-dynamic pools; it has no effect`,
      );
    }
  }
}

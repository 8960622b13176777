import { AddressSet, formatPrefix, type Prefix } from "../core/index.js";
import type { DiagnosticList } from "./diagnostics.js";
import { poolTable } from "./space.js";
import type { Plan, Pool } from "./types.js";

/**
 * Remembers where each prefix was first seen. IPv4 keys are numbers (start * 64 + length is
 * exact); IPv6 keys are hex text, since V8 hashes a bigint by its low 64 bits only, which are
 * zero for most IPv6 prefixes.
 */
class PrefixMap<V> {
  private readonly v4 = new Map<number, V>();
  private readonly v6 = new Map<string, V>();

  get(prefix: Prefix): V | undefined {
    return prefix.family === 4
      ? this.v4.get(prefix.start * 64 + prefix.length)
      : this.v6.get(`${prefix.start.toString(16)}/${prefix.length}`);
  }

  set(prefix: Prefix, value: V): void {
    if (prefix.family === 4) this.v4.set(prefix.start * 64 + prefix.length, value);
    else this.v6.set(`${prefix.start.toString(16)}/${prefix.length}`, value);
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

  // The pool table lists the pools that repeat an earlier one's prefix (by position in the plan).
  const table = poolTable(plan);
  const repeats = table.repeats();
  plan.pools.forEach((pool, i) => {
    const { file, line } = pool.source;
    const firstIndex = repeats.get(i);
    if (firstIndex !== undefined) {
      const first = (plan.pools[firstIndex] as Pool).source;
      const where = first.file === file ? `line ${first.line}` : `${first.file}:${first.line}`;
      diagnostics.error(file, line, `duplicate prefix ${formatPrefix(pool.prefix)} (first at ${where})`);
    }
    if (pool.region === undefined) {
      if (pool.kind === "dynamic") {
        diagnostics.error(file, line, `dynamic pool ${formatPrefix(pool.prefix)} needs a region`);
      }
    } else if (!regionLines.has(pool.region)) {
      diagnostics.error(file, line, `unknown region "${pool.region}"; the plan's regions are ${known}`);
    }
  });

  // "Overlaps dynamic space" asks the table directly rather than building that space.
  plan.relays.forEach((relay, i) => {
    if (table.someIn(relay, isDynamic)) {
      diagnostics.error(
        plan.file,
        relayLines[i] ?? 0,
        `relay ${formatPrefix(relay)} is inside dynamic space; relays belong in static or infrastructure pools`,
      );
    }
  });

  // Where dynamic pools are at all, most specific or not: only needed for an exception outside
  // dynamic space (an exception inside it overlaps some dynamic pool), so built only then.
  let anyDynamic: AddressSet | undefined;
  const exceptionLines = new PrefixMap<number>();
  for (const exception of plan.exceptions) {
    const { file, line } = exception.source;
    const first = exceptionLines.get(exception.prefix);
    if (first !== undefined) {
      diagnostics.warn(file, line, `exception ${formatPrefix(exception.prefix)} repeats line ${first}`);
    } else exceptionLines.set(exception.prefix, line);
    if (table.someIn(exception.prefix, isDynamic)) continue;
    anyDynamic ??= AddressSet.fromPrefixes(
      plan.pools.filter((p) => p.kind === "dynamic").map((p) => p.prefix),
    );
    if (!anyDynamic.overlapsPrefix(exception.prefix)) {
      diagnostics.warn(
        file,
        line,
        `exception ${formatPrefix(exception.prefix)} is outside every dynamic pool; it has no effect`,
      );
    } else {
      diagnostics.warn(
        file,
        line,
        `exception ${formatPrefix(exception.prefix)} lies only in more specific non-dynamic pools; it has no effect`,
      );
    }
  }
}

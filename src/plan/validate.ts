import { AddressSet, formatPrefix, type Prefix } from "../core/index.js";
import type { DiagnosticList } from "./diagnostics.js";
import { poolTable, spaceWhere } from "./space.js";
import type { Plan } from "./types.js";

function prefixKey(prefix: Prefix): string {
  return `${prefix.family}/${prefix.start}/${prefix.length}`;
}

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

  const seen = new Map<string, { file: string; line: number }>();
  for (const pool of plan.pools) {
    const { file, line } = pool.source;
    const key = prefixKey(pool.prefix);
    const first = seen.get(key);
    if (first) {
      const where = first.file === file ? `line ${first.line}` : `${first.file}:${first.line}`;
      diagnostics.error(file, line, `duplicate prefix ${formatPrefix(pool.prefix)} (first at ${where})`);
    } else seen.set(key, pool.source);
    if (pool.region === undefined) {
      if (pool.kind === "dynamic") {
        diagnostics.error(file, line, `dynamic pool ${formatPrefix(pool.prefix)} needs a region`);
      }
    } else if (!regionLines.has(pool.region)) {
      diagnostics.error(file, line, `unknown region "${pool.region}"; the plan's regions are ${known}`);
    }
  }

  const table = poolTable(plan);
  const dynamic = spaceWhere(table, (pool) => pool.kind === "dynamic");
  plan.relays.forEach((relay, i) => {
    if (dynamic.overlapsPrefix(relay)) {
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
  const exceptionLines = new Map<string, number>();
  for (const exception of plan.exceptions) {
    const { file, line } = exception.source;
    const key = prefixKey(exception.prefix);
    const first = exceptionLines.get(key);
    if (first !== undefined) {
      diagnostics.warn(file, line, `exception ${formatPrefix(exception.prefix)} repeats line ${first}`);
    } else exceptionLines.set(key, line);
    if (!anyDynamic.overlapsPrefix(exception.prefix)) {
      diagnostics.warn(
        file,
        line,
        `exception ${formatPrefix(exception.prefix)} is outside every dynamic pool; it has no effect`,
      );
    } else if (!dynamic.overlapsPrefix(exception.prefix)) {
      diagnostics.warn(
        file,
        line,
        `exception ${formatPrefix(exception.prefix)} lies only in more specific non-dynamic pools; it has no effect`,
      );
    }
  }
}

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ZodError, z } from "zod";
import {
  type Day,
  type Diagnostic,
  formatPrefix,
  type Prefix,
  parsePrefix,
  parseYamlSource,
  tryParseDay,
  UserError,
  type YamlPath,
  zodDiagnostics,
} from "../core/index.js";
import { parsePoolsCsv } from "./csv-pools.js";
import { DiagnosticList } from "./diagnostics.js";
import { parseKind } from "./kind.js";
import { exceptionSchema, planSchema, poolSchema, regionSchema } from "./schema.js";
import type { Plan, PlanException, Pool, Region } from "./types.js";
import { checkPlan } from "./validate.js";

export interface LoadedPlan {
  readonly plan: Plan;
  readonly warnings: readonly Diagnostic[];
}

type Path = YamlPath;

export function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read (${code === "ENOENT" ? "no such file" : code})`);
  }
}

/** Loads and validates a plan file; throws DiagnosticsError listing every problem found. */
export function loadPlan(file: string): LoadedPlan {
  return parsePlan(readText(file), file);
}

/** Parses plan text; CSV files named by `pools_csv` are read relative to the plan's folder. */
export function parsePlan(text: string, file: string): LoadedPlan {
  const diagnostics = new DiagnosticList();
  const source = parseYamlSource(text, file);
  const { lineOf } = source;
  const reportZod = (base: Path, error: ZodError) => {
    diagnostics.items.push(...zodDiagnostics(file, source, base, error));
  };
  const parseItem = <S extends z.ZodType>(schema: S, base: Path, raw: unknown): z.infer<S> | undefined => {
    const result = schema.safeParse(raw);
    if (!result.success) {
      reportZod(base, result.error);
      return undefined;
    }
    return result.data;
  };

  const top = parseItem(planSchema, [], source.value);
  diagnostics.throwIfErrors();
  if (!top) throw new UserError(`${file}: not a plan`);

  const dayAt = (path: Path, value: string | undefined): Day | undefined => {
    if (value === undefined) return undefined;
    const day = tryParseDay(value);
    if (!day)
      diagnostics.error(
        file,
        lineOf(path),
        `${path.join(".")}: "${value}" is not a date; expected YYYY-MM-DD`,
      );
    return day;
  };
  const prefixAt = (path: Path, value: string): Prefix | undefined =>
    diagnostics.attempt(file, lineOf(path), () => parsePrefix(value));

  const regions: Region[] = [];
  top.regions.forEach((raw, i) => {
    const item = parseItem(regionSchema, ["regions", i], raw);
    if (!item) return;
    const observeFrom = dayAt(["regions", i, "observe_from"], item.observe_from);
    const enforceFrom = dayAt(["regions", i, "enforce_from"], item.enforce_from);
    if (!enforceFrom || (item.observe_from !== undefined && !observeFrom)) return;
    if (observeFrom && observeFrom > enforceFrom) {
      diagnostics.error(
        file,
        lineOf(["regions", i, "observe_from"]),
        `region ${item.id}: observe_from ${observeFrom} is after enforce_from ${enforceFrom}`,
      );
    }
    regions.push({
      id: item.id,
      name: item.name ?? item.id,
      ...(observeFrom && { observeFrom }),
      enforceFrom,
      source: { file, line: lineOf(["regions", i]) },
    });
  });

  const pools: Pool[] = [];
  top.pools.forEach((raw, i) => {
    const item = parseItem(poolSchema, ["pools", i], raw);
    if (!item) return;
    const prefix = prefixAt(["pools", i, "prefix"], item.prefix);
    const kind = diagnostics.attempt(file, lineOf(["pools", i, "kind"]), () => parseKind(item.kind));
    if (!prefix || !kind) return;
    pools.push({
      prefix,
      kind,
      ...(item.region !== undefined && { region: item.region }),
      name: item.name ?? formatPrefix(prefix),
      source: { file, line: lineOf(["pools", i]) },
    });
  });
  for (const csv of top.pools_csv ?? []) {
    const csvFile = resolve(dirname(file), csv);
    const csvText = diagnostics.attempt(file, lineOf(["pools_csv"]), () => readText(csvFile));
    // A loop, not push(...rows): spreading 100,000+ rows overflows the call stack.
    if (csvText !== undefined)
      for (const pool of parsePoolsCsv(csvText, csvFile, diagnostics)) pools.push(pool);
  }

  const exceptions: PlanException[] = [];
  top.exceptions.forEach((raw, i) => {
    const item = parseItem(exceptionSchema, ["exceptions", i], raw);
    if (!item) return;
    const prefix = prefixAt(["exceptions", i, "prefix"], item.prefix);
    const until = dayAt(["exceptions", i, "until"], item.until);
    if (!prefix || (item.until !== undefined && !until)) return;
    exceptions.push({
      prefix,
      reason: item.reason,
      ...(until && { until }),
      source: { file, line: lineOf(["exceptions", i]) },
    });
  });

  const relays: Prefix[] = [];
  const relayLines: number[] = [];
  top.relays.forEach((text, i) => {
    const prefix = prefixAt(["relays", i], text);
    if (prefix) {
      relays.push(prefix);
      relayLines.push(lineOf(["relays", i]));
    }
  });

  const plan: Plan = {
    file,
    isp: {
      name: top.isp.name,
      ...(top.isp.asn !== undefined && { asn: top.isp.asn }),
      ...(top.isp.country !== undefined && { country: top.isp.country }),
    },
    action: top.action,
    relays,
    allowRelaysOn25: top.allow_relays_on_25,
    regions,
    pools,
    exceptions,
  };
  checkPlan(plan, relayLines, diagnostics);
  diagnostics.throwIfErrors();
  return { plan, warnings: diagnostics.warnings };
}

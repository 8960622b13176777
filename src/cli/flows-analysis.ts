/** What `porteiro flows report`, `impact` and `adoption` share: their options, plan, window and output. */
import { type Command, InvalidArgumentError } from "commander";
import { addDays, type Day, formatDiagnostic, UserError } from "../core/index.js";
import {
  DEFAULT_THRESHOLDS,
  type FlowWindow,
  loadThresholds,
  type SubscriberLookup,
  type Thresholds,
  thresholdsSchema,
} from "../flows/index.js";
import { loadPlan, type Plan } from "../plan/index.js";
import type { Store } from "../store/index.js";
import { LeaseIndex } from "../subscribers/index.js";
import { planPath } from "./config.js";
import { type FlowStoreOptions, flowStoreOption } from "./flow-store-options.js";
import { dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat } from "./output.js";
import { storeOptions } from "./store-options.js";

export interface AnalysisOptions extends FlowStoreOptions {
  plan?: string;
  since?: Day;
  until?: Day;
  region?: string;
  thresholds?: string;
  timezone?: string;
  format: OutputFormat;
}

export const storeOptionsWith = (command: Command) =>
  flowStoreOption(storeOptions(command, "porteiro.yaml naming the data folder, the plan and the flow store"));

/** The store, the plan, a region and the output format. */
export function planOptions(command: Command): Command {
  return storeOptionsWith(command)
    .option("--plan <file>", "plan file (default: from -c)")
    .option("--region <id>", "only this region's pools")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table");
}

/** planOptions and the days to read, --since and --until. */
export function analysisOptions(command: Command): Command {
  return planOptions(command)
    .option("--since <date>", "from this day, 00:00 UTC (default: the first flows stored)", dayOption)
    .option("--until <date>", "through this day, 24:00 UTC (default: the last flows stored)", dayOption);
}

export function classOptions(command: Command): Command {
  return command
    .option("--thresholds <file>", "YAML file overriding the class thresholds (see the README)")
    .option("--timezone <zone>", `where office hours are reckoned (default ${DEFAULT_THRESHOLDS.timezone})`);
}

export function positiveIntegerOption(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1.");
  return n;
}

export function loadedPlan(options: AnalysisOptions): Plan {
  const loaded = loadPlan(planPath(options));
  for (const warning of loaded.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
  return loaded.plan;
}

export function windowOf(options: AnalysisOptions): FlowWindow {
  if (options.since && options.until && options.until < options.since) {
    throw new UserError(`--until ${options.until} is before --since ${options.since}`);
  }
  return {
    ...(options.since ? { sinceMs: Date.parse(`${options.since}T00:00:00Z`) } : {}),
    ...(options.until ? { untilMs: Date.parse(`${addDays(options.until, 1)}T00:00:00Z`) } : {}),
  };
}

export function thresholdsOf(options: AnalysisOptions): Thresholds {
  const thresholds = options.thresholds ? loadThresholds(options.thresholds) : DEFAULT_THRESHOLDS;
  if (options.timezone === undefined) return thresholds;
  const zone = thresholdsSchema.shape.timezone.safeParse(options.timezone);
  if (!zone.success)
    throw new UserError(`--timezone ${options.timezone}: not an IANA time zone (e.g. America/Sao_Paulo)`);
  return { ...thresholds, timezone: zone.data };
}

/** Subscribers from the leases in the store (`porteiro leases import`); none when there are none. */
export function subscriberLookup(store: Store, window: FlowWindow): SubscriberLookup {
  const leases = LeaseIndex.load(store, window);
  return (address, fromMs, toMs) => leases.subscribersDuring(address, fromMs, toMs)[0]?.subscriber ?? null;
}

export function csv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null)[])[],
): string {
  return [
    header.join(","),
    ...rows.map((row) => row.map((v) => csvField(v === null ? "" : String(v))).join(",")),
  ]
    .map((line) => `${line}\n`)
    .join("");
}

/**
 * Seeds a data folder with the synthetic ISP's year, month by month: plan first (the console and
 * help site read it at once), accounts and the national programme, then for each month its
 * leases, flows, listings, complaints and honeypot captures together, each through its module's
 * own intake, so the console's charts fill from the left as the year goes in. Every unit of work
 * is recorded in demo_state when done, so a second start returns at once and an interrupted one
 * carries on where it stopped.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadPlan } from "../plan/index.js";
import { seedRolloutDemo } from "../rollout/index.js";
import { type DemoProgressReport, type DemoSeedContext, OperatorStore } from "../web/index.js";
import { seedAccounts } from "./accounts.js";
import { DemoState } from "./demo-state.js";
import { Elsewhere } from "./elsewhere.js";
import { IpfixExporter } from "./ipfix-export.js";
import { buildIsp, ISP } from "./isp.js";
import { daysIn, daysOf, historyMonths } from "./months.js";
import { defaultOptions, type SimOptions } from "./options.js";
import { planYaml } from "./plan-yaml.js";
import { seedCaptures } from "./seed-captures.js";
import { seedComplaints } from "./seed-complaints.js";
import { openFlowIntake, seedFlows } from "./seed-flows.js";
import { leaseChunks, seedLeases } from "./seed-leases.js";
import { listingDays, seedListings } from "./seed-listings.js";
import type { SeedRun } from "./seed-run.js";
import { buildWorld } from "./world.js";

const COMPLETE = "complete";
const seconds = (since: number) => Math.round((Date.now() - since) / 1000);
const rounded = (costs: Record<string, number>) =>
  Object.fromEntries(Object.entries(costs).map(([stage, s]) => [stage, Math.round(s)]));
/** The operator `porteiro serve --demo` creates before seeding starts. */
const DEMO_OPERATOR = "demo";

/** Each stage's share of a month's seeding, by how long it takes. */
const STAGE_WEIGHTS = { leases: 0.2, flows: 0.4, listings: 0.1, complaints: 0.2, captures: 0.1 } as const;
type Stage = keyof typeof STAGE_WEIGHTS;

function writePlan(file: string, text: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) return;
  mkdirSync(dirname(file), { recursive: true });
  // Whole or not at all: the web server re-reads the plan when it changes.
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export interface SeedOptions {
  readonly onProgress: (report: DemoProgressReport) => void;
  readonly signal: AbortSignal;
  /** For a new data folder only: a folder seeded before keeps the options it was seeded with. */
  readonly sim?: Partial<SimOptions>;
}

export async function seedSyntheticIsp(context: DemoSeedContext, options: SeedOptions): Promise<void> {
  const state = new DemoState(context.store);
  let sim = state.options();
  if (!sim) {
    sim = { ...defaultOptions(), ...options.sim };
    state.saveOptions(sim);
  }
  const isp = buildIsp(sim);
  writePlan(context.planFile, planYaml(isp));
  if (state.done(COMPLETE)) {
    options.onProgress({ step: "done", fraction: 1 });
    return;
  }
  const started = Date.now();
  options.onProgress({ step: "building the synthetic ISP", fraction: 0 });
  await seedAccounts(context.store);
  // The national programme around the ISP; the demo login, when there is one, coordinates it.
  const demoOperator = new OperatorStore(context.store).get(DEMO_OPERATOR) ? DEMO_OPERATOR : undefined;
  seedRolloutDemo(context.store, {
    today: sim.endDay,
    regions: isp.regions,
    demoIspName: ISP.name,
    ...(demoOperator ? { coordinatorUsername: demoOperator } : {}),
  });
  const world = buildWorld(sim);
  const folder = join(context.dataDir, "demo");
  mkdirSync(folder, { recursive: true });
  const months = historyMonths(sim);
  const leases = leaseChunks(world, months, folder);
  const listings = listingDays();
  const plan = loadPlan(context.planFile).plan;
  let elsewhere: Promise<Elsewhere> | undefined;
  const background = () => {
    elsewhere ??= Elsewhere.load(sim.seed, sim.scale);
    return elsewhere;
  };
  const runOf = (month: number, stage: Stage): SeedRun => {
    const stages = Object.keys(STAGE_WEIGHTS) as Stage[];
    const before = stages.slice(0, stages.indexOf(stage)).reduce((n, s) => n + STAGE_WEIGHTS[s], 0);
    return {
      context,
      world,
      state,
      folder,
      signal: options.signal,
      progress: (what, fraction) =>
        options.onProgress({
          step: `${months[month]?.key}: ${what}`,
          fraction: (month + before + STAGE_WEIGHTS[stage] * fraction) / months.length,
        }),
    };
  };
  // Seconds spent in each stage, for the log (the README's table of what each stage costs).
  const costs: Record<string, number> = {};
  const timed = async (stage: string, work: () => Promise<void>) => {
    const from = Date.now();
    await work();
    costs[stage] = (costs[stage] ?? 0) + (Date.now() - from) / 1000;
  };
  const intake = await openFlowIntake(runOf(0, "flows"));
  const exporter = new IpfixExporter();
  try {
    for (const [index, month] of months.entries()) {
      if (options.signal.aborted) break;
      await timed("leases", () => seedLeases(runOf(index, "leases"), leases, index));
      await timed("flows", () => seedFlows(runOf(index, "flows"), intake, exporter, daysOf(month)));
      // The month's last flows are stored while the other stages run.
      await timed("listings", () =>
        seedListings(runOf(index, "listings"), background, daysIn(month, listings)),
      );
      await timed("complaints", () =>
        seedComplaints(runOf(index, "complaints"), plan, daysIn(month, listings)),
      );
      await timed("captures", () => seedCaptures(runOf(index, "captures"), background, daysOf(month)));
      await timed("flows stored", () => intake.settle());
      context.logger.info(
        { month: month.key, seconds: seconds(started), stages: rounded(costs) },
        "demo month seeded",
      );
    }
  } finally {
    await intake.close();
  }
  if (options.signal.aborted) return;
  state.markDone(COMPLETE);
  options.onProgress({ step: "done", fraction: 1 });
  context.logger.info(
    {
      seconds: seconds(started),
      subscribers: world.population.total,
      stages: rounded(costs),
    },
    "demo data seeded",
  );
}

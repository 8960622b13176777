/**
 * Seeds a data folder with the synthetic ISP's year: plan first (the console and help site read
 * it at once), then accounts, leases, listings, complaints and flows, each through its module's
 * own intake. Every unit of work is recorded in demo_state when done, so a second start returns
 * at once and an interrupted one carries on where it stopped.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { seedRolloutDemo } from "../rollout/index.js";
import { type DemoProgressReport, type DemoSeedContext, OperatorStore } from "../web/index.js";
import { seedAccounts } from "./accounts.js";
import { DemoState } from "./demo-state.js";
import { buildIsp, ISP } from "./isp.js";
import { defaultOptions, type SimOptions } from "./options.js";
import { planYaml } from "./plan-yaml.js";
import { seedComplaints } from "./seed-complaints.js";
import { seedFlows } from "./seed-flows.js";
import { seedBotLeases, seedOtherLeases } from "./seed-leases.js";
import { seedListings } from "./seed-listings.js";
import type { SeedRun } from "./seed-run.js";
import { buildWorld } from "./world.js";

const COMPLETE = "complete";
/** The operator `porteiro serve --demo` creates before seeding starts. */
const DEMO_OPERATOR = "demo";

/**
 * Each step's share of the whole seeding, by how long it takes. The story's main lines (flows,
 * listings) come first; complaints, slow to import, come late, before the bulk of the leases.
 */
const STEPS = [
  { name: "bot leases", weight: 0.03, run: seedBotLeases },
  { name: "listings", weight: 0.1, run: seedListings },
  { name: "flows", weight: 0.55, run: seedFlows },
  { name: "complaints", weight: 0.25, run: seedComplaints },
  { name: "other leases", weight: 0.07, run: seedOtherLeases },
] as const;

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
  let before = 0;
  for (const step of STEPS) {
    if (options.signal.aborted) return;
    const base = before;
    const run: SeedRun = {
      context,
      world,
      state,
      folder,
      signal: options.signal,
      progress: (what, fraction) =>
        options.onProgress({ step: what, fraction: base + step.weight * fraction }),
    };
    await step.run(run);
    before += step.weight;
  }
  if (options.signal.aborted) return;
  state.markDone(COMPLETE);
  options.onProgress({ step: "done", fraction: 1 });
  context.logger.info(
    { seconds: Math.round((Date.now() - started) / 1000), subscribers: world.population.total },
    "demo data seeded",
  );
}

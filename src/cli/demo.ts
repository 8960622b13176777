import { randomBytes } from "node:crypto";
import type { Logger } from "../core/index.js";
import { UserError } from "../core/index.js";
import {
  autoconfigOn,
  type DemoProgress,
  type DemoSeedContext,
  type IncomingServer,
  type OperatorStore,
  type SeedDemo,
  type WebConfig,
} from "../web/index.js";

export const DEMO_OPERATOR = "demo";

/**
 * The demo's admin account: its password is PORTEIRO_DEMO_PASSWORD when set, else a new one
 * generated at each start (the store keeps only a hash, so an old one could not be printed).
 */
export async function ensureDemoOperator(operators: OperatorStore): Promise<string> {
  const given = process.env.PORTEIRO_DEMO_PASSWORD;
  if (given !== undefined && given.length < 8) {
    throw new UserError("PORTEIRO_DEMO_PASSWORD must have at least 8 characters");
  }
  const password = given ?? randomBytes(12).toString("base64url");
  if (!operators.get(DEMO_OPERATOR)) await operators.add(DEMO_OPERATOR, password, "admin");
  else if (!(await operators.verify(DEMO_OPERATOR, password)))
    await operators.setPassword(DEMO_OPERATOR, password);
  return password;
}

// A variable, not a literal: the generator is another module that may not be there yet.
const SIM_MODULE = "../sim/index.js";

interface SimModule {
  readonly seedDemo?: unknown;
  readonly ISP?: { readonly domain: string };
  readonly MAILBOX_SERVERS?: readonly IncomingServer[];
}

/** The generator's module from src/sim, or undefined while that module does not exist. */
async function loadSim(): Promise<SimModule | undefined> {
  try {
    return (await import(SIM_MODULE)) as SimModule;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "ERR_MODULE_NOT_FOUND" && /sim[/\\]index/.test(message)) return undefined;
    throw error;
  }
}

/** The generator from src/sim, or undefined while that module does not exist. */
async function loadSeeder(): Promise<SeedDemo | undefined> {
  const module = await loadSim();
  if (!module) return undefined;
  if (typeof module.seedDemo !== "function") throw new Error("src/sim/index exports no seedDemo function");
  return module.seedDemo as SeedDemo;
}

/**
 * The demo's web settings: its public pages in Portuguese, for the synthetic ISP is Brazilian, and
 * unless the configuration names mailbox servers itself, the synthetic ISP's mail domain and
 * mailbox servers, so the demo's autoconfig is complete for its subscribers. What the
 * configuration sets wins.
 */
export async function demoWebConfig(configured: WebConfig): Promise<WebConfig> {
  const web: WebConfig = { ...configured, default_language: configured.default_language ?? "pt-BR" };
  if (autoconfigOn(web)) return web;
  const sim = await loadSim();
  if (!sim?.ISP || !sim.MAILBOX_SERVERS) return web;
  return { ...web, email_domains: [sim.ISP.domain], incoming: [...sim.MAILBOX_SERVERS] };
}

export interface DemoSeeding {
  /** Asks the generator to stop and waits for it. */
  stop(): Promise<void>;
}

/** Seeds the demo data in the background, with its progress in `progress` for /api/demo/progress. */
export function seedInBackground(
  context: DemoSeedContext,
  progress: DemoProgress,
  logger: Logger,
): DemoSeeding {
  const abort = new AbortController();
  const run = (async () => {
    const seedDemo = await loadSeeder();
    if (!seedDemo) {
      progress.set(
        "unavailable",
        "no demo data generator in this build (src/sim); the platform runs without demo data",
      );
      logger.warn("no demo data generator (src/sim) yet: running the demo without seeding data");
      return;
    }
    progress.set("seeding", "starting", 0);
    await seedDemo(context, {
      signal: abort.signal,
      onProgress: ({ step, fraction }) => progress.set("seeding", step, Math.min(1, Math.max(0, fraction))),
    });
    progress.set("ready", "done", 1);
    logger.info("demo data ready");
  })().catch((error: Error) => {
    progress.set("failed", error instanceof UserError ? error.message : "the demo data generator failed");
    logger.error({ err: error.message }, "demo data generation failed");
  });
  return {
    stop: async () => {
      abort.abort();
      await run;
    },
  };
}

/**
 * A synthetic ISP for the demo, tests and benchmarks: a year of its Port 25 programme told
 * through the real intake paths (leases, flows, listings, complaints).
 */
import type { SeedDemo } from "../web/index.js";
import { seedSyntheticIsp } from "./seed.js";

export { DemoState } from "./demo-state.js";
export { buildIsp, ISP } from "./isp.js";
export { MAILBOX_SERVERS } from "./mailbox-servers.js";
export { DEFAULT_SEED, defaultOptions, HISTORY_DAYS, type SimOptions } from "./options.js";
export { planYaml } from "./plan-yaml.js";
export { type SeedOptions, seedSyntheticIsp } from "./seed.js";
export { buildWorld, type World } from "./world.js";

/** `porteiro serve --demo`'s generator: the full-size ISP, its year ending today. */
export const seedDemo: SeedDemo = (context, options) => seedSyntheticIsp(context, options);

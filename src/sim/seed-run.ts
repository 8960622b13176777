import type { DemoSeedContext } from "../web/index.js";
import type { DemoState } from "./demo-state.js";
import type { World } from "./world.js";

/** What each seeding step is given. */
export interface SeedRun {
  readonly context: DemoSeedContext;
  readonly world: World;
  readonly state: DemoState;
  /** Where the generated files go: DATA/demo. */
  readonly folder: string;
  readonly signal: AbortSignal;
  /** The step's own progress, 0 to 1, with what it is doing now. */
  progress(step: string, fraction: number): void;
}

/** Lets the web server and the collector in the same process run between units of work. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

import type { Endpoint, Logger } from "../core/index.js";
import type { FlowStore } from "../flows/index.js";
import type { Store } from "../store/index.js";

/** What the demo generator is given: where to write, and the real intake paths to write through. */
export interface DemoSeedContext {
  readonly store: Store;
  /** Where the flows live (default: the store's own tables). */
  readonly flows?: FlowStore;
  readonly dataDir: string;
  /** Where the demo's plan belongs; the web server re-reads it when it changes. */
  readonly planFile: string;
  /** The running flow collector, to send generated NetFlow/IPFIX to (absent with --no-collector). */
  readonly collector?: Endpoint;
  /** Writes what the collector has received so far, so the generator need not wait for its periodic flush. */
  readonly flushCollector?: () => Promise<unknown>;
  readonly logger: Logger;
}

export interface DemoProgressReport {
  /** What is being generated now, for a person: "flows for 2026-03", "listings". */
  readonly step: string;
  /** 0 to 1 over the whole seeding. */
  readonly fraction: number;
}

/**
 * The demo data generator (`seedDemo` exported by src/sim/index.ts). It must be idempotent: a
 * second start with the same data folder finds the data there and returns quickly.
 */
export type SeedDemo = (
  context: DemoSeedContext,
  options: {
    readonly onProgress: (report: DemoProgressReport) => void;
    /** Aborted when the process shuts down: stop soon, leaving what is written consistent. */
    readonly signal: AbortSignal;
  },
) => Promise<void>;

export type DemoState = "off" | "unavailable" | "seeding" | "ready" | "failed";

export interface DemoStatus {
  readonly state: DemoState;
  readonly step: string;
  readonly fraction: number;
  readonly updatedAt: string;
}

/** The seeding's state, shared by the runner and `GET /api/demo/progress`. */
export class DemoProgress {
  private status: DemoStatus;

  constructor(state: DemoState = "off", step = "") {
    this.status = { state, step, fraction: 0, updatedAt: new Date().toISOString() };
  }

  get current(): DemoStatus {
    return this.status;
  }

  set(state: DemoState, step: string, fraction = this.status.fraction): void {
    this.status = { state, step, fraction, updatedAt: new Date().toISOString() };
  }
}

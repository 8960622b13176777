import type { Logger } from "../../core/index.js";
import type { ResultCache } from "./cache.js";

export interface WarmerOptions {
  /** Wait after the server starts listening before the first pass, so the port answers at once. */
  readonly startDelayMs?: number;
  /** How often to look for new data (each pass costs only stamp look-ups when nothing changed). */
  readonly everyMs?: number;
  /** The share of one CPU the passes may use over time: a pass of d ms is followed by a pause of at least d × (1 / share − 1). */
  readonly cpuShare?: number;
}

export interface Warmer {
  /** No pass starts after this; resolves once the pass under way, if any, has ended. */
  stop(): Promise<void>;
}

/**
 * Keeps the console's heavy answers computed in the background: a pass after the server starts,
 * then one every `everyMs` (each recomputing only the answers whose data changed), spaced so
 * that warming never takes more than `cpuShare` of a CPU, and never two passes at once.
 */
export function startWarmer(cache: ResultCache, logger: Logger, options: WarmerOptions = {}): Warmer {
  const everyMs = options.everyMs ?? 15_000;
  const share = options.cpuShare ?? 0.25;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let first = true;
  let running: Promise<void> | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
      });
    }, ms);
    timer.unref();
  };
  async function pass(): Promise<void> {
    const started = performance.now();
    try {
      await cache.warm();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "warming the console's answers failed");
    }
    const took = performance.now() - started;
    if (first || took > 500) logger.info({ ms: Math.round(took) }, "console answers warmed");
    first = false;
    schedule(Math.max(everyMs, took * (1 / share - 1)));
  }
  schedule(options.startDelayMs ?? 1000);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

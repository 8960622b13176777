import type { Logger } from "../core/index.js";

/** A periodic job: `run` every `everyMs`, never two runs of it at once. */
export interface Job {
  readonly name: string;
  readonly everyMs: number;
  run(): void | Promise<void>;
}

export interface Scheduler {
  /** Stops the timers and waits for runs in progress. */
  stop(): Promise<void>;
}

/**
 * Runs each job on its interval. A failing run is logged and the job tried again on the next
 * tick: one bad write must not stop a long-running process.
 */
export function startScheduler(jobs: readonly Job[], logger: Logger): Scheduler {
  const running = new Map<string, Promise<void>>();
  const timers = jobs.map((job) =>
    setInterval(() => {
      if (running.has(job.name)) return;
      const run = (async () => {
        try {
          await job.run();
        } catch (error) {
          logger.error({ job: job.name, err: (error as Error).message }, "periodic job failed; will retry");
        } finally {
          running.delete(job.name);
        }
      })();
      running.set(job.name, run);
    }, job.everyMs),
  );
  for (const job of jobs) logger.info({ job: job.name, everySeconds: job.everyMs / 1000 }, "periodic job");
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}

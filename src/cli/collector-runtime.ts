import { type Endpoint, type Logger, UserError } from "../core/index.js";
import { type HourlyAggregate, startCollector, writeAggregates } from "../flows/index.js";
import type { Store } from "../store/index.js";
import type { Job } from "./scheduler.js";

export interface CollectorRuntime {
  /** Where it listens (port 0 becomes the port picked). */
  readonly endpoint: Endpoint;
  /** Writes the aggregates of every datagram received so far to the store; returns how many. */
  flush(): Promise<number>;
  /** The periodic jobs that keep it going: the flush, and the counters in the log. */
  jobs(flushSeconds: number, statsSeconds: number): Job[];
  /** Closes the socket and writes what it still holds. */
  stop(): Promise<void>;
}

/** The UDP flow collector feeding hourly aggregates into the store, as `serve` runs it. */
export async function startCollectorRuntime(options: {
  readonly listen: Endpoint;
  readonly store: Store;
  readonly logger: Logger;
}): Promise<CollectorRuntime> {
  const { store, logger } = options;
  const collector = await startCollector({ ...options.listen, log: logger }).catch((error: Error) => {
    throw new UserError(
      `cannot listen on udp://${options.listen.host}:${options.listen.port} (${error.message})`,
    );
  });
  let written = 0;
  const write = (aggregates: HourlyAggregate[]) => {
    writeAggregates(store, aggregates);
    written += aggregates.length;
    return aggregates.length;
  };
  const flush = async () => write(await collector.drain());
  const address = collector.address();
  return {
    endpoint: { host: address.address, port: address.port },
    flush,
    jobs: (flushSeconds, statsSeconds) => [
      { name: "flows-flush", everyMs: flushSeconds * 1000, run: async () => void (await flush()) },
      {
        name: "flows-stats",
        everyMs: statsSeconds * 1000,
        run: () => {
          const { total, receiveBufferBytes } = collector.stats();
          logger.info({ ...total, aggregatesWritten: written, receiveBufferBytes }, "flow collector stats");
        },
      },
    ],
    stop: async () => {
      write(await collector.close());
      logger.info({ ...collector.stats().total, aggregatesWritten: written }, "flow collector stopped");
    },
  };
}

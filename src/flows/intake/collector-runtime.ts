/**
 * The UDP flow collector as a service: datagrams decoded into hourly aggregates, flushed to the
 * flow store on a schedule, its counters logged and offered to /metrics.
 */
import { join } from "node:path";
import { type Endpoint, type Logger, UserError } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import type { HourlyAggregate } from "../mail-flow.js";
import type { FlowStore } from "../store/index.js";
import { AggregateWriter } from "./aggregate-writer.js";
import { BatchSpool } from "./batch-spool.js";
import { startCollector } from "./collector.js";
import type { CollectorReadings } from "./metrics.js";
import { recordSamplers } from "./sampler-store.js";

/** A periodic job for the caller's scheduler. */
export interface CollectorJob {
  readonly name: string;
  readonly everyMs: number;
  run(): void | Promise<void>;
}

export interface CollectorRuntime {
  /** Where it listens (port 0 becomes the port picked). */
  readonly endpoint: Endpoint;
  /**
   * Writes the aggregates of every datagram received so far, and those a failed flush kept, to
   * the store; returns how many.
   */
  flush(): Promise<number>;
  /** The collector's and its store writer's counters now, for /metrics. */
  readings(): CollectorReadings;
  /** The periodic jobs that keep it going: the flush, and the counters in the log. */
  jobs(flushSeconds: number, statsSeconds: number): CollectorJob[];
  /** Closes the socket and writes what it still holds; rejects when the store refuses it. */
  stop(): Promise<void>;
}

/**
 * The UDP flow collector feeding hourly aggregates into the flow store, as `serve` and
 * `flows collect` run it; the samplers' rates go to the data folder's store.
 */
export async function startCollectorRuntime(options: {
  readonly listen: Endpoint;
  readonly flows: FlowStore;
  readonly store: Store;
  readonly logger: Logger;
  /**
   * The data folder: batches wait in DATA/flow-batches/HOST_PORT until the flow store takes them,
   * one folder per listening address (two collectors cannot bind the same one).
   */
  readonly dataDir?: string;
  /** flows.retention_days: older flows are removed once a day. */
  readonly retentionDays?: number;
}): Promise<CollectorRuntime> {
  const { flows, store, logger } = options;
  const collector = await startCollector({ ...options.listen, log: logger }).catch((error: Error) => {
    throw new UserError(
      `cannot listen on udp://${options.listen.host}:${options.listen.port} (${error.message})`,
    );
  });
  const spool =
    options.dataDir === undefined
      ? undefined
      : new BatchSpool(
          join(
            options.dataDir,
            "flow-batches",
            `${options.listen.host}_${options.listen.port}`.replace(/[^A-Za-z0-9._-]/g, "_"),
          ),
          logger,
        );
  const writer = new AggregateWriter(flows, { log: logger, ...(spool ? { spool } : {}) });
  const readings = (): CollectorReadings => ({
    collector: collector.stats(),
    aggregatesWritten: writer.written,
    aggregatesHeld: writer.held,
    aggregatesDropped: writer.dropped,
  });
  const counters = () => {
    const { collector: stats, ...writing } = readings();
    const { total, decoderRestarts, receiveBufferBytes, samplers } = stats;
    // Each exporter's samplers, as "domain 0 sampler 1: 1 in 256, random 1 of 256 (…)".
    const sampling = Object.fromEntries(
      [...samplers].map(([exporter, listed]) => [
        exporter,
        listed.map(
          (s) =>
            `domain ${s.domain} ${s.sampler === null ? "(all)" : `sampler ${s.sampler}`}: 1 in ${s.rate}, ${s.method}`,
        ),
      ]),
    );
    return {
      ...total,
      decoderRestarts,
      receiveBufferBytes,
      ...writing,
      ...(samplers.size > 0 ? { samplers: sampling } : {}),
    };
  };
  /** Writes, or throws saying what becomes of the aggregates the store refused. */
  const write = async (aggregates: HourlyAggregate[], fate: string) => {
    try {
      return await writer.write(aggregates);
    } catch (error) {
      throw new Error(
        `the flow store (${flows.location}) refused ${writer.held} flow aggregates, ${fate} (${(error as Error).message})`,
      );
    }
  };
  /** Notes the samplers' rates with the aggregates they renormalised; the next flush retries a refusal. */
  const noteSamplers = () => {
    try {
      recordSamplers(store, collector.stats().samplers, Date.now());
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "the store refused the flow samplers' rates");
    }
  };
  const flush = async () => {
    const written = await write(await collector.drain(), "kept for the next flush");
    noteSamplers();
    return written;
  };
  const address = collector.address();
  return {
    endpoint: { host: address.address, port: address.port },
    flush,
    readings,
    jobs: (flushSeconds, statsSeconds) => [
      ...(options.retentionDays === undefined
        ? []
        : [
            {
              name: "flows-retention",
              everyMs: 86_400_000,
              run: async () => {
                const done = await flows.expire(options.retentionDays as number);
                logger.info(
                  { retentionDays: options.retentionDays, flowsStore: flows.location },
                  `flow retention: ${done}`,
                );
              },
            },
          ]),
      { name: "flows-flush", everyMs: flushSeconds * 1000, run: async () => void (await flush()) },
      {
        name: "flows-stats",
        everyMs: statsSeconds * 1000,
        run: () => logger.info(counters(), "flow collector stats"),
      },
    ],
    stop: async () => {
      const rest = await collector.close();
      try {
        await write(rest, "lost at shutdown");
        noteSamplers();
      } finally {
        logger.info(counters(), "flow collector stopped");
      }
    },
  };
}

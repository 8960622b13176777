/**
 * Writes the collector's aggregates to the flow store, keeping those of a failed write for the
 * next one: a store that is busy (another process holding SQLite's write lock), unreachable
 * (ClickHouse restarting), full or failing loses nothing until what is kept reaches
 * BACKLOG_BYTES. Past that the oldest are dropped, counted and logged. Each flush is a batch with
 * an id of its own, written again under the same id until the store takes it, so a write that
 * failed after the store applied it (a timeout) counts nothing twice. With a spool, each batch is
 * on disk until the store takes it, and the next run sends what this one could not.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../core/index.js";
import type { HourlyAggregate } from "../mail-flow.js";
import type { FlowStore } from "../store/index.js";
import type { BatchSpool } from "./batch-spool.js";

/** Memory of an aggregate, and of each destination it lists (measured: about 480 and 90). */
export const AGGREGATE_BYTES = 500;
export const DESTINATION_BYTES = 90;
/**
 * What the aggregates kept while the store fails may take: some 250,000 aggregates of one
 * destination, a busy ISP's minute or more of flushes.
 */
export const BACKLOG_BYTES = 128 * 1024 * 1024;

const bytesOf = (aggregate: HourlyAggregate) =>
  AGGREGATE_BYTES + DESTINATION_BYTES * aggregate.destinations.size;

interface Batch {
  readonly id: string;
  aggregates: HourlyAggregate[];
}

export interface AggregateWriterOptions {
  readonly log?: Logger;
  readonly limitBytes?: number;
  /** Where batches wait on disk until the store takes them. */
  readonly spool?: BatchSpool;
}

export class AggregateWriter {
  /** Aggregates written, and dropped because the store failed past the bound. */
  written = 0;
  dropped = 0;
  private readonly batches: Batch[] = [];
  /** Ids unique across collectors and restarts: a run's own prefix, then a count. */
  private readonly run = randomUUID();
  private sequence = 0;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly flows: FlowStore,
    private readonly options: AggregateWriterOptions = {},
  ) {
    const left = options.spool?.left() ?? [];
    this.batches.push(...left);
    if (left.length > 0) {
      options.log?.info(
        { batches: left.length, aggregates: this.held },
        "flow batches left by an earlier run: sending them",
      );
    }
  }

  /** Aggregates kept from failed writes, waiting for the next. */
  get held(): number {
    return this.batches.reduce((sum, batch) => sum + batch.aggregates.length, 0);
  }

  /**
   * Writes the batches kept, then `aggregates` as a batch of its own, and returns how many
   * aggregates were written; when the store fails, keeps what it has not taken (within the
   * bound) and rejects. Writes run one at a time, in order.
   */
  write(aggregates: HourlyAggregate[]): Promise<number> {
    if (aggregates.length > 0) {
      const batch = { id: `${this.run}:${++this.sequence}`, aggregates };
      this.options.spool?.keep(batch);
      this.batches.push(batch);
    }
    const done = this.writing.then(() => this.writeKept());
    this.writing = done.catch(() => undefined);
    return done;
  }

  private async writeKept(): Promise<number> {
    let written = 0;
    try {
      for (let batch = this.batches[0]; batch !== undefined; batch = this.batches[0]) {
        await this.flows.write(batch.aggregates, batch.id);
        this.options.spool?.forget(batch.id);
        this.batches.shift();
        written += batch.aggregates.length;
        this.written += batch.aggregates.length;
      }
    } catch (error) {
      this.trim();
      throw error;
    }
    return written;
  }

  /** Drops the oldest aggregates kept until the rest fit the bound. */
  private trim(): void {
    const limit = this.options.limitBytes ?? BACKLOG_BYTES;
    let bytes = 0;
    for (const batch of this.batches) for (const aggregate of batch.aggregates) bytes += bytesOf(aggregate);
    let dropped = 0;
    // Oldest first: earlier flushes come first, and each is in hour order.
    while (bytes > limit) {
      const batch = this.batches[0] as Batch;
      const aggregate = batch.aggregates.shift() as HourlyAggregate;
      if (batch.aggregates.length === 0) {
        this.batches.shift();
        this.options.spool?.forget(batch.id);
      }
      bytes -= bytesOf(aggregate);
      dropped++;
    }
    if (dropped === 0) return;
    const cut = this.batches[0];
    if (cut) this.options.spool?.keep(cut);
    this.dropped += dropped;
    this.options.log?.error(
      { dropped, droppedTotal: this.dropped, kept: this.held },
      "flow aggregates dropped: the store has failed for longer than the backlog holds",
    );
  }
}

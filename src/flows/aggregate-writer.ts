/**
 * Writes the collector's aggregates to the store, keeping those of a failed write for the next
 * one: a store that is busy (another process holding the write lock), full or failing loses
 * nothing until what is kept reaches BACKLOG_BYTES. Past that the oldest are dropped, counted
 * and logged. A write is one transaction (writeAggregates), so a failed one left no rows and
 * writing its aggregates again counts nothing twice.
 */
import type { Logger } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { HourlyAggregate } from "./mail-flow.js";
import { writeAggregates } from "./store.js";

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

export class AggregateWriter {
  /** Aggregates written, and dropped because the store failed past the bound. */
  written = 0;
  dropped = 0;
  private kept: HourlyAggregate[] = [];

  constructor(
    private readonly store: Store,
    private readonly options: { log?: Logger; limitBytes?: number } = {},
  ) {}

  /** Aggregates kept from failed writes, waiting for the next. */
  get held(): number {
    return this.kept.length;
  }

  /**
   * Writes the aggregates kept and `aggregates` in one transaction and returns how many; when
   * the store throws, keeps them (within the bound) and throws on.
   */
  write(aggregates: HourlyAggregate[]): number {
    const batch = this.kept.length === 0 ? aggregates : this.kept.concat(aggregates);
    try {
      writeAggregates(this.store, batch);
    } catch (error) {
      this.keep(batch);
      throw error;
    }
    this.kept = [];
    this.written += batch.length;
    return batch.length;
  }

  private keep(batch: HourlyAggregate[]): void {
    const limit = this.options.limitBytes ?? BACKLOG_BYTES;
    let bytes = 0;
    for (const aggregate of batch) bytes += bytesOf(aggregate);
    // Oldest first: earlier flushes come first, and each is in hour order.
    let from = 0;
    while (bytes > limit) bytes -= bytesOf(batch[from++] as HourlyAggregate);
    this.kept = from === 0 ? batch : batch.slice(from);
    if (from === 0) return;
    this.dropped += from;
    this.options.log?.error(
      { dropped: from, droppedTotal: this.dropped, kept: this.kept.length },
      "flow aggregates dropped: the store has failed for longer than the backlog holds",
    );
  }
}

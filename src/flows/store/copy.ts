/**
 * Copies an ISP's flow history from one store to another (SQLite into ClickHouse, when an ISP
 * outgrows one machine), month by month, in batches whose ids come from the data they carry:
 * a copy run again, or resumed after an interruption, writes every batch the destination holds
 * already as nothing, so no flow counts twice. Copy a store nobody writes to meanwhile: a batch
 * whose hours changed between two runs has a new id and is added again.
 */
import { createHash } from "node:crypto";
import type { HourlyAggregate } from "../mail-flow.js";
import type { FlowStore, FlowWindow } from "./flow-store.js";

export interface CopyProgress {
  /** The month being copied, YYYY-MM. */
  readonly month: string;
  readonly monthsDone: number;
  readonly months: number;
  /** Flow records copied so far and in all (as `flows` counts them). */
  readonly flowsDone: number;
  readonly flows: number;
  /** Hourly aggregates copied so far. */
  readonly aggregatesDone: number;
}

export interface CopyResult {
  readonly months: number;
  readonly batches: number;
  readonly aggregates: number;
  readonly flows: number;
}

export interface CopyOptions {
  /** Called after each batch written (or found written). */
  readonly onProgress?: (progress: CopyProgress) => void;
  /** Aggregates per batch (whole sources only): 20,000 by default. */
  readonly batchAggregates?: number;
}

const DEFAULT_BATCH = 20_000;

function monthStart(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function nextMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * The months holding flows, oldest first, found by counting what lies before each month's
 * start from the last month back until nothing does: one count per month, on the hour index.
 */
async function monthsOf(from: FlowStore, lastHour: number): Promise<FlowWindow[]> {
  const months: FlowWindow[] = [];
  for (let start = monthStart(lastHour * 1000); ; ) {
    months.unshift({ sinceMs: start, untilMs: nextMonth(start) });
    if ((await from.flowCount({ untilMs: start })) === 0) return months;
    start = monthStart(start - 1);
  }
}

/** The batch's id: its month, its place, and a digest of every value it carries. */
function batchId(month: string, index: number, batch: readonly HourlyAggregate[]): string {
  const digest = createHash("sha256");
  for (const a of batch) {
    digest.update(
      `${a.source} ${a.hour} ${a.port} ${a.flows} ${a.packets} ${a.bytes} ${a.shortFlows} ${a.synOnly} ` +
        `${a.firstSeenMs} ${a.lastSeenMs} ${a.destinationsTruncated} ${a.distinctDestinations}\n`,
    );
    for (const [destination, flows] of a.destinations) digest.update(`${destination} ${flows}\n`);
  }
  return `copy ${month} ${index} ${digest.digest("hex").slice(0, 32)}`;
}

export async function copyFlows(
  from: FlowStore,
  to: FlowStore,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const lastHour = await from.lastHour();
  if (lastHour === undefined) return { months: 0, batches: 0, aggregates: 0, flows: 0 };
  const months = await monthsOf(from, lastHour);
  const flows = await from.flowCount();
  const limit = options.batchAggregates ?? DEFAULT_BATCH;
  let flowsDone = 0;
  let batches = 0;
  let aggregates = 0;
  for (const [index, window] of months.entries()) {
    const month = new Date(window.sinceMs as number).toISOString().slice(0, 7);
    let batch: HourlyAggregate[] = [];
    let batchIndex = 0;
    const flush = async () => {
      await to.write(batch, batchId(month, batchIndex++, batch));
      for (const a of batch) flowsDone += a.flows;
      aggregates += batch.length;
      batches++;
      batch = [];
      options.onProgress?.({
        month,
        monthsDone: index,
        months: months.length,
        flowsDone,
        flows,
        aggregatesDone: aggregates,
      });
    };
    for await (const source of from.sourceAggregates(window)) {
      for (const a of source) batch.push(a);
      if (batch.length >= limit) await flush();
    }
    if (batch.length > 0) await flush();
  }
  return { months: months.length, batches, aggregates, flows: flowsDone };
}

/**
 * The one seam between the flow analysis and the engine holding the hourly aggregates: the
 * embedded SQLite file (the default) or ClickHouse for an ISP that outgrows one machine. The
 * classification, the impact, the adoption and the console's series are written once, over
 * this interface; each engine answers its queries inside itself.
 */
import type { HourlyAggregate, MailPort } from "../mail-flow.js";

/** A half-open time range [sinceMs, untilMs) over aggregate hours; either end may be open. */
export interface FlowWindow {
  readonly sinceMs?: number;
  readonly untilMs?: number;
}

/** A test on a source's text (canonical address form): which sources a query keeps. */
export type SourceTest = (source: string) => boolean;

/** The periods the adoption and the console's series count by (UTC; weeks start on Monday). */
export type FlowPeriod = "day" | "week" | "month";

/** One source's flows in one period on one port: what the adoption tallies. */
export interface SourcePeriodFlows {
  readonly source: string;
  /** YYYY-MM-DD (first day of the period) or YYYY-MM for a month. */
  readonly period: string;
  readonly port: MailPort;
  readonly flows: number;
}

/** One source's flows per UTC day and port: the evidence of one sender. */
export interface DailyFlows {
  readonly day: string;
  readonly port: MailPort;
  readonly flows: number;
}

export interface FlowStore {
  /** Where the flows live, for messages and logs ("sqlite" or the URL without its password). */
  readonly location: string;
  /**
   * Adds a batch: counts add up, first/last seen widen, destinations merge, so a batch written
   * in any split gives the same answers. A `batchId` written before is not added again.
   */
  write(aggregates: readonly HourlyAggregate[], batchId?: string): Promise<void>;
  /**
   * The window's aggregates with their destinations, one source at a time (its rows by hour,
   * then port; sources in text order). With `sources`, only the sources it accepts.
   */
  sourceAggregates(window?: FlowWindow, sources?: SourceTest): AsyncIterable<HourlyAggregate[]>;
  /** Flows per source, period and port over the window, in source order. */
  sourcePeriodFlows(period: FlowPeriod, window?: FlowWindow): AsyncIterable<SourcePeriodFlows[]>;
  /** One source's flows per UTC day and port. */
  dailyFlows(source: string): Promise<DailyFlows[]>;
  /** Flow records stored in the window (times the sampling rate, as `flows` counts them). */
  flowCount(window?: FlowWindow): Promise<number>;
  /** Flow records stored in the given hours (epoch seconds). */
  flowCountInHours(hours: readonly number[]): Promise<number>;
  /** Removes the window's aggregates and their destinations. */
  delete(window: FlowWindow): Promise<void>;
  /** Removes the given hours' aggregates (epoch seconds) and their destinations. */
  deleteHours(hours: readonly number[]): Promise<void>;
  /** Start of the last hour stored (epoch seconds), or undefined when none is. */
  lastHour(): Promise<number | undefined>;
  /**
   * Removes what is older than `days` before `nowMs` (flows.retention_days): whole days in
   * SQLite, whole months (partitions) in ClickHouse. Returns a line saying what went.
   */
  expire(days: number, nowMs?: number): Promise<string>;
  /** A text that changes whenever the stored flows change: what the console's caches key on. */
  version(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The embedded flow store: the hourly aggregates in the data folder's porteiro.db, beside the
 * leases and the plan's state. Queries run in SQLite; the store stays open for its owner.
 */

import type { Store } from "../../../store/index.js";
import { plural } from "../../analysis/sender-signals.js";
import type { HourlyAggregate } from "../../mail-flow.js";
import type {
  DailyFlows,
  FlowPeriod,
  FlowStore,
  FlowWindow,
  SourcePeriodFlows,
  SourceTest,
} from "../flow-store.js";
import {
  dailyFlowsOf,
  deleteAggregates,
  deleteHourAggregates,
  lastFlowHour,
  readAggregates,
  storedFlowCount,
  storedFlowsInHours,
  windowClause,
  writeAggregates,
} from "./aggregates.js";

export {
  dailyFlowsOf,
  deleteAggregates,
  deleteHourAggregates,
  lastFlowDay,
  readAggregates,
  readAggregateTotals,
  storedFlowCount,
  storedFlowsInHours,
  writeAggregates,
} from "./aggregates.js";

/** How SQLite names the first day of each period of an hour (epoch seconds in `hour`). */
const PERIOD_SQL: Record<FlowPeriod, string> = {
  day: "strftime('%Y-%m-%d', h.hour, 'unixepoch')",
  // The Sunday on or after the day, less six days: the Monday that starts its week.
  week: "date(h.hour, 'unixepoch', 'weekday 0', '-6 days')",
  month: "strftime('%Y-%m', h.hour, 'unixepoch')",
};

/** Rows grouped per source as the engine streams them in source order. */
export function* groupBySource<T extends { readonly source: string }>(rows: Iterable<T>): Generator<T[]> {
  let group: T[] = [];
  for (const row of rows) {
    if (group.length > 0 && (group[0] as T).source !== row.source) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length > 0) yield group;
}

export class SqliteFlowStore implements FlowStore {
  readonly location = "sqlite";

  constructor(readonly store: Store) {}

  async write(aggregates: readonly HourlyAggregate[], batchId?: string): Promise<void> {
    if (batchId === undefined) {
      writeAggregates(this.store, aggregates);
      return;
    }
    const claim = this.store.prepare(
      "INSERT INTO flow_batches (batch_id, written_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
    );
    this.store.transaction(() => {
      if (claim.run(batchId, new Date().toISOString()).changes === 1) writeAggregates(this.store, aggregates);
    })();
  }

  async *sourceAggregates(window: FlowWindow = {}, sources?: SourceTest): AsyncGenerator<HourlyAggregate[]> {
    yield* groupBySource(readAggregates(this.store, window, sources));
  }

  async *sourcePeriodFlows(period: FlowPeriod, window: FlowWindow = {}): AsyncGenerator<SourcePeriodFlows[]> {
    const { where, params } = windowClause(window);
    const rows = this.store
      .prepare(
        `SELECT h.source, ${PERIOD_SQL[period]} AS period, h.port, SUM(h.flows) AS flows
         FROM flow_hours h ${where} GROUP BY h.source, period, h.port ORDER BY h.source, period, h.port`,
      )
      .iterate(...params) as IterableIterator<SourcePeriodFlows>;
    yield* groupBySource(rows);
  }

  async dailyFlows(source: string): Promise<DailyFlows[]> {
    return dailyFlowsOf(this.store, source);
  }

  async flowCount(window: FlowWindow = {}): Promise<number> {
    return storedFlowCount(this.store, window);
  }

  async flowCountInHours(hours: readonly number[]): Promise<number> {
    return storedFlowsInHours(this.store, hours);
  }

  async delete(window: FlowWindow): Promise<void> {
    deleteAggregates(this.store, window);
  }

  async deleteHours(hours: readonly number[]): Promise<void> {
    deleteHourAggregates(this.store, hours);
  }

  async expire(days: number, nowMs = Date.now()): Promise<string> {
    const untilMs = Math.floor((nowMs - days * 86_400_000) / 86_400_000) * 86_400_000;
    const flows = storedFlowCount(this.store, { untilMs });
    deleteAggregates(this.store, { untilMs });
    this.store.prepare("DELETE FROM flow_batches WHERE written_at < ?").run(new Date(untilMs).toISOString());
    return `${plural(flows, "flow")} before ${new Date(untilMs).toISOString().slice(0, 10)} removed`;
  }

  async lastHour(): Promise<number | undefined> {
    return lastFlowHour(this.store);
  }

  /**
   * The oldest and newest aggregate rows, and the flows of the newest hour: retention removes the
   * oldest rows, imports and the collector add new ones, and the collector also adds to the
   * current hour's rows in place every few seconds, which no row id shows (the hour index finds them).
   */
  async version(): Promise<string> {
    return String(
      this.store
        .prepare(
          `SELECT COALESCE(MIN(rowid), 0) || ':' || COALESCE(MAX(rowid), 0) || ':' || (SELECT COALESCE(SUM(flows), 0) FROM flow_hours
             WHERE hour = (SELECT MAX(hour) FROM flow_hours)) FROM flow_hours`,
        )
        .pluck()
        .get(),
    );
  }

  async close(): Promise<void> {}
}

/**
 * The flow store on ClickHouse: every FlowStore query runs in the server, summing at query time
 * (GROUP BY) so that parts not yet merged count; only per-row answers travel back, streamed.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { HourlyAggregate, MailPort } from "../../mail-flow.js";
import type {
  DailyFlows,
  FlowPeriod,
  FlowStore,
  FlowWindow,
  SourcePeriodFlows,
  SourceTest,
} from "../flow-store.js";
import { type ClickHouseUrl, explain } from "./connect.js";
import { waitForMutations } from "./mutations.js";
import { periodName, periodSql } from "./periods.js";
import { readSourceAggregates } from "./read-aggregates.js";
import { dropMonthsBefore } from "./retention.js";
import { groupBySource, queryRows } from "./rows.js";
import { DESTINATIONS, HOURS } from "./schema.js";
import { hoursCondition, identifier, quote, windowCondition } from "./sql.js";
import { writeBatch } from "./write-batch.js";

const TABLES = [HOURS, DESTINATIONS] as const;

export class ClickHouseFlowStore implements FlowStore {
  readonly location: string;
  private readonly db: string;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly url: ClickHouseUrl,
  ) {
    this.location = url.display;
    this.db = identifier(url.database);
  }

  /** Runs one call against the server, turning what a user can fix into one clear line. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw explain(error, this.url);
    }
  }

  private async *stream<T>(rows: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      yield* rows;
    } catch (error) {
      throw explain(error, this.url);
    }
  }

  private async first<T>(query: string): Promise<T> {
    return this.run(async () => {
      for await (const row of queryRows<T>(this.client, query)) return row;
      throw new Error(`no row from: ${query}`);
    });
  }

  write(aggregates: readonly HourlyAggregate[], batchId?: string): Promise<void> {
    return this.run(() => writeBatch(this.client, this.url.database, aggregates, batchId));
  }

  sourceAggregates(window: FlowWindow = {}, sources?: SourceTest): AsyncIterable<HourlyAggregate[]> {
    return this.stream(readSourceAggregates(this.client, this.url.database, window, sources));
  }

  sourcePeriodFlows(period: FlowPeriod, window: FlowWindow = {}): AsyncIterable<SourcePeriodFlows[]> {
    const rows = queryRows<{ source: string; period: number; port: number; flows: number }>(
      this.client,
      `SELECT source, ${periodSql(period)} AS period, port, sum(flows) AS flows FROM ${this.db}.${HOURS}
       WHERE port > 0 AND ${windowCondition(window)} GROUP BY source, period, port ORDER BY source, period, port`,
    );
    return groupBySource(this.named(period, this.stream(rows)));
  }

  private async *named(
    period: FlowPeriod,
    rows: AsyncIterable<{ source: string; period: number; port: number; flows: number }>,
  ): AsyncGenerator<SourcePeriodFlows> {
    for await (const row of rows) {
      yield {
        source: row.source,
        period: periodName(period, row.period),
        port: row.port as MailPort,
        flows: row.flows,
      };
    }
  }

  async dailyFlows(source: string): Promise<DailyFlows[]> {
    const rows = queryRows<{ period: number; port: number; flows: number }>(
      this.client,
      `SELECT ${periodSql("day")} AS period, port, sum(flows) AS flows FROM ${this.db}.${HOURS}
       WHERE source = ${quote(source)} AND port > 0 GROUP BY period, port ORDER BY period, port`,
    );
    const days: DailyFlows[] = [];
    for await (const row of this.stream(rows)) {
      days.push({ day: periodName("day", row.period), port: row.port as MailPort, flows: row.flows });
    }
    return days;
  }

  async flowCount(window: FlowWindow = {}): Promise<number> {
    return this.countWhere(windowCondition(window));
  }

  async flowCountInHours(hours: readonly number[]): Promise<number> {
    return hours.length === 0 ? 0 : this.countWhere(hoursCondition(hours));
  }

  private async countWhere(condition: string): Promise<number> {
    const row = await this.first<{ flows: number }>(
      `SELECT sum(flows) AS flows FROM ${this.db}.${HOURS} WHERE port > 0 AND ${condition}`,
    );
    return row.flows;
  }

  delete(window: FlowWindow): Promise<void> {
    return this.deleteWhere(windowCondition(window));
  }

  async deleteHours(hours: readonly number[]): Promise<void> {
    if (hours.length > 0) await this.deleteWhere(hoursCondition(hours));
  }

  /**
   * A mutation per table (18.16 deletes no other way), waited for so that the next read sees the
   * deletion. The batch markers of those hours go too: a batch of them sent again is counted again.
   */
  private deleteWhere(condition: string): Promise<void> {
    return this.run(async () => {
      for (const table of TABLES) {
        await this.client.command({ query: `ALTER TABLE ${this.db}.${table} DELETE WHERE ${condition}` });
      }
      await waitForMutations(this.client, this.url.database, TABLES);
    });
  }

  async lastHour(): Promise<number | undefined> {
    const row = await this.first<{ hour: number; rows: number }>(
      `SELECT max(hour) AS hour, count() AS rows FROM ${this.db}.${HOURS} WHERE port > 0`,
    );
    return row.rows === 0 ? undefined : row.hour;
  }

  /**
   * Batches written (each leaves a marker), the flows and bytes stored and the last hour: a write
   * adds a marker or flows, a deletion removes flows. Background merges change none of them.
   */
  async version(): Promise<string> {
    const row = await this.first<{ markers: number; flows: number; bytes: number; hour: number }>(
      `SELECT countIf(port = 0) AS markers, sum(flows) AS flows, sum(bytes) AS bytes, max(hour) AS hour
       FROM ${this.db}.${HOURS}`,
    );
    return `${row.markers}:${row.flows}:${row.bytes}:${row.hour}`;
  }

  /**
   * Drops the month partitions that end `days` days or more before `nowMs`: retention by whole
   * partitions, which costs nothing like a deletion. Returns the months dropped (YYYYMM).
   */
  async expire(days: number, nowMs = Date.now()): Promise<string> {
    const months = await this.dropOlderThan(days, nowMs);
    return months.length === 0 ? "no whole month to drop" : `months ${months.join(", ")} dropped`;
  }

  dropOlderThan(days: number, nowMs = Date.now()): Promise<number[]> {
    return this.run(() => dropMonthsBefore(this.client, this.url.database, nowMs - days * 86_400_000));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Retention by whole month partitions: ALTER TABLE … DROP PARTITION, the cheap way to forget. */
import type { ClickHouseClient } from "@clickhouse/client";
import { DESTINATIONS, HOURS } from "./schema.js";
import { identifier, integer, quote } from "./sql.js";

/** The first instant (ms) after month YYYYMM. */
function endOfMonth(month: number): number {
  return Date.UTC(Math.floor(month / 100), month % 100, 1);
}

/** Drops every month partition that ends at or before `cutoffMs`; returns the months dropped. */
export async function dropMonthsBefore(
  client: ClickHouseClient,
  database: string,
  cutoffMs: number,
): Promise<number[]> {
  const tables = [HOURS, DESTINATIONS];
  const result = await client.query({
    query: `SELECT DISTINCT table, partition FROM system.parts
            WHERE database = ${quote(database)} AND table IN (${tables.map(quote).join(", ")}) AND active`,
    format: "JSONEachRow",
  });
  const dropped = new Set<number>();
  for (const { table, partition } of await result.json<{ table: string; partition: string }>()) {
    const month = Number(partition);
    if (!Number.isSafeInteger(month) || endOfMonth(month) > cutoffMs) continue;
    await client.command({
      query: `ALTER TABLE ${identifier(database)}.${identifier(table)} DROP PARTITION ${integer(month)}`,
    });
    dropped.add(month);
  }
  return [...dropped].sort((a, b) => a - b);
}

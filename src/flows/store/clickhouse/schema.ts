/**
 * The ClickHouse flow tables, created and upgraded at open by looking at what exists
 * (system.columns), as Akvorado's orchestrator does, rather than by a version counter: any number
 * of collectors and reports may open the same database at once, each finds the same schema.
 *
 * - flow_hours: one row per (source, hour, port) once merged; a SummingMergeTree adds the counts,
 *   first/last seen are min/max states (the same merge combines them). Written through
 *   flow_hours_input (engine Null) and the view flow_hours_view, which turns plain values into
 *   states: 18.16 cannot take states from a client any other way.
 * - flow_hour_destinations: (source, hour, port, destination) with its flows, summed, so that
 *   distinct destinations over any window are exact.
 * Both are partitioned by month, so retention drops whole partitions. Rows with port 0 are the
 * batch markers (write-batch.ts), never data.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { Logger } from "../../../core/index.js";
import { UserError } from "../../../core/index.js";
import { identifier, quote } from "./sql.js";

type Columns = readonly (readonly [name: string, type: string])[];

const KEY: Columns = [
  ["source", "String"],
  ["hour", "UInt32"],
  ["port", "UInt16"],
];

/** Counts every batch adds to: the same in the input and the summed table. */
const SUMMED: Columns = [
  ["flows", "UInt64"],
  ["packets", "UInt64"],
  ["bytes", "UInt64"],
  ["short_flows", "UInt64"],
  ["syn_only", "UInt64"],
  // Batches whose aggregator reported destinations it could not list.
  ["truncated", "UInt64"],
  // Destinations counted but not listed by the aggregators (past their cap), summed over batches.
  ["unlisted", "UInt64"],
];

const SEEN_INPUT: Columns = [
  ["first_seen_ms", "UInt64"],
  ["last_seen_ms", "UInt64"],
];

const SEEN_STATES: Columns = [
  ["first_seen_ms", "AggregateFunction(min, UInt64)"],
  ["last_seen_ms", "AggregateFunction(max, UInt64)"],
];

const PARTITION = "toYYYYMM(toDateTime(hour, 'UTC'))";

interface TableSpec {
  readonly name: string;
  readonly columns: Columns;
  readonly engine: string;
}

/** A flow_hours row as written to its input and read back summed (first/last seen as plain ms). */
export interface HourRow {
  source: string;
  hour: number;
  port: number;
  flows: number;
  packets: number;
  bytes: number;
  short_flows: number;
  syn_only: number;
  truncated: number;
  unlisted: number;
  first_seen_ms: number;
  last_seen_ms: number;
}

/** A flow_hour_destinations row. */
export interface DestinationRow {
  source: string;
  hour: number;
  port: number;
  destination: string;
  flows: number;
}

export const HOURS = "flow_hours";
export const HOURS_INPUT = "flow_hours_input";
export const HOURS_VIEW = "flow_hours_view";
export const DESTINATIONS = "flow_hour_destinations";

const TABLES: readonly TableSpec[] = [
  {
    name: HOURS,
    columns: [...KEY, ...SUMMED, ...SEEN_STATES],
    engine: `SummingMergeTree PARTITION BY ${PARTITION} ORDER BY (source, hour, port)`,
  },
  { name: HOURS_INPUT, columns: [...KEY, ...SUMMED, ...SEEN_INPUT], engine: "Null" },
  {
    name: DESTINATIONS,
    columns: [...KEY, ["destination", "String"], ["flows", "UInt64"]],
    engine: `SummingMergeTree PARTITION BY ${PARTITION} ORDER BY (source, hour, port, destination)`,
  },
];

function viewSelect(database: string): string {
  const sums = SUMMED.map(([name]) => `sum(${name}) AS ${name}`).join(", ");
  return `SELECT source, hour, port, ${sums}, minState(first_seen_ms) AS first_seen_ms, maxState(last_seen_ms) AS last_seen_ms
    FROM ${identifier(database)}.${HOURS_INPUT} GROUP BY source, hour, port`;
}

/** The database's tables and their columns' types, as the server has them now. */
async function existingColumns(
  client: ClickHouseClient,
  database: string,
): Promise<Map<string, Map<string, string>>> {
  const result = await client.query({
    query: `SELECT table, name, type FROM system.columns WHERE database = ${quote(database)}`,
    format: "JSONEachRow",
  });
  const tables = new Map<string, Map<string, string>>();
  for (const { table, name, type } of await result.json<{ table: string; name: string; type: string }>()) {
    const columns = tables.get(table) ?? new Map<string, string>();
    columns.set(name, type);
    tables.set(table, columns);
  }
  return tables;
}

/**
 * Creates the database and whatever table, column or view is missing; leaves what exists. A
 * column of the wrong type is refused (a user's table of the same name, or a downgrade).
 */
export async function ensureSchema(client: ClickHouseClient, database: string, log?: Logger): Promise<void> {
  const db = identifier(database);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  const existing = await existingColumns(client, database);
  let inputChanged = false;
  for (const table of TABLES) {
    const have = existing.get(table.name);
    if (have === undefined) {
      const columns = table.columns.map(([name, type]) => `${name} ${type}`).join(", ");
      await client.command({
        query: `CREATE TABLE IF NOT EXISTS ${db}.${table.name} (${columns}) ENGINE = ${table.engine}`,
      });
      log?.info({ database, table: table.name }, "flows store: created table");
      continue;
    }
    for (const [name, type] of table.columns) {
      const found = have.get(name);
      if (found === type) continue;
      if (found !== undefined) {
        throw new UserError(`${database}.${table.name}.${name} has type ${found}, porteiro needs ${type}`);
      }
      await addColumn(client, `${db}.${table.name}`, name, type);
      log?.info({ database, table: table.name, column: name }, "flows store: added column");
      if (table.name !== DESTINATIONS) inputChanged = true;
    }
  }
  // The view names its columns, so a column added to the input needs a new view. Rare (an
  // upgrade); writes during the swap would go nowhere, so stop collectors for such an upgrade.
  if (inputChanged && existing.has(HOURS_VIEW)) {
    await client.command({ query: `DROP TABLE IF EXISTS ${db}.${HOURS_VIEW}` });
    log?.warn({ database }, "flows store: recreating the hours view after an upgrade");
  }
  await client.command({
    query: `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${HOURS_VIEW} TO ${db}.${HOURS} AS ${viewSelect(database)}`,
  });
}

/** ADD COLUMN without IF NOT EXISTS (18.16 has none): another process adding it first is fine. */
async function addColumn(client: ClickHouseClient, table: string, name: string, type: string): Promise<void> {
  try {
    await client.command({ query: `ALTER TABLE ${table} ADD COLUMN ${name} ${type}` });
  } catch (error) {
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  }
}

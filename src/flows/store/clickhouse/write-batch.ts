/**
 * Writing a batch of hourly aggregates so that a retried batch counts nothing twice.
 *
 * ClickHouse 18.16 deduplicates inserts only into Replicated tables, and a SummingMergeTree
 * folds rows together, so a batch id kept in a column would not survive a merge. Instead each
 * insert carries a marker row of its own: port 0 and, as source, the batch id with the table's
 * partition and a chunk number. The marker's key is unique, so merges never fold it away, and it
 * lies in the same partition as the insert's rows: one INSERT of one partition's rows, smaller than
 * max_insert_block_size, is one block and becomes one part, so marker and rows are written
 * together or not at all. Before inserting, the writer asks which markers exist and skips those
 * chunks: a batch cut short by a crash or a timeout is completed, never doubled. Reads skip port 0.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { HourlyAggregate } from "../../mail-flow.js";
import { DESTINATIONS, type DestinationRow, HOURS, HOURS_INPUT, type HourRow } from "./schema.js";
import { identifier, quote } from "./sql.js";

/** Rows per INSERT: well under max_insert_block_size (set to twice it), so one insert is one block. */
const CHUNK_ROWS = 200_000;

/** One INSERT: a chunk of one partition's rows for one table, and the marker that records it. */
interface Insert {
  readonly table: string;
  readonly marker: string | undefined;
  readonly rows: (HourRow | DestinationRow)[];
}

/** The month partition of an hour (epoch seconds), as toYYYYMM names it in UTC. */
function monthOf(hour: number): number {
  const date = new Date(hour * 1000);
  return date.getUTCFullYear() * 100 + date.getUTCMonth() + 1;
}

function hourRow(a: HourlyAggregate): HourRow {
  return {
    source: a.source,
    hour: a.hour,
    port: a.port,
    flows: a.flows,
    packets: a.packets,
    bytes: a.bytes,
    short_flows: a.shortFlows,
    syn_only: a.synOnly,
    truncated: a.destinationsTruncated ? 1 : 0,
    unlisted: Math.max(0, a.distinctDestinations - a.destinations.size),
    first_seen_ms: a.firstSeenMs,
    last_seen_ms: a.lastSeenMs,
  };
}

function markerRow(table: string, marker: string, hour: number): HourRow | DestinationRow {
  if (table === DESTINATIONS) return { source: marker, hour, port: 0, destination: "", flows: 0 };
  return {
    source: marker,
    hour,
    port: 0,
    flows: 0,
    packets: 0,
    bytes: 0,
    short_flows: 0,
    syn_only: 0,
    truncated: 0,
    unlisted: 0,
    first_seen_ms: 0,
    last_seen_ms: 0,
  };
}

/** The batch cut into inserts: per table, per month, per CHUNK_ROWS rows, in the batch's order. */
function planInserts(aggregates: readonly HourlyAggregate[], batchId: string | undefined): Insert[] {
  const months = new Map<number, { hours: HourRow[]; destinations: DestinationRow[] }>();
  for (const a of aggregates) {
    const month = monthOf(a.hour);
    let rows = months.get(month);
    if (!rows) {
      rows = { hours: [], destinations: [] };
      months.set(month, rows);
    }
    rows.hours.push(hourRow(a));
    for (const [destination, flows] of a.destinations) {
      rows.destinations.push({ source: a.source, hour: a.hour, port: a.port, destination, flows });
    }
  }
  const inserts: Insert[] = [];
  for (const [month, rows] of months) {
    for (const [table, tableRows] of [
      [HOURS, rows.hours],
      [DESTINATIONS, rows.destinations],
    ] as const) {
      for (let start = 0, chunk = 0; start < tableRows.length; start += CHUNK_ROWS, chunk++) {
        const slice: (HourRow | DestinationRow)[] = tableRows.slice(start, start + CHUNK_ROWS);
        let marker: string | undefined;
        if (batchId !== undefined) {
          marker = `batch ${batchId} ${month}/${chunk}`;
          slice.push(
            markerRow(
              table,
              marker,
              slice.reduce((least, r) => Math.min(least, r.hour), Infinity),
            ),
          );
        }
        inserts.push({ table, marker, rows: slice });
      }
    }
  }
  return inserts;
}

/** The markers among `markers` that the table holds already: their chunks were written before. */
async function writtenMarkers(
  client: ClickHouseClient,
  database: string,
  table: string,
  markers: readonly string[],
): Promise<Set<string>> {
  if (markers.length === 0) return new Set();
  const result = await client.query({
    query: `SELECT DISTINCT source FROM ${identifier(database)}.${table}
            WHERE port = 0 AND source IN (${markers.map(quote).join(", ")})`,
    format: "JSONEachRow",
  });
  return new Set((await result.json<{ source: string }>()).map((row) => row.source));
}

/** Writes the batch's inserts side by side, skipping those whose marker shows them written. */
export async function writeBatch(
  client: ClickHouseClient,
  database: string,
  aggregates: readonly HourlyAggregate[],
  batchId: string | undefined,
): Promise<void> {
  if (aggregates.length === 0) return;
  const inserts = planInserts(aggregates, batchId);
  const markersOf = (table: string) =>
    inserts.filter((i) => i.table === table && i.marker !== undefined).map((i) => i.marker as string);
  const [hours, destinations] = await Promise.all([
    writtenMarkers(client, database, HOURS, markersOf(HOURS)),
    writtenMarkers(client, database, DESTINATIONS, markersOf(DESTINATIONS)),
  ]);
  const written = (insert: Insert) =>
    insert.marker !== undefined && (insert.table === HOURS ? hours : destinations).has(insert.marker);
  await Promise.all(
    inserts
      .filter((insert) => !written(insert))
      .map((insert) =>
        client.insert({
          table: `${identifier(database)}.${insert.table === HOURS ? HOURS_INPUT : insert.table}`,
          values: insert.rows,
          format: "JSONEachRow",
          clickhouse_settings: { max_insert_block_size: String(CHUNK_ROWS * 2) },
        }),
      ),
  );
}

/**
 * The window's aggregates with their destinations, streamed: the summed hours and the summed
 * destinations come as two queries in the same (source, hour, port) order and are joined here,
 * row by row, so neither the server nor this process holds the window's destinations at once.
 * Sums and min/max run at query time (GROUP BY), so parts not yet merged count correctly.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { DESTINATIONS_CAP, type HourlyAggregate, type MailPort } from "../../mail-flow.js";
import type { FlowWindow, SourceTest } from "../flow-store.js";
import { queryChunks, RowCursor } from "./rows.js";
import { DESTINATIONS, type DestinationRow, HOURS, type HourRow } from "./schema.js";
import { identifier, windowCondition } from "./sql.js";

/**
 * Orders keys as ClickHouse's ORDER BY does. Sources are address texts (ASCII), for which
 * JavaScript's comparison and ClickHouse's byte order agree.
 */
function compareKeys(a: DestinationRow, b: HourRow): number {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  if (a.hour !== b.hour) return a.hour - b.hour;
  return a.port - b.port;
}

/**
 * One summed row with its destinations, as the SQLite engine would have kept them: listed in
 * destination order up to DESTINATIONS_CAP, the rest counted into the estimate and the truncation.
 */
function toAggregate(row: HourRow, listed: readonly DestinationRow[]): HourlyAggregate {
  const destinations = new Map<string, number>();
  for (const d of listed.length > DESTINATIONS_CAP ? listed.slice(0, DESTINATIONS_CAP) : listed) {
    destinations.set(d.destination, d.flows);
  }
  return {
    source: row.source,
    hour: row.hour,
    port: row.port as MailPort,
    flows: row.flows,
    packets: row.packets,
    bytes: row.bytes,
    shortFlows: row.short_flows,
    synOnly: row.syn_only,
    firstSeenMs: row.first_seen_ms,
    lastSeenMs: row.last_seen_ms,
    destinations,
    destinationsTruncated: row.truncated > 0 || row.unlisted > 0 || listed.length > DESTINATIONS_CAP,
    distinctDestinations: listed.length + row.unlisted,
  };
}

/**
 * The window's aggregates grouped per source (each source's rows by hour, then port), joined
 * with their destinations as the two answers stream in. Awaits come per chunk, not per row.
 */
export async function* readSourceAggregates(
  client: ClickHouseClient,
  database: string,
  window: FlowWindow,
  sources: SourceTest | undefined,
): AsyncGenerator<HourlyAggregate[]> {
  const db = identifier(database);
  const where = `port > 0 AND ${windowCondition(window)}`;
  const hours = queryChunks<HourRow>(
    client,
    `SELECT source, hour, port, sum(flows) AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
            sum(short_flows) AS short_flows, sum(syn_only) AS syn_only, sum(truncated) AS truncated,
            sum(unlisted) AS unlisted, minMerge(first_seen_ms) AS first_seen_ms,
            maxMerge(last_seen_ms) AS last_seen_ms
     FROM ${db}.${HOURS} WHERE ${where} GROUP BY source, hour, port ORDER BY source, hour, port`,
  );
  const destinations = await RowCursor.open(
    queryChunks<DestinationRow>(
      client,
      `SELECT source, hour, port, destination, sum(flows) AS flows FROM ${db}.${DESTINATIONS}
       WHERE ${where} GROUP BY source, hour, port, destination ORDER BY source, hour, port, destination`,
    ),
  );
  try {
    let group: HourlyAggregate[] = [];
    // Rows come in source order, so each source is tested once.
    let source: string | undefined;
    let kept = true;
    for await (const chunk of hours) {
      for (const row of chunk) {
        if (row.source !== source) {
          if (group.length > 0) yield group;
          group = [];
          source = row.source;
          kept = sources === undefined || sources(source);
        }
        // Destinations of a key without an hours row (a batch half written, being retried) are skipped.
        while (destinations.current !== undefined && compareKeys(destinations.current, row) < 0) {
          const refilled = destinations.advance();
          if (refilled) await refilled;
        }
        const listed: DestinationRow[] = [];
        while (destinations.current !== undefined && compareKeys(destinations.current, row) === 0) {
          if (kept) listed.push(destinations.current);
          const refilled = destinations.advance();
          if (refilled) await refilled;
        }
        if (kept) group.push(toAggregate(row, listed));
      }
    }
    if (group.length > 0) yield group;
  } finally {
    await destinations.close();
    await hours.return(undefined);
  }
}

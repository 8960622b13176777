/**
 * Hourly aggregates in the store (migration 004_flows.sql): written in batches that add to what
 * is there, read back in source order for the analysis. Destinations are listed exactly up to
 * DESTINATIONS_CAP per (source, hour, port); past it they are only counted.
 */
import type { Day } from "../../../core/index.js";
import type { Store } from "../../../store/index.js";
import { DESTINATIONS_CAP, type HourlyAggregate, type MailPort } from "../../mail-flow.js";
import type { FlowWindow, SourceTest } from "../flow-store.js";

interface AggregateRow {
  id: number;
  source: string;
  hour: number;
  port: number;
  flows: number;
  packets: number;
  bytes: number;
  short_flows: number;
  syn_only: number;
  first_seen_ms: number;
  last_seen_ms: number;
  destinations_truncated: number;
  distinct_estimate: number;
}

/** Statements are compiled once per store: the collector writes every few seconds. */
const writers = new WeakMap<Store, (aggregates: readonly HourlyAggregate[]) => void>();

function compileWriter(store: Store): (aggregates: readonly HourlyAggregate[]) => void {
  // The upsert leaves distinct_estimate alone so RETURNING shows the value before this batch.
  const upsert = store.prepare(`
    INSERT INTO flow_hours (source, hour, port, flows, packets, bytes, short_flows, syn_only,
                            first_seen_ms, last_seen_ms, destinations_truncated, distinct_estimate)
    VALUES (@source, @hour, @port, @flows, @packets, @bytes, @shortFlows, @synOnly,
            @firstSeenMs, @lastSeenMs, 0, 0)
    ON CONFLICT (source, hour, port) DO UPDATE SET
      flows = flows + excluded.flows,
      packets = packets + excluded.packets,
      bytes = bytes + excluded.bytes,
      short_flows = short_flows + excluded.short_flows,
      syn_only = syn_only + excluded.syn_only,
      first_seen_ms = MIN(first_seen_ms, excluded.first_seen_ms),
      last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)
    RETURNING id, destinations_truncated, distinct_estimate`);
  const listedCount = store
    .prepare("SELECT COUNT(*) FROM flow_hour_destinations WHERE aggregate_id = ?")
    .pluck();
  const insertDestination = store.prepare(
    "INSERT INTO flow_hour_destinations (aggregate_id, destination, flows) VALUES (?, ?, ?)",
  );
  const addToListed = store.prepare(
    "UPDATE flow_hour_destinations SET flows = flows + ? WHERE aggregate_id = ? AND destination = ?",
  );
  const setDistinct = store.prepare(
    "UPDATE flow_hours SET distinct_estimate = ?, destinations_truncated = ? WHERE id = ?",
  );

  const writeOne = (aggregate: HourlyAggregate): void => {
    const row = upsert.get({
      source: aggregate.source,
      hour: aggregate.hour,
      port: aggregate.port,
      flows: aggregate.flows,
      packets: aggregate.packets,
      bytes: aggregate.bytes,
      shortFlows: aggregate.shortFlows,
      synOnly: aggregate.synOnly,
      firstSeenMs: aggregate.firstSeenMs,
      lastSeenMs: aggregate.lastSeenMs,
    }) as { id: number; destinations_truncated: number; distinct_estimate: number };
    let listed = listedCount.get(row.id) as number;
    // Destinations counted but not listed, before and in this batch: assumed distinct from each
    // other, so past the cap the estimate leans high rather than low.
    let unlisted =
      row.distinct_estimate -
      listed +
      Math.max(0, aggregate.distinctDestinations - aggregate.destinations.size);
    // A row without listed destinations (new, most of the time) takes inserts alone.
    const fresh = listed === 0;
    for (const [destination, flows] of aggregate.destinations) {
      if (!fresh && addToListed.run(flows, row.id, destination).changes === 1) continue;
      if (listed < DESTINATIONS_CAP) {
        insertDestination.run(row.id, destination, flows);
        listed++;
      } else {
        unlisted++;
      }
    }
    const truncated = row.destinations_truncated === 1 || aggregate.destinationsTruncated || unlisted > 0;
    setDistinct.run(listed + unlisted, truncated ? 1 : 0, row.id);
  };

  return store.transaction((aggregates: readonly HourlyAggregate[]) => {
    for (const aggregate of aggregates) writeOne(aggregate);
  });
}

/**
 * Adds a batch of aggregates to the store in one transaction: counts add up, first/last seen
 * widen, destinations merge, so writing a batch in any split gives the same rows as writing it whole.
 */
export function writeAggregates(store: Store, aggregates: readonly HourlyAggregate[]): void {
  if (aggregates.length === 0) return;
  let write = writers.get(store);
  if (!write) {
    write = compileWriter(store);
    writers.set(store, write);
  }
  write(aggregates);
}

/** Each store's source tests in use, by the id a query passes to porteiro_source_in(id, source). */
const sourceTests = new WeakMap<Store, Map<number, SourceTest>>();
let nextSourceTest = 1;

/**
 * Registers a source test for one query: the store runs it in the WHERE, before it folds the
 * destinations of the rows it keeps. Rows come in source order, so the last answer is reused.
 */
function registerSourceTest(store: Store, test: SourceTest): { id: number; release(): void } {
  let tests = sourceTests.get(store);
  if (!tests) {
    const registered = new Map<number, SourceTest>();
    store.function("porteiro_source_in", { deterministic: false }, (id, source) =>
      registered.get(id as number)?.(source as string) ? 1 : 0,
    );
    sourceTests.set(store, registered);
    tests = registered;
  }
  const id = nextSourceTest++;
  let lastSource: string | undefined;
  let lastAnswer = false;
  tests.set(id, (source) => {
    if (source !== lastSource) {
      lastSource = source;
      lastAnswer = test(source);
    }
    return lastAnswer;
  });
  const registered = tests;
  return { id, release: () => registered.delete(id) };
}

export function windowClause(window: FlowWindow, sourceTestId?: number): { where: string; params: number[] } {
  const conditions: string[] = [];
  const params: number[] = [];
  if (window.sinceMs !== undefined) {
    conditions.push("h.hour >= ?");
    params.push(Math.ceil(window.sinceMs / 1000));
  }
  if (window.untilMs !== undefined) {
    conditions.push("h.hour < ?");
    params.push(Math.ceil(window.untilMs / 1000));
  }
  if (sourceTestId !== undefined) {
    conditions.push("porteiro_source_in(?, h.source)");
    params.push(sourceTestId);
  }
  return { where: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", params };
}

function toAggregate(row: AggregateRow): HourlyAggregate {
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
    destinations: new Map(),
    destinationsTruncated: row.destinations_truncated === 1,
    distinctDestinations: row.distinct_estimate,
  };
}

/**
 * The window's aggregates with their destinations, grouped by source (all of one source's rows
 * come together, by hour and port), streamed so a big store is never held in memory. With
 * `sources`, only the sources it accepts: rows of others are skipped before their destinations
 * are read.
 */
export function* readAggregates(
  store: Store,
  window: FlowWindow = {},
  sources?: SourceTest,
): Generator<HourlyAggregate> {
  const test = sources === undefined ? undefined : registerSourceTest(store, sources);
  try {
    yield* readAggregateRows(store, windowClause(window, test?.id));
  } finally {
    test?.release();
  }
}

function* readAggregateRows(
  store: Store,
  { where, params }: { where: string; params: number[] },
): Generator<HourlyAggregate> {
  // One row per aggregate with its destinations folded into one text (address SPACE flows,
  // comma-separated), read as arrays: a row per destination, as objects, cost several times more.
  const rows = store
    .prepare(
      `SELECT h.source, h.hour, h.port, h.flows, h.packets, h.bytes, h.short_flows, h.syn_only,
              h.first_seen_ms, h.last_seen_ms, h.destinations_truncated, h.distinct_estimate,
              (SELECT group_concat(d.destination || ' ' || d.flows) FROM flow_hour_destinations d
               WHERE d.aggregate_id = h.id) AS destinations
       FROM flow_hours h ${where} ORDER BY h.source, h.hour, h.port`,
    )
    .raw()
    .iterate(...params) as IterableIterator<AggregateTuple>;
  for (const row of rows) {
    const destinations = new Map<string, number>();
    const listed = row[12];
    if (listed !== null) {
      for (const entry of listed.split(",")) {
        const space = entry.indexOf(" ");
        destinations.set(entry.slice(0, space), Number(entry.slice(space + 1)));
      }
    }
    yield {
      source: row[0],
      hour: row[1],
      port: row[2] as MailPort,
      flows: row[3],
      packets: row[4],
      bytes: row[5],
      shortFlows: row[6],
      synOnly: row[7],
      firstSeenMs: row[8],
      lastSeenMs: row[9],
      destinations,
      destinationsTruncated: row[10] === 1,
      distinctDestinations: row[11],
    };
  }
}

/** A flow_hours row with its destinations folded, as readAggregates selects it. */
type AggregateTuple = [
  source: string,
  hour: number,
  port: number,
  flows: number,
  packets: number,
  bytes: number,
  shortFlows: number,
  synOnly: number,
  firstSeenMs: number,
  lastSeenMs: number,
  truncated: number,
  distinctEstimate: number,
  destinations: string | null,
];

/** The window's aggregates without their destinations: enough for counts per port. */
export function* readAggregateTotals(store: Store, window: FlowWindow = {}): Generator<HourlyAggregate> {
  const { where, params } = windowClause(window);
  const rows = store
    .prepare(`SELECT h.* FROM flow_hours h ${where} ORDER BY h.source, h.hour, h.port`)
    .iterate(...params) as IterableIterator<AggregateRow>;
  for (const row of rows) yield toAggregate(row);
}

/** Flow records stored in the window (times the sampling rate, as `flows` counts them). */
export function storedFlowCount(store: Store, window: FlowWindow = {}): number {
  const { where, params } = windowClause(window);
  return store
    .prepare(`SELECT coalesce(sum(h.flows), 0) FROM flow_hours h ${where}`)
    .pluck()
    .get(...params) as number;
}

/** Flow records stored in the given hours (epoch seconds). */
export function storedFlowsInHours(store: Store, hours: readonly number[]): number {
  return store
    .prepare("SELECT coalesce(sum(flows), 0) FROM flow_hours WHERE hour IN (SELECT value FROM json_each(?))")
    .pluck()
    .get(JSON.stringify(hours)) as number;
}

/** Removes the given hours' aggregates (epoch seconds), their destinations with them. */
export function deleteHourAggregates(store: Store, hours: readonly number[]): void {
  store
    .prepare("DELETE FROM flow_hours WHERE hour IN (SELECT value FROM json_each(?))")
    .run(JSON.stringify(hours));
}

/** Removes the window's aggregates, their destinations with them (ON DELETE CASCADE). */
export function deleteAggregates(store: Store, window: FlowWindow): void {
  const { where, params } = windowClause(window);
  store.prepare(`DELETE FROM flow_hours AS h ${where}`).run(...params);
}

/** One source's flows per UTC day and port, through the (source, hour, port) index. */
export function dailyFlowsOf(store: Store, source: string): { day: string; port: MailPort; flows: number }[] {
  return store
    .prepare(
      `SELECT strftime('%Y-%m-%d', hour, 'unixepoch') AS day, port, SUM(flows) AS flows FROM flow_hours
       WHERE source = ? GROUP BY day, port`,
    )
    .all(source) as { day: string; port: MailPort; flows: number }[];
}

/** Start of the last hour stored (epoch seconds), or undefined when no flows are stored. */
export function lastFlowHour(store: Store): number | undefined {
  return (store.prepare("SELECT max(hour) FROM flow_hours").pluck().get() as number | null) ?? undefined;
}

/** The UTC day of the last hour stored, or undefined when no flows are stored. */
export function lastFlowDay(store: Store): Day | undefined {
  const hour = lastFlowHour(store);
  return hour === undefined ? undefined : (new Date(hour * 1000).toISOString().slice(0, 10) as Day);
}

/**
 * The ClickHouse flow store against the SQLite one: the same batches written into both (split
 * batches, a batch id sent twice, destinations, IPv6 sources, three months), then every query's
 * answer compared as JSON, byte for byte. Needs clickhouse-server (Debian's 18.16 is enough).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createClient } from "@clickhouse/client";
import fc from "fast-check";
import { UserError } from "../../../src/core/index.js";
import type { HourlyAggregate } from "../../../src/flows/index.js";
import { openClickHouseFlowStore } from "../../../src/flows/store/clickhouse/index.js";
import { quote } from "../../../src/flows/store/clickhouse/sql.js";
import { type CopyProgress, copyFlows } from "../../../src/flows/store/copy.js";
import {
  type FlowStore,
  type FlowWindow,
  parseFlowStoreUrl,
  SqliteFlowStore,
} from "../../../src/flows/store/index.js";
import { openStore } from "../../../src/store/index.js";
import { tempDir } from "../../helpers/tmp.js";
import { type PrivateClickHouse, requireClickHouse, startClickHouse } from "./clickhouse-server.js";
import { aggregates, FIXTURE_HOURS } from "./flow-fixture.js";

let server: PrivateClickHouse | string | undefined;
before(async () => {
  server = await startClickHouse();
});
after(async () => {
  if (typeof server === "object") await server.stop();
});

/** Every answer as plain JSON: a Map becomes its entries, in their order. */
function json(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v instanceof Map ? [...v] : v));
}

async function all<T>(groups: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const group of groups) out.push(group);
  return out;
}

const JANUARY_END: FlowWindow = { sinceMs: Date.UTC(2024, 0, 31, 23), untilMs: Date.UTC(2024, 1, 5) + 1 };

/** What every FlowStore query answers on the fixture, as one JSON text per query. */
async function answers(store: FlowStore): Promise<Record<string, string>> {
  const odd = (source: string) => source.endsWith("7") || source.includes(":");
  return {
    all: json(await all(store.sourceAggregates())),
    window: json(await all(store.sourceAggregates(JANUARY_END))),
    filtered: json(await all(store.sourceAggregates({ sinceMs: JANUARY_END.sinceMs }, odd))),
    days: json(await all(store.sourcePeriodFlows("day"))),
    weeks: json(await all(store.sourcePeriodFlows("week", JANUARY_END))),
    months: json(await all(store.sourcePeriodFlows("month"))),
    daily: json([await store.dailyFlows("2001:db8::25"), await store.dailyFlows("192.0.2.250")]),
    count: json([
      await store.flowCount(),
      await store.flowCount(JANUARY_END),
      await store.flowCount({ untilMs: 0 }),
    ]),
    hours: json([await store.flowCountInHours(FIXTURE_HOURS.slice(2, 5)), await store.flowCountInHours([])]),
    last: json(await store.lastHour()),
  };
}

/** The same writes, in the same order, into any store. */
async function writeFixture(store: FlowStore): Promise<void> {
  const first = aggregates(1, 300);
  const second = aggregates(2, 200);
  await store.write(first, "collector-a:1");
  // The second batch cut in two, and the first sent again after a "timeout": counted once.
  await store.write(second.slice(0, 120), "collector-b:1");
  await store.write(second.slice(120), "collector-b:2");
  await store.write(first, "collector-a:1");
  await store.write(aggregates(3, 50));
}

async function openBoth(t: import("node:test").TestContext, ch: PrivateClickHouse, database: string) {
  const sqlite = new SqliteFlowStore(openStore(tempDir(t, "flows-sqlite")));
  const clickhouse = await openClickHouseFlowStore(ch.url(database));
  t.after(async () => {
    await clickhouse.close();
    sqlite.store.close();
  });
  return { sqlite, clickhouse };
}

test("ClickHouse answers every query as SQLite does, before and after deletions", async (t) => {
  const ch = requireClickHouse(t, server);
  if (!ch) return;
  const { sqlite, clickhouse } = await openBoth(t, ch, "compare");
  const empty = await clickhouse.version();
  for (const store of [sqlite, clickhouse]) await writeFixture(store);
  assert.notEqual(await clickhouse.version(), empty);
  assert.deepEqual(await answers(clickhouse), await answers(sqlite));

  const before = await clickhouse.version();
  for (const store of [sqlite, clickhouse]) {
    await store.deleteHours([FIXTURE_HOURS[0] as number]);
    await store.delete({ sinceMs: Date.UTC(2024, 2, 1) });
  }
  assert.notEqual(await clickhouse.version(), before);
  assert.deepEqual(await answers(clickhouse), await answers(sqlite));
});

test("a second open finds the schema made and changes nothing; retention drops whole months", async (t) => {
  const ch = requireClickHouse(t, server);
  if (!ch) return;
  const first = await openClickHouseFlowStore(ch.url("retention"));
  await first.write(aggregates(4, 100), "r:1");
  const again = await openClickHouseFlowStore(ch.url("retention"));
  t.after(async () => {
    await first.close();
    await again.close();
  });
  const flows = await first.flowCount();
  assert.equal(await again.flowCount(), flows);
  // 60 days before 2024-04-15: January ends before, February (into mid-February) does not.
  assert.deepEqual(await again.dropOlderThan(60, Date.UTC(2024, 3, 15)), [202401]);
  assert.equal(await again.flowCount({ untilMs: Date.UTC(2024, 1, 1) }), 0);
  assert.equal(await again.flowCount(), await again.flowCount({ sinceMs: Date.UTC(2024, 1, 1) }));
  assert.ok((await again.flowCount()) > 0);
});

test("an unreachable server or wrong credentials are one line naming the URL, without the password", async (t) => {
  const ch = requireClickHouse(t, server);
  if (!ch) return;
  const closed = parseFlowStoreUrl("clickhouse://127.0.0.1:1/flows");
  const badPassword = parseFlowStoreUrl(`clickhouse://porteiro:wrong@${new URL(ch.endpoint).host}/flows`);
  const good = parseFlowStoreUrl(`clickhouse://porteiro:s3cret%20pass@${new URL(ch.endpoint).host}/creds`);
  assert.ok(
    closed.engine === "clickhouse" && badPassword.engine === "clickhouse" && good.engine === "clickhouse",
  );
  await assert.rejects(openClickHouseFlowStore(closed), (error: Error) => {
    assert.ok(error instanceof UserError);
    assert.match(
      error.message,
      /^flows store clickhouse:\/\/127\.0\.0\.1:1\/flows: cannot reach ClickHouse \(ECONNREFUSED/,
    );
    return true;
  });
  await assert.rejects(openClickHouseFlowStore(badPassword), (error: Error) => {
    assert.ok(error instanceof UserError);
    assert.match(
      error.message,
      /^flows store clickhouse:\/\/porteiro:\*\*\*@127\.0\.0\.1:\d+\/flows: .*password/i,
    );
    assert.doesNotMatch(error.message, /wrong/);
    return true;
  });
  const store = await openClickHouseFlowStore(good);
  t.after(() => store.close());
  assert.equal(await store.flowCount(), 0);
});

test("any text survives quote(): what the server reads is what was written", async (t) => {
  const ch = requireClickHouse(t, server);
  if (!ch) return;
  const client = createClient({ url: ch.endpoint });
  t.after(() => client.close());
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 40 }),
      async (texts) => {
        const result = await client.query({
          query: `SELECT [${texts.map(quote).join(", ")}] AS texts`,
          format: "JSONEachRow",
        });
        const [row] = await result.json<{ texts: string[] }>();
        assert.deepEqual(row?.texts, texts);
      },
    ),
    { numRuns: 40 },
  );
});

test("a source with any text is stored and found again", async (t) => {
  const ch = requireClickHouse(t, server);
  if (!ch) return;
  const store = await openClickHouseFlowStore(ch.url("texts"));
  t.after(() => store.close());
  const [row] = aggregates(5, 1) as [HourlyAggregate];
  const hostile = "x'); DROP TABLE flow_hours; --\\'\n";
  await store.write([{ ...row, source: hostile }], `batch '${hostile}`);
  await store.write([{ ...row, source: hostile }], `batch '${hostile}`);
  assert.deepEqual(
    (await store.dailyFlows(hostile)).map((d) => d.flows),
    [row.flows],
  );
});

test("a batch cut short (one month written) is completed by its retry, not doubled", async (t) => {
  const ch = requireClickHouse(t, server);
  if (!ch) return;
  const { sqlite, clickhouse } = await openBoth(t, ch, "cut_short");
  const batch = aggregates(6, 200);
  const february = batch.filter(
    (a) => a.hour >= Date.UTC(2024, 1, 1) / 1000 && a.hour < Date.UTC(2024, 2, 1) / 1000,
  );
  await clickhouse.write(february, "crashed:1");
  await clickhouse.write(batch, "crashed:1");
  await sqlite.write(batch, "crashed:1");
  assert.deepEqual(await answers(clickhouse), await answers(sqlite));
});

test("copyFlows moves SQLite's history into ClickHouse; resumed or repeated, it counts nothing twice", async (t) => {
  const ch = requireClickHouse(t, server);
  if (!ch) return;
  const { sqlite, clickhouse } = await openBoth(t, ch, "copied");
  await writeFixture(sqlite);
  // Interrupted after its second batch, then run to the end, then run again.
  let seen = 0;
  await assert.rejects(
    copyFlows(sqlite, clickhouse, {
      batchAggregates: 40,
      onProgress: () => {
        if (++seen === 2) throw new Error("interrupted");
      },
    }),
    /interrupted/,
  );
  const progress: CopyProgress[] = [];
  const copied = await copyFlows(sqlite, clickhouse, {
    batchAggregates: 40,
    onProgress: (p) => progress.push(p),
  });
  const again = await copyFlows(sqlite, clickhouse, { batchAggregates: 40 });
  assert.deepEqual(again, copied);
  assert.equal(copied.months, 3);
  assert.equal(copied.flows, await sqlite.flowCount());
  assert.deepEqual(progress.at(-1), {
    month: "2024-03",
    monthsDone: 2,
    months: 3,
    flowsDone: copied.flows,
    flows: copied.flows,
    aggregatesDone: copied.aggregates,
  });
  assert.deepEqual(await answers(clickhouse), await answers(sqlite));
});

/**
 * AggregateWriter against a real store that another connection holds locked: what a failed
 * write refused is written by the next one, once, within a bound.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import pino from "pino";
import { HourlyAggregator } from "../../src/flows/aggregate/aggregator.js";
import {
  AGGREGATE_BYTES,
  AggregateWriter,
  DESTINATION_BYTES,
} from "../../src/flows/intake/aggregate-writer.js";
import { BatchSpool } from "../../src/flows/intake/batch-spool.js";
import { emptyMailFlow, type HourlyAggregate } from "../../src/flows/mail-flow.js";
import { readAggregates, SqliteFlowStore } from "../../src/flows/store/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { EXPORT_MS } from "./decode-helpers.js";

/** The store, with writes failing at once while `lock` holds it, and a second connection that locks. */
function lockableStore(t: TestContext) {
  const dir = tempDir(t, "aggregate-writer");
  const store = openStore(dir);
  store.pragma("busy_timeout = 0");
  const other = openStore(dir);
  t.after(() => {
    other.close();
    store.close();
  });
  return {
    store,
    lock: () => other.exec("BEGIN IMMEDIATE"),
    unlock: () => other.exec("COMMIT"),
  };
}

/** Aggregates of `sources` sources (192.0.2.<first>…), each with `destinations` destinations. */
function aggregates(first: number, sources: number, destinations = 1): HourlyAggregate[] {
  const aggregator = new HourlyAggregator();
  const flow = emptyMailFlow();
  for (let n = first; n < first + sources; n++) {
    for (let d = 0; d < destinations; d++) {
      Object.assign(flow, { srcV4: 0xc0000200 + n, dstV4: 0xcb007100 + d, flows: 1, packets: 5 });
      Object.assign(flow, { firstMs: EXPORT_MS, lastMs: EXPORT_MS });
      aggregator.add(flow);
    }
  }
  return aggregator.drain();
}

const stored = (store: ReturnType<typeof openStore>) =>
  [...readAggregates(store)].map((a) => [a.source, a.flows]).sort();

describe("AggregateWriter", () => {
  test("a write the store refuses keeps its aggregates, and the next write stores them once", async (t) => {
    const { store, lock, unlock } = lockableStore(t);
    const writer = new AggregateWriter(new SqliteFlowStore(store));
    lock();
    await assert.rejects(writer.write(aggregates(1, 3)), /locked|busy/i);
    await assert.rejects(writer.write(aggregates(2, 3)), /locked|busy/i);
    assert.equal(writer.held, 6);
    unlock();
    assert.equal(await writer.write(aggregates(4, 1)), 7);
    assert.deepEqual(writer.held, 0);
    assert.deepEqual(stored(store), [
      ["192.0.2.1", 1],
      ["192.0.2.2", 2],
      ["192.0.2.3", 2],
      ["192.0.2.4", 2],
    ]);
    assert.equal(writer.written, 7);
  });

  test("past its bound it drops the oldest, counts them and logs each failed write that dropped", async (t) => {
    const { store, lock, unlock } = lockableStore(t);
    const lines: { msg: string; dropped: number }[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    // Room for four aggregates of two destinations.
    const writer = new AggregateWriter(new SqliteFlowStore(store), {
      log,
      limitBytes: 4 * (AGGREGATE_BYTES + 2 * DESTINATION_BYTES),
    });
    lock();
    await assert.rejects(writer.write(aggregates(1, 3, 2)));
    assert.equal(writer.dropped, 0);
    await assert.rejects(writer.write(aggregates(11, 3, 2)));
    await assert.rejects(writer.write(aggregates(21, 1, 2)));
    assert.equal(writer.held, 4);
    assert.equal(writer.dropped, 3);
    assert.deepEqual(
      lines.map((l) => l.dropped),
      [2, 1],
    );
    unlock();
    await writer.write([]);
    assert.deepEqual(
      stored(store).map(([source]) => source),
      ["192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.21"],
    );
  });
});

describe("AggregateWriter with a batch spool", () => {
  test("batches wait on disk across a kill and are sent once by the next run, even one sent before the kill", async (t) => {
    const { store, lock, unlock } = lockableStore(t);
    const dir = join(tempDir(t, "batch-spool"), "flow-batches");
    const flows = new SqliteFlowStore(store);
    const first = new AggregateWriter(flows, { spool: new BatchSpool(dir) });
    lock();
    await assert.rejects(first.write(aggregates(1, 2)), /locked|busy/i);
    unlock();
    // A batch the store took just before the kill, whose file the run had no time to remove.
    const spool = new BatchSpool(dir);
    const sent = { id: "earlier-run:7", aggregates: aggregates(5, 1) };
    spool.keep(sent);
    await flows.write(sent.aggregates, sent.id);
    assert.equal(readdirSync(dir).length, 2);

    const next = new AggregateWriter(flows, { spool: new BatchSpool(dir) });
    assert.equal(next.held, 3);
    assert.equal(await next.write([]), 3);
    assert.deepEqual(readdirSync(dir), []);
    assert.deepEqual(stored(store), [
      ["192.0.2.1", 1],
      ["192.0.2.2", 1],
      ["192.0.2.5", 1],
    ]);
  });
});

/**
 * The flow collector as `serve` runs it (collector-runtime.ts), over loopback UDP into a real
 * store that another connection holds locked for a while.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { readAggregates, SqliteFlowStore, startCollectorRuntime } from "../../src/flows/index.js";
import { openStore } from "../../src/store/index.js";
import { CLOCK, flow4 } from "../flows/decode-helpers.js";
import { v5Packet } from "../flows/exports.js";
import { tempDir } from "../helpers/tmp.js";

test("a flush the store refuses keeps its aggregates: the next flush writes them", async (t) => {
  const dir = tempDir(t, "serve-collector");
  const store = openStore(dir);
  // A locked store fails a write at once instead of after five seconds.
  store.pragma("busy_timeout = 0");
  const other = openStore(dir);
  const runtime = await startCollectorRuntime({
    listen: { host: "127.0.0.1", port: 0 },
    flows: new SqliteFlowStore(store),
    store,
    logger: pino({ level: "silent" }),
  });
  const socket = createSocket("udp4");
  t.after(async () => {
    socket.close();
    await runtime.stop();
    other.close();
    store.close();
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve, reject) =>
    socket.send(v5Packet([flow4(1, 25), flow4(2, 587)], CLOCK), runtime.endpoint.port, "127.0.0.1", (e) =>
      e ? reject(e) : resolve(),
    ),
  );
  other.exec("BEGIN IMMEDIATE");
  // Flushes write nothing (and so do not fail) until the datagram has reached the collector.
  let refused: Error | undefined;
  for (let i = 0; i < 500 && refused === undefined; i++) {
    await runtime.flush().catch((error: Error) => {
      refused = error;
    });
    await sleep(10);
  }
  assert.match(String(refused?.message), /refused 2 flow aggregates, kept for the next flush/);
  other.exec("COMMIT");
  assert.equal(await runtime.flush(), 2);
  assert.deepEqual(
    [...readAggregates(store)].map((a) => [a.source, a.port, a.flows]),
    [
      ["192.0.2.1", 25, 1],
      ["192.0.2.2", 587, 1],
    ],
  );
});

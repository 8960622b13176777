/**
 * The collector's Prometheus counters per exporter, read from a real collector that received
 * datagrams over loopback UDP: good ones, a malformed one, and another exporter's.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { Registry } from "prom-client";
import {
  readAggregates,
  registerCollectorMetrics,
  SqliteFlowStore,
  samplersSeen,
  startCollectorRuntime,
} from "../../src/flows/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { CLOCK, flow4 } from "./decode-helpers.js";
import { ipfixPacket, v5Packet } from "./exports.js";
import { XR_TEMPLATE, xrData, xrSampler } from "./router-shapes.js";

async function bound(t: import("node:test").TestContext): Promise<Socket> {
  const socket = createSocket("udp4");
  t.after(() => socket.close());
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

const send = (socket: Socket, packet: Buffer, port: number) =>
  new Promise<void>((resolve, reject) =>
    socket.send(packet, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())),
  );

/** The sample's value in Prometheus text, or undefined when the line is absent. */
function sample(text: string, line: string): number | undefined {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

/** A collector as serve runs it, on a free loopback port, over a fresh store; stopped after the test. */
async function startedRuntime(t: import("node:test").TestContext) {
  const store = openStore(tempDir(t, "flows-metrics"));
  const runtime = await startCollectorRuntime({
    listen: { host: "127.0.0.1", port: 0 },
    flows: new SqliteFlowStore(store),
    store,
    logger: pino({ level: "silent" }),
  });
  t.after(async () => {
    await runtime.stop();
    store.close();
  });
  return { store, runtime, registry: new Registry() };
}

test("collector metrics count datagrams, records, mail flows and drops per exporter", async (t) => {
  const { runtime, registry } = await startedRuntime(t);
  let started = false;
  registerCollectorMetrics(registry, () => (started ? runtime.readings() : undefined));
  // Before the collector runs, its gauges read 0 and its per-exporter series are absent.
  const before = await registry.metrics();
  assert.equal(sample(before, "porteiro_flows_receive_buffer_bytes"), 0);
  assert.doesNotMatch(before, /exporter=/);
  started = true;

  const router = await bound(t);
  const other = await bound(t);
  const port = runtime.endpoint.port;
  await send(router, v5Packet([flow4(1, 25), flow4(2, 587), flow4(3, 80)], CLOCK), port);
  await send(router, v5Packet([flow4(4, 25)], CLOCK), port);
  // A v5 header that promises 30 records and holds none.
  await send(
    router,
    v5Packet([flow4(5, 25)], CLOCK)
      .subarray(0, 24)
      .fill(30, 3, 4),
    port,
  );
  await send(other, v5Packet([flow4(6, 465)], CLOCK), port);

  const name = (socket: Socket) => `127.0.0.1:${socket.address().port}`;
  const routerLabel = `{exporter="${name(router)}"}`;
  let text = "";
  for (let i = 0; i < 200; i++) {
    text = await registry.metrics();
    if (
      sample(text, `porteiro_flows_datagrams_total{exporter="${name(other)}"}`) === 1 &&
      sample(text, `porteiro_flows_datagrams_total${routerLabel}`) === 3
    )
      break;
    await sleep(25);
  }
  assert.equal(sample(text, `porteiro_flows_datagrams_total${routerLabel}`), 3);
  assert.equal(sample(text, `porteiro_flows_records_total${routerLabel}`), 4);
  assert.equal(sample(text, `porteiro_flows_mail_flows_total${routerLabel}`), 3);
  assert.equal(
    sample(text, `porteiro_flows_dropped_total{exporter="${name(router)}",reason="malformed"}`),
    1,
  );
  assert.equal(sample(text, `porteiro_flows_dropped_total{exporter="${name(router)}",reason="backlog"}`), 0);
  assert.equal(sample(text, `porteiro_flows_mail_flows_total{exporter="${name(other)}"}`), 1);
  assert.ok((sample(text, "porteiro_flows_receive_buffer_bytes") ?? 0) > 0);

  await runtime.flush();
  assert.equal(sample(await registry.metrics(), "porteiro_flows_aggregates_written_total"), 4);
});

test("a sampled IPFIX export through the collector: stored at the sampler's rate, the rate under /metrics", async (t) => {
  const { store, runtime, registry } = await startedRuntime(t);
  registerCollectorMetrics(registry, () => runtime.readings());
  const router = await bound(t);
  await send(
    router,
    ipfixPacket([...xrSampler(1, 256), ...xrSampler(2, 1024).slice(1), XR_TEMPLATE], CLOCK),
    runtime.endpoint.port,
  );
  await send(router, ipfixPacket([xrData(1, 1), xrData(2, 2)], CLOCK), runtime.endpoint.port);
  const exporter = `127.0.0.1:${router.address().port}`;
  const rate = (sampler: number) =>
    `porteiro_flows_sampling_rate{exporter="${exporter}",domain="0",sampler="${sampler}"}`;
  let text = "";
  for (let i = 0; i < 200; i++) {
    text = await registry.metrics();
    if (sample(text, `porteiro_flows_mail_flows_total{exporter="${exporter}"}`) === 2) break;
    await sleep(25);
  }
  assert.equal(sample(text, rate(1)), 256);
  assert.equal(sample(text, rate(2)), 1024);
  await runtime.flush();
  assert.deepEqual(
    [...readAggregates(store)].map((a) => [a.source, a.flows, a.packets]),
    [
      ["192.0.2.1", 256, 11 * 256],
      ["192.0.2.2", 1024, 12 * 1024],
    ],
  ); // The rates are kept with the aggregates, for the reports that read them.
  assert.deepEqual(
    samplersSeen(store).map((s) => [s.exporter, s.domain, s.sampler, s.rate, s.method]),
    [
      [exporter, 0, "1", 256, "random 1 of 256 (selectorAlgorithm 3)"],
      [exporter, 0, "2", 1024, "random 1 of 1024 (selectorAlgorithm 3)"],
    ],
  );
  assert.deepEqual(samplersSeen(store, { sinceMs: Date.now() + 60_000 }), []);
});

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { HourlyAggregator } from "../../src/flows/aggregator.js";
import { startCollector } from "../../src/flows/collector.js";
import { CLOCK, flow4 } from "./decode-helpers.js";
import { ipfixPacket, V4_FIELDS, v5Packet } from "./exports.js";

/** Polls until `done()` or the deadline; returns whether it got there. */
async function until(done: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

describe("startCollector", () => {
  test("receives v5 and IPFIX over UDP, counts per exporter and feeds the aggregator", async () => {
    const aggregator = new HourlyAggregator();
    const collector = await startCollector({ host: "127.0.0.1", port: 0, sink: aggregator });
    const sender = createSocket("udp4");
    try {
      const { port } = collector.address();
      await new Promise<void>((resolve) => sender.bind(0, "127.0.0.1", resolve));
      const send = (packet: Buffer) =>
        new Promise<void>((resolve, reject) =>
          sender.send(packet, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())),
        );
      await send(v5Packet([flow4(1, 25), flow4(1, 25, { dst: 0xcb007163 }), flow4(2, 80)], CLOCK));
      await send(
        ipfixPacket(
          [
            { kind: "template", id: 256, fields: V4_FIELDS },
            { kind: "data", id: 256, fields: V4_FIELDS, flows: [flow4(3, 587)] },
          ],
          CLOCK,
        ),
      );
      await send(Buffer.from([0, 10, 0, 99]));
      assert.ok(
        await until(() => collector.stats().total.packets === 3),
        "the collector got all three packets",
      );
      const stats = collector.stats();
      const exporter = stats.exporters.get(`127.0.0.1:${sender.address().port}`);
      assert.deepEqual(
        exporter && [exporter.packets, exporter.records, exporter.mailFlows, exporter.malformed],
        [3, 4, 3, 1],
      );
      assert.ok(stats.receiveBufferBytes > 0);
      const drained = aggregator.drain();
      assert.deepEqual(
        drained.map((a) => [a.source, a.port, a.flows, a.distinctDestinations]),
        [
          ["192.0.2.1", 25, 2, 2],
          ["192.0.2.3", 587, 1, 1],
        ],
      );
    } finally {
      sender.close();
      await collector.close();
    }
  });

  test("refuses to start on a port already taken, without a stack trace in the message", async () => {
    const first = await startCollector({ port: 0, sink: { add() {} } });
    try {
      await assert.rejects(startCollector({ port: first.address().port, sink: { add() {} } }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

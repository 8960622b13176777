import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { HourlyAggregator } from "../../src/flows/aggregate/aggregator.js";
import { FlowDecoder } from "../../src/flows/decode/decode.js";
import { type Collector, startCollector } from "../../src/flows/intake/collector.js";
import { CLOCK, flow4, flow6 } from "./decode-helpers.js";
import { ipfixPacket, V4_FIELDS, V6_FIELDS, v5Packet, v9Packet } from "./exports.js";

/** Polls until `done()` or the deadline; returns whether it got there. */
async function until(done: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

async function sender(): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

/** Sends one by one (each send completes before the next), so that loopback drops none. */
async function sendAll(socket: Socket, collector: Collector, packets: readonly Buffer[]): Promise<void> {
  const { port } = collector.address();
  for (const packet of packets) {
    await new Promise<void>((resolve, reject) =>
      socket.send(packet, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())),
    );
  }
}

const name = (socket: Socket) => `127.0.0.1:${socket.address().port}`;

/** A mix of v5, v9 and IPFIX (IPv4 and IPv6, templates first), and two malformed datagrams. */
function mixedPackets(): Buffer[] {
  const packets = [v5Packet([flow4(1, 25), flow4(1, 25, { dst: 0xcb007163 }), flow4(2, 80)], CLOCK)];
  packets.push(
    v9Packet(
      [
        { kind: "template", id: 256, fields: V4_FIELDS },
        { kind: "template", id: 257, fields: V6_FIELDS },
      ],
      CLOCK,
    ),
  );
  for (let i = 0; i < 40; i++) {
    packets.push(
      v9Packet(
        [
          { kind: "data", id: 256, fields: V4_FIELDS, flows: [flow4(i % 7, 25), flow4(i, 443)] },
          { kind: "data", id: 257, fields: V6_FIELDS, flows: [flow6(i % 3, 587)] },
        ],
        CLOCK,
      ),
    );
  }
  packets.push(Buffer.from([0, 10, 0, 99]), Buffer.from([0, 9]));
  packets.push(
    ipfixPacket(
      [
        { kind: "template", id: 300, fields: V4_FIELDS },
        { kind: "data", id: 300, fields: V4_FIELDS, flows: [flow4(3, 465), flow4(4, 25)] },
      ],
      CLOCK,
    ),
  );
  return packets;
}

/** A collector and, beside it, the single-thread path (decoder into aggregator) to compare with. */
async function withReference() {
  const aggregator = new HourlyAggregator();
  const decoder = new FlowDecoder(aggregator);
  const collector = await startCollector({ host: "127.0.0.1", port: 0 });
  return { packets: mixedPackets(), aggregator, decoder, collector };
}

describe("startCollector", () => {
  test("receives v5 and IPFIX over UDP, counts per exporter and aggregates", async () => {
    const collector = await startCollector({ host: "127.0.0.1", port: 0 });
    const socket = await sender();
    try {
      await sendAll(socket, collector, [
        v5Packet([flow4(1, 25), flow4(1, 25, { dst: 0xcb007163 }), flow4(2, 80)], CLOCK),
        ipfixPacket(
          [
            { kind: "template", id: 256, fields: V4_FIELDS },
            { kind: "data", id: 256, fields: V4_FIELDS, flows: [flow4(3, 587)] },
          ],
          CLOCK,
        ),
        Buffer.from([0, 10, 0, 99]),
      ]);
      assert.ok(
        await until(() => collector.stats().total.packets === 3),
        "the collector got all three packets",
      );
      const stats = collector.stats();
      const exporter = stats.exporters.get(name(socket));
      assert.deepEqual(
        exporter && [
          exporter.packets,
          exporter.records,
          exporter.mailFlows,
          exporter.malformed,
          exporter.dropped,
        ],
        [3, 4, 3, 1, 0],
      );
      assert.ok(stats.receiveBufferBytes > 0);
      const drained = await collector.drain();
      assert.deepEqual(
        drained.map((a) => [a.source, a.port, a.flows, a.distinctDestinations]),
        [
          ["192.0.2.1", 25, 2, 2],
          ["192.0.2.3", 587, 1, 1],
        ],
      );
      assert.deepEqual(await collector.drain(), [], "a drain forgets what it handed over");
    } finally {
      socket.close();
      await collector.close();
    }
  });

  test("through the ring and the decoding thread, aggregates and counts as one thread does", async () => {
    const { packets, aggregator, decoder, collector } = await withReference();
    const a = await sender();
    const b = await sender();
    try {
      // Two exporters: the same packets, so each has its own templates and counters.
      await sendAll(a, collector, packets);
      await sendAll(b, collector, packets.slice(0, 20));
      for (const packet of packets) decoder.decode(packet, name(a));
      for (const packet of packets.slice(0, 20)) decoder.decode(packet, name(b));
      assert.ok(await until(() => collector.stats().total.packets === packets.length + 20));
      const want = decoder.stats();
      const got = collector.stats().exporters;
      assert.deepEqual([...got].sort(), [...want].map(([n, s]) => [n, { ...s, dropped: 0 }] as const).sort());
      assert.equal(got.get(name(a))?.malformed, 2);
      assert.equal(got.get(name(b))?.noTemplate, 0);
      assert.deepEqual(await collector.drain(), aggregator.drain());
    } finally {
      a.close();
      b.close();
      await collector.close();
    }
  });

  test("close hands over everything received and not drained, once", async () => {
    const { packets, aggregator, decoder, collector } = await withReference();
    const socket = await sender();
    try {
      await sendAll(socket, collector, packets.slice(0, 10));
      // A drain covers what the collector has received, which the sends' callbacks do not wait for.
      assert.ok(await until(() => collector.stats().total.packets === 10));
      const first = await collector.drain();
      await sendAll(socket, collector, packets.slice(10));
      assert.ok(await until(() => collector.stats().total.packets === packets.length));
      const rest = await collector.close();
      for (const packet of packets.slice(0, 10)) decoder.decode(packet, name(socket));
      assert.deepEqual(first, aggregator.drain());
      for (const packet of packets.slice(10)) decoder.decode(packet, name(socket));
      assert.deepEqual(rest, aggregator.drain());
      assert.ok(rest.length > 0);
      assert.equal(collector.stats().total.packets, packets.length, "counters survive the close");
      assert.deepEqual(await collector.close(), rest, "closing twice is one close");
      assert.deepEqual(await collector.drain(), []);
    } finally {
      socket.close();
    }
  });

  test("refuses to start on a port already taken, without a stack trace in the message", async () => {
    const first = await startCollector({ port: 0 });
    try {
      await assert.rejects(
        startCollector({ port: first.address().port }),
        /cannot listen for the flow collector on 127\.0\.0\.1:\d+: the address is already in use/,
      );
    } finally {
      await first.close();
    }
  });
});

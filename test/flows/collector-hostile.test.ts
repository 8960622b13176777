/**
 * Hostile exporters against the real collector over loopback UDP: a flood of templates in new
 * domains (that must lock out neither a live exporter nor a new one), a flood that kills the
 * decoding thread, a flow time of 2^64-1 ms.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { TEMPLATE_BOUNDS } from "../../src/flows/decode/template-table.js";
import { type Collector, startCollector } from "../../src/flows/intake/collector.js";
import { storedFlowCount, writeAggregates } from "../../src/flows/store/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { CLOCK, EXPORT_MS, flow4, flow6 } from "./decode-helpers.js";
import { type FieldDef, ipfixPacket, type SetSpec, V4_FIELDS, V6_FIELDS, v5Packet } from "./exports.js";

async function sender(): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

const nameOf = (socket: Socket) => `127.0.0.1:${socket.address().port}`;

function send(collector: Collector, socket: Socket, packet: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    socket.send(packet, collector.address().port, "127.0.0.1", (e) => (e ? reject(e) : resolve())),
  );
}

/** Polls until `done()`; fails past 30 s (a loaded machine is slow, never that slow). */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    assert.ok(Date.now() < deadline, what);
    await sleep(5);
  }
}

/** Sends and waits until the collector has decoded it, or its decoding thread died. */
async function deliver(collector: Collector, socket: Socket, packet: Buffer): Promise<void> {
  const before = collector.stats();
  await send(collector, socket, packet);
  await until(() => {
    const now = collector.stats();
    return now.total.packets > before.total.packets || now.decoderRestarts > before.decoderRestarts;
  }, "the collector never counted the datagram");
}

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: { msg: string; exporter?: string; err?: string }[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const legitimate = (flows: ReturnType<typeof flow4>[]) =>
  ipfixPacket(
    [
      { kind: "template", id: 256, fields: V4_FIELDS },
      { kind: "data", id: 256, fields: V4_FIELDS, flows },
    ],
    CLOCK,
    7,
  );

describe("the collector under hostile exporters", () => {
  test("datagrams of 950 templates in ever new domains fill the bounds only, counted and logged once per exporter; exporters live or new decode on", async () => {
    const { log, lines } = capturedLog();
    const collector = await startCollector({ port: 0, log });
    const exporter = await sender();
    const newcomer = await sender();
    const attackers = [await sender(), await sender(), await sender()];
    const ONE: FieldDef[] = [[8, 4]];
    const templates: SetSpec[] = Array.from({ length: 950 }, (_, i) => ({
      kind: "template",
      id: 256 + i,
      fields: ONE,
    }));
    const DOMAINS = 70;
    try {
      await deliver(collector, exporter, legitimate([flow4(1, 25)]));
      for (const attacker of attackers) {
        for (let domain = 0; domain < DOMAINS; domain++) {
          await send(collector, attacker, ipfixPacket(templates, CLOCK, domain));
        }
      }
      const sent = 1 + attackers.length * DOMAINS;
      await until(() => collector.stats().total.packets === sent, "the flood was not all counted");
      // The exporter's template, in use by data, was not evicted: a data set alone decodes.
      await deliver(
        collector,
        exporter,
        ipfixPacket([{ kind: "data", id: 256, fields: V4_FIELDS, flows: [flow4(2, 587)] }], CLOCK, 7),
      );
      // An exporter first seen after the flood takes the place of a flooded template.
      await deliver(collector, newcomer, legitimate([flow4(3, 465)]));
      await collector.drain().then((aggregates) =>
        assert.deepEqual(aggregates.map((a) => [a.source, a.port]).sort(), [
          ["192.0.2.1", 25],
          ["192.0.2.2", 587],
          ["192.0.2.3", 465],
        ]),
      );
      const stats = collector.stats();
      const B = TEMPLATE_BOUNDS;
      assert.equal(stats.total.templates, B.templates);
      for (const attacker of attackers) {
        const s = stats.exporters.get(nameOf(attacker));
        assert.ok((s?.templates ?? 0) <= B.domainsPerExporter * B.templatesPerDomain);
        assert.equal(
          (s?.templates ?? 0) + (s?.templatesRefused ?? 0) + (s?.templatesEvicted ?? 0),
          950 * DOMAINS,
        );
      }
      for (const legit of [exporter, newcomer]) {
        const s = stats.exporters.get(nameOf(legit));
        assert.deepEqual(
          [s?.templates, s?.templatesRefused, s?.templatesEvicted, s?.noTemplate],
          [1, 0, 0, 0],
        );
      }
      const warned = lines.filter((l) => /templates refused/.test(l.msg)).map((l) => l.exporter);
      assert.deepEqual(warned.sort(), attackers.map(nameOf).sort());
    } finally {
      for (const socket of [exporter, newcomer, ...attackers]) socket.close();
      await collector.close();
    }
  });

  test("a decoding thread that runs out of memory is replaced: it logs, counts, and decodes on", {
    timeout: 60_000,
  }, async () => {
    const { log, lines } = capturedLog();
    // A small heap, and IPv6 sources the aggregator interns on it: 2,000 new ones a datagram.
    const collector = await startCollector({ port: 0, log, decoderHeapMb: 16 });
    const exporter = await sender();
    const attacker = await sender();
    const count = 1000;
    const flows = Array.from({ length: count }, (_, n) => flow6(n, 25));
    const flood = ipfixPacket(
      [
        { kind: "template", id: 256, fields: V6_FIELDS },
        { kind: "data", id: 256, fields: V6_FIELDS, flows },
      ],
      CLOCK,
    );
    const record = V6_FIELDS.reduce((n, [, length]) => n + length, 0);
    const firstRecord = flood.length - count * record;
    try {
      await deliver(collector, exporter, legitimate([flow4(1, 25)]));
      let sent = 0;
      while (collector.stats().decoderRestarts === 0) {
        assert.ok(sent < 400, "the decoding thread never ran out of memory");
        sent++;
        // New addresses in every datagram: bits 64…95 of source and destination.
        for (let n = 0; n < count; n++) {
          flood.writeUInt32BE(sent, firstRecord + n * record + 8);
          flood.writeUInt32BE(sent, firstRecord + n * record + 24);
        }
        await deliver(collector, attacker, flood);
      }
      assert.equal(lines.filter((l) => /decoding thread died/.test(l.msg)).length, 1);
      const before = collector.stats().exporters.get(nameOf(exporter));
      assert.equal(before?.packets, 1, "counters carry over from the dead thread");
      // Its templates died with it: the exporter's next packet brings its template again.
      await deliver(collector, exporter, legitimate([flow4(2, 465)]));
      assert.deepEqual(
        (await collector.drain()).map((a) => [a.source, a.port]),
        [["192.0.2.2", 465]],
      );
      const after = collector.stats();
      assert.equal(after.decoderRestarts, 1);
      assert.equal(after.exporters.get(nameOf(exporter))?.packets, 2);
      assert.deepEqual(await collector.close(), []);
    } finally {
      exporter.close();
      attacker.close();
      await collector.close();
    }
  });

  test("a flow time of 2^64-1 ms from one exporter is dropped and counted; every other exporter's flows reach the store", async (t) => {
    const store = openStore(tempDir(t, "collector-times"));
    t.after(() => store.close());
    const collector = await startCollector({ port: 0 });
    const hostile = await sender();
    const exporter = await sender();
    const fields: FieldDef[] = [
      [8, 4],
      [12, 4],
      [11, 2],
      [4, 1],
      [152, 8],
      [153, 8],
    ];
    try {
      await deliver(
        collector,
        hostile,
        ipfixPacket(
          [
            { kind: "template", id: 256, fields },
            {
              kind: "records",
              id: 256,
              fields,
              records: [[0xc0000209, 0xcb007101, 25, 6, 2n ** 64n - 1n, EXPORT_MS]],
            },
          ],
          CLOCK,
        ),
      );
      await deliver(collector, exporter, v5Packet([flow4(1, 25), flow4(2, 587)], CLOCK));
      writeAggregates(store, await collector.drain());
      assert.equal(storedFlowCount(store), 2);
      assert.equal(collector.stats().exporters.get(nameOf(hostile))?.badTimes, 1);
    } finally {
      hostile.close();
      exporter.close();
      await collector.close();
    }
  });
});

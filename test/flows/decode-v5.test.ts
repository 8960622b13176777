import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MAX_EXPORTERS, OVERFLOW_EXPORTER } from "../../src/flows/decode/decode.js";
import { CLOCK, decoderWithSink, EXPORT_MS, flow4 } from "./decode-helpers.js";
import { v5Packet } from "./exports.js";

describe("NetFlow v5", () => {
  test("passes on TCP flows to 25, 587 and 465 only, with times from the header's uptime", () => {
    const { decoder, sink } = decoderWithSink();
    const packet = v5Packet(
      [flow4(1, 25), flow4(2, 587), flow4(3, 465), flow4(4, 80), flow4(5, 25, { proto: 17 }), flow4(6, 2525)],
      CLOCK,
    );
    decoder.decode(packet, "192.0.2.250:2055");
    assert.deepEqual(
      sink.flows.map((f) => [f.srcV4, f.dstV4, f.dstPort, f.packets, f.bytes, f.tcpFlags, f.flows]),
      [
        [0xc0000201, 0xcb007101, 25, 11, 1001, 0x1b, 1],
        [0xc0000202, 0xcb007102, 587, 12, 1002, 0x1b, 1],
        [0xc0000203, 0xcb007103, 465, 13, 1003, 0x1b, 1],
      ],
    );
    assert.ok(sink.flows.every((f) => f.firstMs === EXPORT_MS - 30_000 && f.lastMs === EXPORT_MS - 10_000));
    const stats = decoder.stats().get("192.0.2.250:2055");
    assert.equal(stats?.records, 6);
    assert.equal(stats?.mailFlows, 3);
  });

  test("multiplies by the header's sampling interval (low 14 bits)", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(v5Packet([flow4(1, 25)], CLOCK, 0x4000 | 100), "x");
    assert.deepEqual(
      sink.flows.map((f) => [f.flows, f.packets, f.bytes]),
      [[100, 1100, 100_100]],
    );
  });

  test("places flows from before an uptime wrap correctly", () => {
    const { decoder, sink } = decoderWithSink();
    // Uptime wrapped 5 s before export; the flow started 30 s before export.
    decoder.decode(v5Packet([flow4(1, 25)], { exportMs: EXPORT_MS, uptimeMs: 5000 }), "x");
    assert.equal(sink.flows[0]?.firstMs, EXPORT_MS - 30_000);
  });

  test("drops a packet whose count does not fit, counting it as malformed", () => {
    const { decoder, sink } = decoderWithSink();
    const packet = v5Packet([flow4(1, 25), flow4(2, 25)], CLOCK);
    decoder.decode(packet.subarray(0, packet.length - 1), "x");
    decoder.decode(packet.subarray(0, 10), "x");
    assert.equal(sink.flows.length, 0);
    assert.equal(decoder.stats().get("x")?.malformed, 2);
  });
});

test("exporters past MAX_EXPORTERS are counted as dropped under one entry, so state stays bounded", () => {
  const { decoder, sink } = decoderWithSink();
  const packet = v5Packet([flow4(1, 25)], CLOCK);
  for (let port = 0; port < MAX_EXPORTERS + 10; port++) decoder.decode(packet, `192.0.2.9:${port}`);
  const stats = decoder.stats();
  assert.equal(stats.size, MAX_EXPORTERS + 1);
  assert.deepEqual(
    { packets: stats.get(OVERFLOW_EXPORTER)?.packets, dropped: stats.get(OVERFLOW_EXPORTER)?.dropped },
    { packets: 10, dropped: 10 },
  );
  assert.equal(sink.flows.length, MAX_EXPORTERS, "the tracked exporters' packets are decoded");
  // A tracked exporter is still decoded after the cap is reached.
  decoder.decode(packet, "192.0.2.9:0");
  const after = decoder.stats();
  assert.equal(after.size, MAX_EXPORTERS + 1);
  assert.equal(after.get("192.0.2.9:0")?.packets, 2);
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CLOCK, decoderWithSink, EXPORT_MS, flow4, flow6 } from "./decode-helpers.js";
import { type FieldDef, V4_FIELDS, V6_FIELDS, v9Packet } from "./exports.js";

const T4 = { kind: "template", id: 256, fields: V4_FIELDS } as const;
const T6 = { kind: "template", id: 257, fields: V6_FIELDS } as const;
const data4 = (...flows: ReturnType<typeof flow4>[]) =>
  ({ kind: "data", id: 256, fields: V4_FIELDS, flows }) as const;

describe("NetFlow v9", () => {
  test("decodes IPv4 and IPv6 data behind templates in the same packet, mail ports only", () => {
    const { decoder, sink } = decoderWithSink();
    const packet = v9Packet(
      [
        T4,
        T6,
        data4(flow4(1, 25), flow4(2, 80), flow4(3, 465, { proto: 17 })),
        { kind: "data", id: 257, fields: V6_FIELDS, flows: [flow6(4, 587)] },
      ],
      CLOCK,
    );
    decoder.decode(packet, "e:1");
    assert.deepEqual(
      sink.flows.map((f) => [f.family, f.srcV4, f.srcV6, f.dstV6, f.dstPort, f.packets, f.firstMs, f.lastMs]),
      [
        [4, 0xc0000201, 0n, 0n, 25, 11, EXPORT_MS - 30_000, EXPORT_MS - 10_000],
        [
          6,
          0,
          0x20010db8000000000000000000000004n,
          0x20010db8000100000000000000000004n,
          587,
          14,
          EXPORT_MS - 30_000,
          EXPORT_MS - 10_000,
        ],
      ],
    );
    const stats = decoder.stats().get("e:1");
    assert.equal(stats?.records, 4);
    assert.equal(stats?.templates, 2);
  });

  test("counts data before its template as noTemplate, then decodes once the template arrives", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(v9Packet([data4(flow4(1, 25))], CLOCK), "e:1");
    assert.equal(decoder.stats().get("e:1")?.noTemplate, 1);
    decoder.decode(v9Packet([T4], CLOCK), "e:1");
    decoder.decode(v9Packet([data4(flow4(1, 25))], CLOCK), "e:1");
    assert.equal(sink.flows.length, 1);
  });

  test("keeps templates apart per exporter and per source id", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(v9Packet([T4], CLOCK, 7), "e:1");
    decoder.decode(v9Packet([data4(flow4(1, 25))], CLOCK, 8), "e:1");
    decoder.decode(v9Packet([data4(flow4(1, 25))], CLOCK, 7), "e:2");
    decoder.decode(v9Packet([data4(flow4(1, 25))], CLOCK, 7), "e:1");
    assert.equal(sink.flows.length, 1);
    assert.equal(decoder.stats().get("e:1")?.noTemplate, 1);
    assert.equal(decoder.stats().get("e:2")?.noTemplate, 1);
  });

  test("a refreshed template replaces the old layout", () => {
    const { decoder, sink } = decoderWithSink();
    const swapped: FieldDef[] = [[12, 4], [8, 4], ...V4_FIELDS.slice(2)];
    decoder.decode(v9Packet([T4, data4(flow4(1, 25))], CLOCK), "e:1");
    decoder.decode(
      v9Packet(
        [
          { kind: "template", id: 256, fields: swapped },
          { kind: "data", id: 256, fields: swapped, flows: [flow4(2, 25)] },
        ],
        CLOCK,
      ),
      "e:1",
    );
    assert.deepEqual(
      sink.flows.map((f) => f.srcV4),
      [0xc0000201, 0xc0000202],
    );
  });

  test("applies the sampling interval from an options record (fields 34 and 50)", () => {
    for (const field of [34, 50]) {
      const { decoder, sink } = decoderWithSink();
      const scope: FieldDef[] = [[1, 4]];
      const fields: FieldDef[] = [[field, 4]];
      decoder.decode(
        v9Packet(
          [
            { kind: "options", id: 300, scope, fields },
            { kind: "optionsData", id: 300, scope, fields, values: [64] },
            T4,
            data4(flow4(1, 25)),
          ],
          CLOCK,
        ),
        "e:1",
      );
      assert.deepEqual(
        sink.flows.map((f) => [f.flows, f.packets, f.bytes]),
        [[64, 11 * 64, 1001 * 64]],
      );
      assert.equal(decoder.stats().get("e:1")?.optionsRecords, 1);
    }
  });

  test("uses a sampling interval carried in the data record itself", () => {
    const { decoder, sink } = decoderWithSink();
    const fields: FieldDef[] = [...V4_FIELDS, [34, 2]];
    const packet = v9Packet(
      [
        { kind: "template", id: 256, fields },
        { kind: "data", id: 256, fields, flows: [flow4(1, 25)] },
      ],
      CLOCK,
    );
    // The builder writes zero for field 34; set it to 10 in place (last two bytes of the record).
    packet.writeUInt16BE(10, packet.length - 2);
    decoder.decode(packet, "e:1");
    assert.equal(sink.flows[0]?.packets, 110);
  });

  test("drops packets whose flowset lengths do not add up", () => {
    const { decoder, sink } = decoderWithSink();
    const packet = v9Packet([T4, data4(flow4(1, 25))], CLOCK);
    decoder.decode(packet.subarray(0, packet.length - 3), "e:1");
    const zeroLength = Buffer.from(packet);
    zeroLength.writeUInt16BE(0, 22);
    decoder.decode(zeroLength, "e:1");
    assert.equal(sink.flows.length, 0);
    assert.equal(decoder.stats().get("e:1")?.malformed, 2);
  });
});

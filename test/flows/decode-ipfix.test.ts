import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CLOCK, decoderWithSink, EXPORT_MS, flow4, flow6 } from "./decode-helpers.js";
import { type FieldDef, ipfixPacket, type SetSpec, V4_FIELDS, V6_FIELDS } from "./exports.js";

const BASE: FieldDef[] = [
  [8, 4],
  [12, 4],
  [1, 8],
  [2, 8],
  [11, 2],
  [4, 1],
  [6, 2],
];
const tmpl = (fields: readonly FieldDef[], id = 256): SetSpec => ({ kind: "template", id, fields });
const data = (fields: readonly FieldDef[], flows: ReturnType<typeof flow4>[], id = 256): SetSpec => ({
  kind: "data",
  id,
  fields,
  flows,
});

describe("IPFIX", () => {
  test("reads flowStart/EndMilliseconds, 8-byte counters and 2-byte tcpControlBits", () => {
    const { decoder, sink } = decoderWithSink();
    const fields: FieldDef[] = [...BASE, [152, 8], [153, 8]];
    decoder.decode(ipfixPacket([tmpl(fields), data(fields, [flow4(1, 25), flow4(2, 443)])], CLOCK), "e:1");
    assert.deepEqual(
      sink.flows.map((f) => [f.srcV4, f.packets, f.bytes, f.tcpFlags, f.firstMs, f.lastMs]),
      [[0xc0000201, 11, 1001, 0x1b, EXPORT_MS - 30_000, EXPORT_MS - 10_000]],
    );
  });

  test("reads flowStart/EndSeconds", () => {
    const { decoder, sink } = decoderWithSink();
    const fields: FieldDef[] = [...BASE, [150, 4], [151, 4]];
    decoder.decode(
      ipfixPacket([tmpl(fields), data(fields, [flow4(1, 587, { firstMs: EXPORT_MS - 1500 })])], CLOCK),
      "e",
    );
    assert.equal(sink.flows[0]?.firstMs, EXPORT_MS - 2000);
    assert.equal(sink.flows[0]?.lastMs, EXPORT_MS - 10_000);
  });

  test("reads flowStart/EndSysUpTime against systemInitTimeMilliseconds from an options record", () => {
    const { decoder, sink } = decoderWithSink();
    const init = EXPORT_MS - 86_400_000;
    const scope: FieldDef[] = [[149, 4]];
    const opts: FieldDef[] = [[160, 8]];
    decoder.decode(
      ipfixPacket(
        [
          { kind: "options", id: 400, scope, fields: opts },
          { kind: "optionsData", id: 400, scope, fields: opts, values: [init] },
          tmpl(V6_FIELDS),
          data(V6_FIELDS, [flow6(1, 465)]),
        ],
        CLOCK,
        0,
        init,
      ),
      "e",
    );
    assert.equal(sink.flows[0]?.family, 6);
    assert.equal(sink.flows[0]?.firstMs, EXPORT_MS - 30_000);
    assert.equal(sink.flows[0]?.lastMs, EXPORT_MS - 10_000);
  });

  test("falls back to the export time when a template carries no time", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(ipfixPacket([tmpl(BASE), data(BASE, [flow4(1, 25)])], CLOCK), "e");
    assert.equal(sink.flows[0]?.firstMs, EXPORT_MS);
    assert.equal(sink.flows[0]?.lastMs, EXPORT_MS);
  });

  test("skips variable-length and enterprise-specific fields by their lengths", () => {
    const { decoder, sink } = decoderWithSink();
    const fields: FieldDef[] = [
      [82, 65535],
      ...BASE.slice(0, 3),
      [[1, 29305], 4],
      [[8, 9], 65535],
      ...BASE.slice(3),
    ];
    decoder.decode(ipfixPacket([tmpl(fields), data(fields, [flow4(1, 25), flow4(2, 465)])], CLOCK), "e");
    assert.deepEqual(
      sink.flows.map((f) => [f.srcV4, f.dstV4, f.packets, f.bytes, f.dstPort]),
      [
        [0xc0000201, 0xcb007101, 11, 1001, 25],
        [0xc0000202, 0xcb007102, 12, 1002, 465],
      ],
    );
  });

  test("a template record with no fields withdraws its template; id 2 withdraws them all", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(ipfixPacket([tmpl(BASE, 256), tmpl(BASE, 257)], CLOCK), "e");
    decoder.decode(ipfixPacket([{ kind: "withdraw", id: 256 }, data(BASE, [flow4(1, 25)], 257)], CLOCK), "e");
    decoder.decode(ipfixPacket([data(BASE, [flow4(1, 25)], 256)], CLOCK), "e");
    assert.equal(sink.flows.length, 1);
    assert.equal(decoder.stats().get("e")?.noTemplate, 1);
    decoder.decode(ipfixPacket([{ kind: "withdraw", id: 2 }, data(BASE, [flow4(1, 25)], 257)], CLOCK), "e");
    assert.equal(sink.flows.length, 1);
    assert.equal(decoder.stats().get("e")?.templates, 0);
  });

  test("applies samplingPacketInterval, with samplingPacketSpace when sent, and samplingInterval", () => {
    const cases: [FieldDef[], number[], number][] = [
      [[[305, 4]], [100], 100],
      [
        [
          [305, 4],
          [306, 4],
        ],
        [1, 99],
        100,
      ],
      [
        [
          [305, 4],
          [306, 4],
        ],
        [1, 0],
        1,
      ],
      [[[34, 4]], [10], 10],
      [[[50, 2]], [5], 5],
    ];
    for (const [fields, values, rate] of cases) {
      const { decoder, sink } = decoderWithSink();
      const scope: FieldDef[] = [[149, 4]];
      decoder.decode(
        ipfixPacket(
          [
            { kind: "options", id: 300, scope, fields },
            { kind: "optionsData", id: 300, scope, fields, values },
            tmpl(BASE),
            data(BASE, [flow4(1, 25)]),
          ],
          CLOCK,
        ),
        "e",
      );
      assert.equal(sink.flows[0]?.flows, rate, JSON.stringify(fields));
      assert.equal(sink.flows[0]?.packets, 11 * rate);
    }
  });

  test("keeps domains apart and counts a bad header length as malformed", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(ipfixPacket([tmpl(V4_FIELDS)], CLOCK, 1), "e");
    decoder.decode(ipfixPacket([data(V4_FIELDS, [flow4(1, 25)])], CLOCK, 2), "e");
    const good = ipfixPacket([data(V4_FIELDS, [flow4(1, 25)])], CLOCK, 1);
    const long = Buffer.from(good);
    long.writeUInt16BE(good.length + 1, 2);
    decoder.decode(long, "e");
    decoder.decode(good, "e");
    assert.equal(sink.flows.length, 1);
    const stats = decoder.stats().get("e");
    assert.equal(stats?.noTemplate, 1);
    assert.equal(stats?.malformed, 1);
  });

  test("counts unknown versions", () => {
    const { decoder } = decoderWithSink();
    decoder.decode(Buffer.from([0, 7, 0, 0]), "e");
    decoder.decode(Buffer.from([0]), "e");
    const stats = decoder.stats().get("e");
    assert.equal(stats?.unsupportedVersion, 1);
    assert.equal(stats?.malformed, 1);
    assert.equal(stats?.packets, 2);
  });
});

/**
 * Sampled exports in the shapes routers send: the rate each record stands for, per sampler,
 * checked against the arithmetic of the sampler's parameters.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { samplingRateOf } from "../../src/flows/decode/sampling.js";
import { CLOCK, decoderWithSink, flow4 } from "./decode-helpers.js";
import { type FieldDef, ipfixPacket, v9Packet } from "./exports.js";
import { XR_TEMPLATE, xrData, xrSampler } from "./router-shapes.js";

/** Float64 bits of `p`, as the options record carries samplingProbability. */
const float64 = (p: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(p);
  return b.readBigUInt64BE();
};

describe("sampled exports", () => {
  test("Cisco IOS XR IPFIX: random 1 of 256 (selectorAlgorithm 3) counts each record as 256, not as samplingPacketInterval's 1", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(ipfixPacket([...xrSampler(1, 256), XR_TEMPLATE, xrData(1, 1)], CLOCK), "xr");
    assert.deepEqual(
      sink.flows.map((f) => [f.flows, f.packets, f.bytes]),
      [[256, 11 * 256, 1001 * 256]],
    );
    assert.equal(decoder.stats().get("xr")?.malformed, 0);
    assert.equal(decoder.stats().get("xr")?.samplerUnknown, 0);
  });

  test("two samplers on one exporter each count at their own rate; a sampler not yet described is counted at 1 and as unknown", () => {
    const { decoder, sink } = decoderWithSink();
    decoder.decode(ipfixPacket([XR_TEMPLATE, xrData(7, 3)], CLOCK), "xr");
    decoder.decode(ipfixPacket([...xrSampler(1, 256), ...xrSampler(2, 1000).slice(1)], CLOCK), "xr");
    decoder.decode(ipfixPacket([xrData(1, 1), xrData(2, 2), xrData(7, 4)], CLOCK), "xr");
    decoder.decode(ipfixPacket([...xrSampler(7, 4096), xrData(7, 5)], CLOCK), "xr");
    assert.deepEqual(
      sink.flows.map((f) => [f.srcV4 & 0xff, f.flows, f.packets]),
      [
        [3, 1, 13],
        [1, 256, 11 * 256],
        [2, 1000, 12 * 1000],
        [4, 1, 14],
        [5, 4096, 15 * 4096],
      ],
    );
    assert.equal(decoder.stats().get("xr")?.samplerUnknown, 2);
    assert.deepEqual(decoder.samplers().get("xr"), [
      { domain: 0, sampler: 1, rate: 256, method: "random 1 of 256 (selectorAlgorithm 3)" },
      { domain: 0, sampler: 2, rate: 1000, method: "random 1 of 1000 (selectorAlgorithm 3)" },
      { domain: 0, sampler: 7, rate: 4096, method: "random 1 of 4096 (selectorAlgorithm 3)" },
    ]);
  });

  test("Cisco IOS NetFlow v9: FLOW_SAMPLER_ID/MODE/RANDOM_INTERVAL options, sampler id in each record", () => {
    const { decoder, sink } = decoderWithSink();
    // Options scope "System" (type 1), as IOS sends it.
    const scope: FieldDef[] = [[1, 4]];
    const fields: FieldDef[] = [
      [48, 1],
      [49, 1],
      [50, 4],
    ];
    const data: FieldDef[] = [
      [8, 4],
      [12, 4],
      [4, 1],
      [6, 1],
      [7, 2],
      [11, 2],
      [2, 4],
      [1, 4],
      [22, 4],
      [21, 4],
      [48, 1],
    ];
    decoder.decode(
      v9Packet(
        [
          { kind: "options", id: 300, scope, fields },
          { kind: "optionsData", id: 300, scope, fields, values: [1, 2, 100] },
          { kind: "optionsData", id: 300, scope, fields, values: [2, 1, 1000] },
          { kind: "template", id: 256, fields: data },
          { kind: "data", id: 256, fields: data, flows: [flow4(1, 25)], extra: { 48: 1 } },
          { kind: "data", id: 256, fields: data, flows: [flow4(2, 25)], extra: { 48: 2 } },
          { kind: "data", id: 256, fields: data, flows: [flow4(3, 25)], extra: { 48: 0 } },
        ],
        CLOCK,
      ),
      "ios:2055",
    );
    assert.deepEqual(
      sink.flows.map((f) => [f.srcV4 & 0xff, f.flows, f.packets]),
      [
        [1, 100, 11 * 100],
        [2, 1000, 12 * 1000],
        [3, 1, 13],
      ],
    );
    assert.deepEqual(
      decoder
        .samplers()
        .get("ios:2055")
        ?.map((s) => s.method),
      ["random 1 in 100 (samplerRandomInterval)", "deterministic 1 in 1000 (samplerRandomInterval)"],
    );
  });

  test("Juniper inline IPFIX: samplingInterval in options without a sampler id applies to the whole domain", () => {
    const { decoder, sink } = decoderWithSink();
    const scope: FieldDef[] = [[149, 4]];
    const fields: FieldDef[] = [
      [34, 4],
      [35, 1],
      [160, 8],
    ];
    const data: FieldDef[] = [
      [8, 4],
      [12, 4],
      [4, 1],
      [6, 1],
      [7, 2],
      [11, 2],
      [1, 8],
      [2, 8],
      [152, 8],
      [153, 8],
    ];
    decoder.decode(
      ipfixPacket(
        [
          { kind: "options", id: 512, scope, fields },
          { kind: "optionsData", id: 512, scope, scopeValues: [9], fields, values: [2000, 2, 0] },
          { kind: "template", id: 256, fields: data },
          { kind: "data", id: 256, fields: data, flows: [flow4(1, 25), flow4(2, 587)] },
        ],
        CLOCK,
        9,
      ),
      "mx",
    );
    assert.deepEqual(
      sink.flows.map((f) => f.flows),
      [2000, 2000],
    );
    assert.deepEqual(decoder.samplers().get("mx"), [
      { domain: 9, sampler: null, rate: 2000, method: "1 in 2000 (samplingInterval)" },
    ]);
  });

  test("PSAMP selector algorithms 1, 2 and 4 in IPFIX options", () => {
    const cases: [FieldDef[], (number | bigint)[], number][] = [
      [
        [
          [304, 1],
          [305, 4],
          [306, 4],
        ],
        [1, 2, 998],
        500,
      ],
      [
        [
          [304, 1],
          [307, 4],
          [308, 4],
        ],
        [2, 1000, 99_000],
        100,
      ],
      [
        [
          [304, 1],
          [311, 8],
        ],
        [4, float64(0.001)],
        1000,
      ],
    ];
    for (const [fields, values, rate] of cases) {
      const { decoder, sink } = decoderWithSink();
      const scope: FieldDef[] = [[302, 4]];
      const data: FieldDef[] = [
        [8, 4],
        [12, 4],
        [11, 2],
        [4, 1],
        [2, 4],
        [302, 4],
      ];
      decoder.decode(
        ipfixPacket(
          [
            { kind: "options", id: 300, scope, fields },
            { kind: "optionsData", id: 300, scope, scopeValues: [5], fields, values },
            { kind: "template", id: 256, fields: data },
            { kind: "data", id: 256, fields: data, flows: [flow4(1, 25)], extra: { 302: 5 } },
          ],
          CLOCK,
        ),
        "e",
      );
      assert.equal(sink.flows[0]?.flows, rate, JSON.stringify(values.map(String)));
    }
  });
});

describe("samplingRateOf", () => {
  test("the selector algorithm decides which fields are the rate", () => {
    assert.equal(
      samplingRateOf({
        selectorAlgorithm: 3,
        samplingPacketInterval: 1,
        samplingSize: 1,
        samplingPopulation: 256,
      })?.rate,
      256,
    );
    assert.equal(
      samplingRateOf({ selectorAlgorithm: 1, samplingPacketInterval: 1, samplingPacketSpace: 99 })?.rate,
      100,
    );
    assert.equal(samplingRateOf({ selectorAlgorithm: 4, samplingProbability: 0.25 })?.rate, 4);
    assert.equal(samplingRateOf({ samplerRandomInterval: 0 }), undefined);
    assert.equal(samplingRateOf({}), undefined);
  });

  test("every rate is a whole number of at least 1, and random n-of-N is N/n whatever else the record carries", () => {
    const count = fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          selectorAlgorithm: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
          samplingPacketInterval: count,
          samplingPacketSpace: count,
          samplingTimeInterval: count,
          samplingTimeSpace: count,
          samplingSize: count,
          samplingPopulation: count,
          samplingProbability: fc.option(fc.double({ noNaN: false }), { nil: undefined }),
          samplingInterval: count,
          samplerRandomInterval: count,
        }),
        (values) => {
          const result = samplingRateOf(values);
          if (result !== undefined) {
            assert.ok(Number.isInteger(result.rate) && result.rate >= 1, JSON.stringify(result));
          }
          const { samplingSize: n, samplingPopulation: big } = values;
          if (values.selectorAlgorithm === 3 && n !== undefined && big !== undefined && n > 0 && big > 0) {
            assert.equal(result?.rate, Math.max(1, Math.round(big / n)));
          }
        },
      ),
    );
  });
});

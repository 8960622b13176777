/**
 * Flow times outside [1990, export time + 1 day] are dropped at decode and counted (badTimes),
 * whichever clock they come from, so that what the decoders hand on always fits the store.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { HourlyAggregator } from "../../src/flows/aggregate/aggregator.js";
import { FlowDecoder } from "../../src/flows/decode/decode.js";
import { EARLIEST_FLOW_MS, FLOW_AHEAD_MS, type MailFlow } from "../../src/flows/mail-flow.js";
import { storedFlowCount, writeAggregates } from "../../src/flows/store/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { CLOCK, decoderWithSink, EXPORT_MS, flow4 } from "./decode-helpers.js";
import { type FieldDef, ipfixPacket, type SetSpec, V4_FIELDS, v5Packet, v9Packet } from "./exports.js";

const DAY_MS = 86_400_000;
const MAX_U64 = 2n ** 64n - 1n;
const ADDRESSES: FieldDef[] = [
  [8, 4],
  [12, 4],
  [11, 2],
  [4, 1],
];
const MS: FieldDef[] = [...ADDRESSES, [152, 8], [153, 8]];
const SECONDS: FieldDef[] = [...ADDRESSES, [150, 4], [151, 4]];
const UPTIME: FieldDef[] = [...ADDRESSES, [22, 4], [21, 4]];
const UPTIME_AND_INIT: FieldDef[] = [...UPTIME, [160, 8]];
const SCOPE: FieldDef[] = [[149, 4]];
const INIT: FieldDef[] = [[160, 8]];

/** IPFIX records of `fields` from 192.0.2.n to port 25, with these raw times. */
function ipfix(fields: readonly FieldDef[], times: readonly (number | bigint)[][], before: SetSpec[] = []) {
  return ipfixPacket(
    [
      ...before,
      { kind: "template", id: 256, fields },
      {
        kind: "records",
        id: 256,
        fields,
        records: times.map((t, n) => [0xc0000200 + n, 0xcb007101, 25, 6, ...t]),
      },
    ],
    CLOCK,
  );
}

const initRecord = (init: number | bigint): SetSpec[] => [
  { kind: "options", id: 400, scope: SCOPE, fields: INIT },
  { kind: "optionsData", id: 400, scope: SCOPE, fields: INIT, values: [init] },
];

function decoded(packet: Buffer) {
  const { decoder, sink } = decoderWithSink();
  decoder.decode(packet, "e");
  const stats = decoder.stats().get("e");
  return { firsts: sink.flows.map((f) => f.firstMs), badTimes: stats?.badTimes, mailFlows: stats?.mailFlows };
}

const GOOD = EXPORT_MS - 60_000;
const FUTURE = EXPORT_MS + 2 * DAY_MS;

describe("flow times at decode", () => {
  test("IPFIX milliseconds: 2^64-1, zero and two days ahead are dropped and counted", () => {
    const out = decoded(
      ipfix(MS, [
        [GOOD, GOOD],
        [MAX_U64, GOOD],
        [GOOD, MAX_U64],
        [0, 0],
        [GOOD, FUTURE],
      ]),
    );
    assert.deepEqual(out, { firsts: [GOOD], badTimes: 4, mailFlows: 1 });
  });

  test("IPFIX seconds: 2^32-1 s (year 2106) and 1970 are dropped", () => {
    const s = (ms: number) => Math.floor(ms / 1000);
    const out = decoded(
      ipfix(SECONDS, [
        [s(GOOD), s(GOOD)],
        [0xffffffff, s(GOOD)],
        [1, 1],
      ]),
    );
    assert.deepEqual(out, { firsts: [GOOD], badTimes: 2, mailFlows: 1 });
  });

  test("IPFIX uptime, against a system init time of 2^64-1 in an options record or in the record", () => {
    const init = EXPORT_MS - DAY_MS;
    const good = decoded(ipfix(UPTIME, [[DAY_MS - 60_000, DAY_MS - 60_000]], initRecord(init)));
    assert.deepEqual(good, { firsts: [GOOD], badTimes: 0, mailFlows: 1 });
    assert.deepEqual(decoded(ipfix(UPTIME, [[1000, 2000]], initRecord(MAX_U64))), {
      firsts: [],
      badTimes: 1,
      mailFlows: 0,
    });
    assert.deepEqual(
      decoded(
        ipfix(UPTIME_AND_INIT, [
          [DAY_MS - 60_000, DAY_MS - 60_000, init],
          [1000, 2000, MAX_U64],
          [1000, 2000, 0],
        ]),
      ),
      { firsts: [GOOD], badTimes: 2, mailFlows: 1 },
    );
  });

  test("NetFlow v9 and v5 uptime: a flow ending two days past the header, or a 1970 header, is dropped", () => {
    const flows = [flow4(1, 25), flow4(2, 25, { lastMs: FUTURE })];
    const v9 = (clock: typeof CLOCK) =>
      v9Packet(
        [
          { kind: "template", id: 256, fields: V4_FIELDS },
          { kind: "data", id: 256, fields: V4_FIELDS, flows },
        ],
        clock,
      );
    const want = { firsts: [EXPORT_MS - 30_000], badTimes: 1, mailFlows: 1 };
    assert.deepEqual(decoded(v9(CLOCK)), want);
    assert.deepEqual(decoded(v5Packet(flows, CLOCK)), want);
    const y1970 = { exportMs: 60_000, uptimeMs: 3_600_000 };
    const old = [flow4(1, 25, { firstMs: 1000, lastMs: 2000 })];
    assert.deepEqual(decoded(v5Packet(old, y1970)), { firsts: [], badTimes: 1, mailFlows: 0 });
  });

  test("whatever the times, what reaches the sink lies in range, the rest is counted, and the store takes it", (t) => {
    const store = openStore(tempDir(t, "flow-times"));
    t.after(() => store.close());
    const time = fc.oneof(
      fc.bigInt({ min: 0n, max: MAX_U64 }),
      fc.integer({ min: EARLIEST_FLOW_MS - DAY_MS, max: EXPORT_MS + 2 * DAY_MS }).map(BigInt),
    );
    const uptime = fc.integer({ min: 0, max: 0xffffffff });
    // One packet per clock: IPFIX ms, s, uptime + init in the record, v9 and v5 uptime.
    const packets = fc.oneof(
      fc.array(fc.tuple(time, time), { minLength: 1, maxLength: 8 }).map((ts) => ipfix(MS, ts)),
      fc.array(fc.tuple(uptime, uptime), { minLength: 1, maxLength: 8 }).map((ts) => ipfix(SECONDS, ts)),
      fc
        .array(fc.tuple(uptime, uptime, time), { minLength: 1, maxLength: 8 })
        .map((ts) => ipfix(UPTIME_AND_INIT, ts)),
      fc
        .tuple(uptime, fc.array(fc.tuple(uptime, uptime), { minLength: 1, maxLength: 8 }))
        .map(([header, ts]) => uptimePackets(header, ts)),
    );
    fc.assert(
      fc.property(fc.array(packets, { minLength: 1, maxLength: 4 }), (list) => {
        const aggregator = new HourlyAggregator();
        let bad = 0;
        const decoder = new FlowDecoder({
          add(flow: MailFlow) {
            const latest = EXPORT_MS + FLOW_AHEAD_MS;
            for (const ms of [flow.firstMs, flow.lastMs]) {
              if (!(ms >= EARLIEST_FLOW_MS && ms <= latest)) bad++;
            }
            aggregator.add(flow);
          },
        });
        for (const packet of list.flat()) decoder.decode(packet, "e");
        assert.equal(bad, 0);
        // Every record is TCP to port 25: handed on or counted.
        const stats = decoder.stats().get("e");
        assert.equal(stats?.malformed, 0);
        assert.equal(stats?.records, (stats?.mailFlows ?? 0) + (stats?.badTimes ?? 0));
        writeAggregates(store, aggregator.drain());
      }),
      { numRuns: 300 },
    );
    assert.ok(storedFlowCount(store) > 0);
  });
});

/** The same uptimes from a v9 and a v5 exporter whose header uptime is `header`. */
function uptimePackets(header: number, times: readonly (readonly [number, number])[]): Buffer[] {
  const fields = UPTIME;
  const records = times.map(([first, last], n) => [0xc0000200 + n, 0xcb007101, 25, 6, first, last]);
  const clock = { exportMs: EXPORT_MS, uptimeMs: header };
  const v9 = v9Packet(
    [
      { kind: "template", id: 256, fields },
      { kind: "records", id: 256, fields, records },
    ],
    clock,
  );
  const v5 = v5Packet(
    times.map(() => flow4(0, 25)),
    clock,
  );
  // v5 records are fixed: first and last uptime at 24 and 28 of each 48-byte record.
  times.forEach(([first, last], n) => {
    v5.writeUInt32BE(first, 24 + 48 * n + 24);
    v5.writeUInt32BE(last, 24 + 48 * n + 28);
  });
  return [v9, v5];
}

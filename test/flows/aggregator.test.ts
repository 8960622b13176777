import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { formatIpv4, formatIpv6 } from "../../src/core/index.js";
import { HourlyAggregator } from "../../src/flows/aggregate/aggregator.js";
import { HyperLogLog, mix32 } from "../../src/flows/aggregate/hll.js";
import { emptyMailFlow, type HourlyAggregate, MAIL_PORTS, type MailFlow } from "../../src/flows/mail-flow.js";

const BASE_MS = Date.UTC(2026, 10, 28);
const HOUR_MS = 3_600_000;

/** A few sources and destinations so that keys collide; times spread over four hours. */
const flowArb: fc.Arbitrary<MailFlow> = fc
  .record({
    v6: fc.boolean(),
    src: fc.integer({ min: 0, max: 5 }),
    dst: fc.integer({ min: 0, max: 7 }),
    port: fc.constantFrom(...MAIL_PORTS),
    flows: fc.integer({ min: 1, max: 4 }),
    packets: fc.integer({ min: 1, max: 20 }),
    bytes: fc.integer({ min: 40, max: 100_000 }),
    tcpFlags: fc.constantFrom(0, 0x02, 0x12, 0x1b, 0x10, 0x04, 0x06),
    firstMs: fc.integer({ min: BASE_MS, max: BASE_MS + 4 * HOUR_MS - 1 }),
    durationMs: fc.integer({ min: 0, max: 120_000 }),
  })
  .map((r) => ({
    family: r.v6 ? 6 : 4,
    srcV4: r.v6 ? 0 : (0xc0000200 + r.src) >>> 0, // 192.0.2.x
    dstV4: r.v6 ? 0 : (0xcb007100 + r.dst) >>> 0, // 203.0.113.x
    srcV6: r.v6 ? 0x20010db8000000000000000000000000n + BigInt(r.src) : 0n,
    dstV6: r.v6 ? 0x20010db8ffff00000000000000000000n + BigInt(r.dst) : 0n,
    dstPort: r.port,
    flows: r.flows,
    packets: r.packets * r.flows,
    bytes: r.bytes,
    tcpFlags: r.tcpFlags,
    firstMs: r.firstMs,
    lastMs: r.firstMs + r.durationMs,
  }));

/** The obvious implementation: group by text key, no caps. */
function reference(flows: readonly MailFlow[]): HourlyAggregate[] {
  const byKey = new Map<string, HourlyAggregate>();
  for (const f of flows) {
    const source = f.family === 4 ? formatIpv4(f.srcV4) : formatIpv6(f.srcV6);
    const dst = f.family === 4 ? formatIpv4(f.dstV4) : formatIpv6(f.dstV6);
    const hour = Math.floor(f.firstMs / HOUR_MS) * 3600;
    const key = `${source}|${hour}|${f.dstPort}`;
    let a = byKey.get(key);
    if (a === undefined) {
      a = {
        source,
        hour,
        port: f.dstPort,
        flows: 0,
        packets: 0,
        bytes: 0,
        shortFlows: 0,
        synOnly: 0,
        firstSeenMs: f.firstMs,
        lastSeenMs: f.lastMs,
        destinations: new Map(),
        destinationsTruncated: false,
        distinctDestinations: 0,
      };
      byKey.set(key, a);
    }
    const synOnly = (f.tcpFlags & 0x02) !== 0 && (f.tcpFlags & 0x10) === 0;
    a.flows += f.flows;
    a.packets += f.packets;
    a.bytes += f.bytes;
    if (synOnly) a.synOnly += f.flows;
    if (synOnly || f.packets / f.flows <= 3) a.shortFlows += f.flows;
    a.firstSeenMs = Math.min(a.firstSeenMs, f.firstMs);
    a.lastSeenMs = Math.max(a.lastSeenMs, f.lastMs);
    a.destinations.set(dst, (a.destinations.get(dst) ?? 0) + f.flows);
    a.distinctDestinations = a.destinations.size;
  }
  return [...byKey.values()];
}

const keyOf = (a: HourlyAggregate) => `${a.source}|${a.hour}|${a.port}`;
const sorted = (list: HourlyAggregate[]) => [...list].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));

/** Feeds flows through one reused object, as the decoders do. */
function feed(aggregator: HourlyAggregator, flows: readonly MailFlow[]): void {
  const reused = emptyMailFlow();
  for (const f of flows) aggregator.add(Object.assign(reused, f));
}

describe("HourlyAggregator", () => {
  test("agrees with a naive reference aggregator", () => {
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 200 }), (flows) => {
        const aggregator = new HourlyAggregator();
        feed(aggregator, flows);
        const expected = reference(flows);
        assert.equal(aggregator.size, expected.length);
        const drained = aggregator.drain();
        assert.deepEqual(sorted(drained), sorted(expected));
        assert.equal(aggregator.size, 0);
        assert.deepEqual(aggregator.drain(), []);
      }),
      { numRuns: 300 },
    );
  });

  test("drainOlderThan hands over whole hours and keeps the rest", () => {
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 100 }), fc.integer({ min: 0, max: 4 }), (flows, cut) => {
        const aggregator = new HourlyAggregator();
        feed(aggregator, flows);
        const threshold = BASE_MS / 1000 + cut * 3600;
        const old = aggregator.drainOlderThan(threshold);
        const rest = aggregator.drain();
        const expected = reference(flows);
        assert.ok(old.every((a) => a.hour < threshold));
        assert.ok(rest.every((a) => a.hour >= threshold));
        assert.deepEqual(sorted([...old, ...rest]), sorted(expected));
      }),
      { numRuns: 200 },
    );
  });

  test("agrees with the reference through table growth, partial drains and more flows", () => {
    // Enough sources and destinations to grow every table several times over.
    const wide = fc
      .record({
        v6: fc.boolean(),
        src: fc.integer({ min: 0, max: 400 }),
        dst: fc.integer({ min: 0, max: 3000 }),
        port: fc.constantFrom(...MAIL_PORTS),
        hour: fc.integer({ min: 0, max: 3 }),
      })
      .map(
        (r): MailFlow => ({
          family: r.v6 ? 6 : 4,
          srcV4: r.v6 ? 0 : (0xc0000000 + r.src) >>> 0,
          dstV4: r.v6 ? 0 : (0xcb000000 + r.dst) >>> 0,
          srcV6: r.v6 ? 0x20010db8000000000000000000000000n + BigInt(r.src) : 0n,
          dstV6: r.v6 ? 0x20010db8ffff00000000000000000000n + BigInt(r.dst) : 0n,
          dstPort: r.port,
          flows: 1,
          packets: 4,
          bytes: 400,
          tcpFlags: 0x1b,
          firstMs: BASE_MS + r.hour * HOUR_MS + r.src,
          lastMs: BASE_MS + r.hour * HOUR_MS + r.src + r.dst,
        }),
      );
    fc.assert(
      fc.property(
        fc.array(wide, { minLength: 2000, maxLength: 6000 }),
        fc.array(wide, { maxLength: 3000 }),
        fc.integer({ min: 0, max: 4 }),
        (before, after, cut) => {
          const aggregator = new HourlyAggregator();
          feed(aggregator, before);
          const threshold = BASE_MS / 1000 + cut * 3600;
          const old = aggregator.drainOlderThan(threshold);
          assert.deepEqual(sorted(old), sorted(reference(before).filter((a) => a.hour < threshold)));
          feed(aggregator, after);
          const kept = before.filter((f) => Math.floor(f.firstMs / HOUR_MS) * 3600 >= threshold);
          assert.deepEqual(sorted(aggregator.drain()), sorted(reference([...kept, ...after])));
        },
      ),
      { numRuns: 20 },
    );
  });

  test("an entry past the cap keeps its estimate through a partial drain", () => {
    const cap = 50;
    const aggregator = new HourlyAggregator({ destinationsCap: cap });
    const f = Object.assign(emptyMailFlow(), { srcV4: 0xc0000201, flows: 1, packets: 1, firstMs: BASE_MS });
    const other = Object.assign(emptyMailFlow(), {
      srcV4: 0xc0000202,
      dstV4: 1,
      flows: 1,
      packets: 1,
      firstMs: BASE_MS - HOUR_MS,
    });
    const distinct = 5000;
    for (let i = 0; i < distinct / 2; i++) {
      f.dstV4 = (0xcb000000 + i) >>> 0;
      aggregator.add(f);
    }
    aggregator.add(other);
    assert.equal(aggregator.drainOlderThan(BASE_MS / 1000).length, 1);
    for (let i = distinct / 2; i < distinct; i++) {
      f.dstV4 = (0xcb000000 + i) >>> 0;
      aggregator.add(f);
    }
    const [a] = aggregator.drain();
    assert.equal(a?.flows, distinct);
    assert.equal(a?.destinations.size, cap);
    assert.ok(
      Math.abs((a?.distinctDestinations ?? 0) - distinct) / distinct < 0.05,
      `${a?.distinctDestinations}`,
    );
  });

  test("drains in hour, port and numeric source order", () => {
    const aggregator = new HourlyAggregator();
    const f = emptyMailFlow();
    for (const [src, port, hour] of [
      [0xc0000210, 587, 1],
      [0xc0000202, 25, 1],
      [0xc0000209, 25, 1],
      [0xc0000201, 465, 0],
    ] as const) {
      Object.assign(f, {
        srcV4: src,
        dstPort: port,
        flows: 1,
        packets: 5,
        firstMs: BASE_MS + hour * HOUR_MS,
      });
      aggregator.add(f);
    }
    assert.deepEqual(
      aggregator.drain().map((a) => `${a.hour - BASE_MS / 1000} ${a.port} ${a.source}`),
      ["0 465 192.0.2.1", "3600 25 192.0.2.2", "3600 25 192.0.2.9", "3600 587 192.0.2.16"],
    );
  });

  test("keeps destinations exact up to the cap, then estimates the distinct count", () => {
    const cap = 100;
    const aggregator = new HourlyAggregator({ destinationsCap: cap });
    const f = Object.assign(emptyMailFlow(), { srcV4: 0xc0000201, flows: 1, packets: 1, firstMs: BASE_MS });
    const distinct = 20_000;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < distinct; i++) {
        f.dstV4 = (0xcb000000 + i * 7) >>> 0;
        aggregator.add(f);
      }
    }
    const [a] = aggregator.drain();
    assert.ok(a);
    assert.equal(a.flows, 2 * distinct);
    assert.equal(a.destinations.size, cap);
    assert.ok([...a.destinations.values()].every((n) => n === 2));
    assert.equal(a.destinationsTruncated, true);
    assert.ok(Math.abs(a.distinctDestinations - distinct) / distinct < 0.05, `${a.distinctDestinations}`);
  });

  test("a source under the cap reports the exact distinct count", () => {
    const aggregator = new HourlyAggregator({ destinationsCap: 10 });
    const f = Object.assign(emptyMailFlow(), { srcV4: 1, flows: 1, packets: 1, firstMs: BASE_MS });
    for (let i = 0; i < 10; i++) {
      f.dstV4 = i;
      aggregator.add(f);
    }
    const [a] = aggregator.drain();
    assert.equal(a?.destinationsTruncated, false);
    assert.equal(a?.distinctDestinations, 10);
  });
});

describe("HyperLogLog", () => {
  test("estimates within a few percent from 10 to a million", () => {
    for (const n of [10, 1000, 50_000, 1_000_000]) {
      const hll = new HyperLogLog();
      for (let i = 0; i < n; i++) hll.addHash(mix32(i));
      const error = Math.abs(hll.estimate() - n) / n;
      assert.ok(error < 0.05, `n=${n} estimate=${hll.estimate()}`);
    }
  });
});

describe("HourlyAggregator memory", () => {
  test("grows with sources and destinations, not with the records that repeat them, and shrinks on drain", () => {
    const aggregator = new HourlyAggregator();
    const flow = emptyMailFlow();
    const feed = (sources: number) => {
      for (let s = 0; s < sources; s++) {
        for (let d = 0; d < 20; d++) {
          flow.srcV4 = (0xc6336400 + (s & 0xff)) >>> 0; // 198.51.100.x
          flow.dstV4 = (0xcb007100 + d) >>> 0;
          flow.dstPort = s < 256 ? 25 : 587;
          flow.flows = 1;
          flow.firstMs = BASE_MS + 60_000;
          flow.lastMs = BASE_MS + 61_000;
          aggregator.add(flow);
        }
      }
    };
    feed(400);
    const once = aggregator.memoryBytes;
    for (let i = 0; i < 50; i++) feed(400);
    assert.equal(aggregator.size, 400);
    assert.equal(aggregator.memoryBytes, once, "the same sources again: not a byte more");
    const drained = aggregator.drain();
    assert.equal(drained.length, 400);
    assert.ok(aggregator.memoryBytes < once, "a drain gives memory back");
  });
});

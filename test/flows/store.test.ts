import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { HourlyAggregator } from "../../src/flows/aggregate/aggregator.js";
import {
  DESTINATIONS_CAP,
  type HourlyAggregate,
  MAIL_PORTS,
  type MailFlow,
} from "../../src/flows/mail-flow.js";
import { readAggregates, readAggregateTotals, writeAggregates } from "../../src/flows/store/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const HOUR = 1_798_934_400; // 2027-01-03T00:00:00Z

function aggregate(
  overrides: Partial<HourlyAggregate> & { destinations?: Map<string, number> },
): HourlyAggregate {
  const destinations = overrides.destinations ?? new Map([["192.0.2.1", 1]]);
  return {
    source: "203.0.113.10",
    hour: HOUR,
    port: 25,
    flows: [...destinations.values()].reduce((a, b) => a + b, 0),
    packets: 10,
    bytes: 1000,
    shortFlows: 1,
    synOnly: 0,
    firstSeenMs: HOUR * 1000 + 60_000,
    lastSeenMs: HOUR * 1000 + 120_000,
    destinationsTruncated: false,
    distinctDestinations: destinations.size,
    ...overrides,
    destinations,
  };
}

function all(store: Store): HourlyAggregate[] {
  return [...readAggregates(store)];
}

test("a second batch for the same source, hour and port adds to the first", (t) => {
  const store = openStore(tempDir(t, "flow-store"));
  t.after(() => store.close());
  writeAggregates(store, [
    aggregate({
      destinations: new Map([
        ["192.0.2.1", 2],
        ["192.0.2.2", 1],
      ]),
    }),
  ]);
  writeAggregates(store, [
    aggregate({
      destinations: new Map([
        ["192.0.2.2", 4],
        ["192.0.2.3", 1],
      ]),
      packets: 5,
      shortFlows: 2,
      synOnly: 1,
      firstSeenMs: HOUR * 1000 + 30_000,
      lastSeenMs: HOUR * 1000 + 90_000,
    }),
    aggregate({ port: 587, destinations: new Map([["198.51.100.25", 1]]) }),
  ]);
  const [on25, on587, ...rest] = all(store);
  assert.deepEqual(rest, []);
  assert.deepEqual(on25, {
    source: "203.0.113.10",
    hour: HOUR,
    port: 25,
    flows: 8,
    packets: 15,
    bytes: 2000,
    shortFlows: 3,
    synOnly: 1,
    firstSeenMs: HOUR * 1000 + 30_000,
    lastSeenMs: HOUR * 1000 + 120_000,
    destinations: new Map([
      ["192.0.2.1", 2],
      ["192.0.2.2", 5],
      ["192.0.2.3", 1],
    ]),
    destinationsTruncated: false,
    distinctDestinations: 3,
  });
  assert.equal(on587?.port, 587);
});

test("past the cap destinations are counted, not listed, and the aggregate is marked estimated", (t) => {
  const store = openStore(tempDir(t, "flow-store-cap"));
  t.after(() => store.close());
  const many = new Map<string, number>();
  for (let i = 0; i < DESTINATIONS_CAP; i++) many.set(`2001:db8::${i.toString(16)}`, 1);
  writeAggregates(store, [aggregate({ destinations: many })]);
  assert.equal(all(store)[0]?.destinationsTruncated, false);
  // One destination already listed (its count grows), two new ones past the cap.
  const more = new Map([
    ["2001:db8::0", 3],
    ["192.0.2.1", 1],
    ["192.0.2.2", 1],
  ]);
  writeAggregates(store, [aggregate({ destinations: more })]);
  const [stored] = all(store);
  assert.equal(stored?.destinations.size, DESTINATIONS_CAP);
  assert.equal(stored?.destinations.get("2001:db8::0"), 4);
  assert.equal(stored?.destinationsTruncated, true);
  assert.equal(stored?.distinctDestinations, DESTINATIONS_CAP + 2);
  // An aggregator's own estimate past its cap carries over.
  writeAggregates(store, [
    aggregate({
      source: "203.0.113.11",
      destinations: new Map([["192.0.2.9", 5]]),
      destinationsTruncated: true,
      distinctDestinations: 40,
    }),
  ]);
  const other = all(store).find((a) => a.source === "203.0.113.11");
  assert.equal(other?.distinctDestinations, 40);
  assert.equal(other?.destinationsTruncated, true);
});

test("reads honour the window and totals skip the destinations", (t) => {
  const store = openStore(tempDir(t, "flow-store-window"));
  t.after(() => store.close());
  writeAggregates(
    store,
    [0, 1, 2].map((h) => aggregate({ hour: HOUR + h * 3600 })),
  );
  const hours = (window: { sinceMs?: number; untilMs?: number }) =>
    [...readAggregates(store, window)].map((a) => (a.hour - HOUR) / 3600);
  assert.deepEqual(hours({}), [0, 1, 2]);
  assert.deepEqual(hours({ sinceMs: (HOUR + 3600) * 1000 }), [1, 2]);
  assert.deepEqual(hours({ untilMs: (HOUR + 7200) * 1000 }), [0, 1]);
  const totals = [...readAggregateTotals(store)];
  assert.equal(totals.length, 3);
  assert.equal(totals[0]?.destinations.size, 0);
});

const flowArb: fc.Arbitrary<MailFlow> = fc
  .record({
    v6: fc.boolean(),
    src: fc.integer({ min: 0, max: 4 }),
    dst: fc.integer({ min: 0, max: 9 }),
    port: fc.constantFrom(...MAIL_PORTS),
    flows: fc.integer({ min: 1, max: 3 }),
    packets: fc.integer({ min: 1, max: 20 }),
    bytes: fc.integer({ min: 40, max: 50_000 }),
    tcpFlags: fc.constantFrom(0, 0x02, 0x12, 0x1b),
    offsetMs: fc.integer({ min: 0, max: 3 * 3_600_000 - 1 }),
    durationMs: fc.integer({ min: 0, max: 60_000 }),
  })
  .map(
    (r): MailFlow => ({
      family: r.v6 ? 6 : 4,
      srcV4: r.v6 ? 0 : (0xcb007100 + r.src) >>> 0, // 203.0.113.x
      dstV4: r.v6 ? 0 : (0xc0000200 + r.dst) >>> 0, // 192.0.2.x
      srcV6: r.v6 ? 0x20010db8100000000000000000000000n + BigInt(r.src) : 0n,
      dstV6: r.v6 ? 0x20010db8ffff00000000000000000000n + BigInt(r.dst) : 0n,
      dstPort: r.port,
      flows: r.flows,
      packets: r.packets,
      bytes: r.bytes,
      tcpFlags: r.tcpFlags,
      firstMs: HOUR * 1000 + r.offsetMs,
      lastMs: HOUR * 1000 + r.offsetMs + r.durationMs,
    }),
  );

function writeInBatches(store: Store, flows: readonly MailFlow[], cuts: readonly number[]): void {
  const bounds = [...new Set([0, ...cuts.map((c) => c % (flows.length + 1)), flows.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < bounds.length; i++) {
    const aggregator = new HourlyAggregator();
    for (const flow of flows.slice(bounds[i - 1], bounds[i])) aggregator.add(flow);
    writeAggregates(store, aggregator.drain());
  }
}

test("writing flows in batches of any split gives the same rows as writing them in one", (t) => {
  const dir = tempDir(t, "flow-store-split");
  let run = 0;
  fc.assert(
    fc.property(
      fc.array(flowArb, { minLength: 1, maxLength: 60 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (flows, cuts) => {
        run++;
        const whole = openStore(`${dir}/whole-${run}`);
        const split = openStore(`${dir}/split-${run}`);
        try {
          writeInBatches(whole, flows, []);
          writeInBatches(split, flows, cuts);
          assert.deepEqual(all(split), all(whole));
        } finally {
          whole.close();
          split.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});

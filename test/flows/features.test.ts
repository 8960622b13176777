import assert from "node:assert/strict";
import { test } from "node:test";
import { FeatureCollector, localClock } from "../../src/flows/analysis/features.js";
import type { HourlyAggregate } from "../../src/flows/mail-flow.js";

const MONDAY = Date.UTC(2027, 0, 4) / 1000;

function aggregate(
  hourOffset: number,
  port: 25 | 587 | 465,
  destinations: [string, number][],
): HourlyAggregate {
  const hour = MONDAY + hourOffset * 3600;
  const flows = destinations.reduce((sum, [, n]) => sum + n, 0);
  return {
    source: "203.0.113.20",
    hour,
    port,
    flows,
    packets: flows * 8,
    bytes: flows * 400,
    shortFlows: 1,
    synOnly: 0,
    firstSeenMs: hour * 1000 + 60_000,
    lastSeenMs: hour * 1000 + 120_000,
    destinations: new Map(destinations),
    destinationsTruncated: false,
    distinctDestinations: destinations.length,
  };
}

const isRelay = (destination: string) => destination === "198.51.100.25";

test("features split relays from direct destinations and count days, hours and hours of the day", () => {
  const collector = new FeatureCollector("203.0.113.20", isRelay, localClock("UTC"));
  collector.add(
    aggregate(10, 25, [
      ["192.0.2.1", 2],
      ["198.51.100.25", 3],
    ]),
  );
  collector.add(aggregate(15, 25, [["192.0.2.2", 1]]));
  collector.add(aggregate(24 + 10, 25, [["192.0.2.1", 1]]));
  collector.add(aggregate(10, 587, [["198.51.100.25", 4]]));
  collector.add(aggregate(72 + 9, 25, [["198.51.100.25", 1]])); // relay only: not direct activity
  const f = collector.features();
  assert.ok(f);
  assert.equal(f.directFlows, 4);
  assert.equal(f.relayFlows, 4);
  assert.equal(f.submissionFlows, 4);
  assert.equal(f.distinctDestinations, 2);
  assert.equal(f.peakDestinationsInOneHour, 1);
  assert.equal(f.hoursActive, 3);
  assert.equal(f.daysActive, 2);
  assert.equal(f.spanDays, 2);
  assert.equal(f.directFlowsByHourOfDay[10], 3);
  assert.equal(f.directFlowsByHourOfDay[15], 1);
  assert.equal(f.firstSeenMs, (MONDAY + 10 * 3600) * 1000 + 60_000);
  assert.equal(f.lastSeenMs, (MONDAY + 34 * 3600) * 1000 + 120_000);
});

test("a sender seen only on relays and submission ports has no direct-to-MX features", () => {
  const collector = new FeatureCollector("203.0.113.20", isRelay, localClock("UTC"));
  collector.add(aggregate(10, 25, [["198.51.100.25", 3]]));
  collector.add(aggregate(10, 465, [["192.0.2.9", 3]]));
  assert.equal(collector.features(), undefined);
});

test("past the cap the distinct count is at least the largest hourly estimate and marked", () => {
  const collector = new FeatureCollector("203.0.113.20", isRelay, localClock("UTC"));
  collector.add({
    ...aggregate(1, 25, [["192.0.2.1", 5]]),
    destinationsTruncated: true,
    distinctDestinations: 900,
  });
  collector.add(aggregate(2, 25, [["192.0.2.2", 1]]));
  const f = collector.features();
  assert.equal(f?.distinctDestinations, 900);
  assert.equal(f?.distinctDestinationsEstimated, true);
  assert.equal(f?.peakDestinationsInOneHour, 900);
});

test("the local clock follows the zone, daylight saving included", () => {
  const saoPaulo = localClock("America/Sao_Paulo");
  assert.equal(saoPaulo.hourOfDay(MONDAY + 13 * 3600), 10); // UTC−3
  assert.equal(saoPaulo.day(MONDAY + 2 * 3600), MONDAY / 86400 - 1); // still Sunday there
  const newYork = localClock("America/New_York");
  assert.equal(newYork.hourOfDay(Date.UTC(2027, 0, 15, 15) / 1000), 10); // EST, UTC−5
  assert.equal(newYork.hourOfDay(Date.UTC(2027, 6, 15, 15) / 1000), 11); // EDT, UTC−4
});

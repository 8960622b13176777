import assert from "node:assert/strict";
import { test } from "node:test";
import { classifySender } from "../../src/flows/classify.js";
import type { SenderFeatures } from "../../src/flows/features.js";
import { DEFAULT_THRESHOLDS, type Thresholds } from "../../src/flows/thresholds.js";

function hours(spec: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, h) => spec[h] ?? 0);
}

function features(overrides: Partial<SenderFeatures>): SenderFeatures {
  return {
    source: "203.0.113.10",
    directFlows: 10,
    relayFlows: 0,
    submissionFlows: 0,
    packets: 100,
    bytes: 10_000,
    shortFlows: 0,
    synOnlyFlows: 0,
    distinctDestinations: 1,
    distinctDestinationsEstimated: false,
    peakDestinationsInOneHour: 1,
    hoursActive: 2,
    daysActive: 1,
    spanDays: 1,
    directFlowsByHourOfDay: hours({ 10: 5, 15: 5 }),
    firstSeenMs: 0,
    lastSeenMs: 0,
    ...overrides,
  };
}

test("a spam bot: fan-out, failed sessions, around the clock", () => {
  const bot = features({
    directFlows: 900,
    shortFlows: 780,
    synOnlyFlows: 500,
    distinctDestinations: 312,
    peakDestinationsInOneHour: 41,
    hoursActive: 70,
    daysActive: 3,
    spanDays: 3,
    directFlowsByHourOfDay: hours(Object.fromEntries(Array.from({ length: 22 }, (_, h) => [h, 40]))),
  });
  assert.deepEqual(classifySender(bot, DEFAULT_THRESHOLDS), {
    class: "bot-like",
    reasons: [
      "312 distinct destinations (≥ 50)",
      "41 destinations in one hour (≥ 20)",
      "87% short or failed flows (≥ 50%)",
      "active in 22 of 24 hours of the day (≥ 16)",
    ],
  });
});

test("two bot signals are enough by default; the count is a threshold", () => {
  const burst = features({
    directFlows: 60,
    shortFlows: 50,
    distinctDestinations: 60,
    peakDestinationsInOneHour: 60,
    directFlowsByHourOfDay: hours({ 11: 60 }),
  });
  assert.equal(classifySender(burst, DEFAULT_THRESHOLDS).class, "bot-like");
  const strict: Thresholds = {
    ...DEFAULT_THRESHOLDS,
    bot_like: { ...DEFAULT_THRESHOLDS.bot_like, min_signals: 4 },
  };
  assert.equal(classifySender(burst, strict).class, "mail-client");
  assert.deepEqual(classifySender(burst, strict).reasons, ["100% of flows 08:00–19:00 (≥ 60%)"]);
});

test("a mail program still set to port 25: few destinations, low volume, office hours, also 587", () => {
  const client = features({
    submissionFlows: 12,
    daysActive: 4,
    spanDays: 5,
    directFlows: 16,
    directFlowsByHourOfDay: hours({ 10: 8, 15: 8 }),
  });
  assert.deepEqual(classifySender(client, DEFAULT_THRESHOLDS), {
    class: "mail-client",
    reasons: [
      "1 distinct destination (≤ 5)",
      "4 flows a day (≤ 30)",
      "100% of flows 08:00–19:00 (≥ 60%)",
      "also uses 587/465 (12 flows)",
    ],
  });
});

test("a customer's mail server: steady, many domains, sessions that complete", () => {
  const server = features({
    directFlows: 2000,
    shortFlows: 40,
    distinctDestinations: 180,
    peakDestinationsInOneHour: 25,
    hoursActive: 300,
    daysActive: 13,
    spanDays: 14,
    directFlowsByHourOfDay: hours(Object.fromEntries(Array.from({ length: 24 }, (_, h) => [h, 80]))),
  });
  assert.deepEqual(classifySender(server, DEFAULT_THRESHOLDS), {
    class: "server",
    reasons: [
      "180 distinct destinations (≥ 20)",
      "active on 13 of 14 days (≥ 3 days, ≥ 50%)",
      "2% short or failed flows (≤ 20%)",
    ],
  });
  // The same sender failing most sessions is a bot, not a server.
  assert.equal(classifySender({ ...server, shortFlows: 1500 }, DEFAULT_THRESHOLDS).class, "bot-like");
});

test("an estimated count says so; a sender matching nothing is a mail client with a reason", () => {
  const estimated = features({
    distinctDestinations: 10_400,
    distinctDestinationsEstimated: true,
    shortFlows: 9,
  });
  assert.match(
    classifySender(estimated, DEFAULT_THRESHOLDS).reasons[0] ?? "",
    /^at least 10400 distinct destinations/,
  );
  const odd = features({
    directFlows: 400,
    distinctDestinations: 12,
    daysActive: 1,
    directFlowsByHourOfDay: hours({ 2: 400 }),
  });
  assert.deepEqual(classifySender(odd, DEFAULT_THRESHOLDS), {
    class: "mail-client",
    reasons: ["no server pattern; 0 of 4 bot signals (bot-like from 2)"],
  });
});

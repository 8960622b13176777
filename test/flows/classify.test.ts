import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { classifySender, SENDER_CLASSES, type SenderClass } from "../../src/flows/analysis/classify.js";
import type { SenderFeatures } from "../../src/flows/analysis/features.js";
import { DEFAULT_THRESHOLDS, type Thresholds } from "../../src/flows/analysis/thresholds.js";

function hours(spec: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, h) => spec[h] ?? 0);
}

/** `flows` spread evenly over the first `count` hours of the day. */
function spread(count: number, flows: number): number[] {
  return Array.from({ length: 24 }, (_, h) => (h < count ? Math.floor(flows / count) : 0));
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

const withThresholds = (section: keyof Thresholds, values: object): Thresholds => ({
  ...DEFAULT_THRESHOLDS,
  [section]: { ...(DEFAULT_THRESHOLDS[section] as object), ...values },
});

const SPAM_BOT = features({
  directFlows: 900,
  shortFlows: 780,
  synOnlyFlows: 500,
  distinctDestinations: 312,
  peakDestinationsInOneHour: 41,
  hoursActive: 70,
  daysActive: 3,
  spanDays: 3,
  directFlowsByHourOfDay: spread(22, 880),
});

/** The issue's case: a bot's address, 34 destinations in 3 days, most sessions refused, few hours. */
const ISSUE_BOT = features({
  directFlows: 40,
  shortFlows: 26,
  synOnlyFlows: 13,
  distinctDestinations: 34,
  peakDestinationsInOneHour: 9,
  hoursActive: 5,
  daysActive: 3,
  spanDays: 3,
  directFlowsByHourOfDay: hours({ 3: 8, 9: 8, 14: 8, 17: 8, 22: 8 }),
});

/** 60 MXs in one hour, most refusing. */
const BURST = features({
  directFlows: 60,
  shortFlows: 50,
  distinctDestinations: 60,
  peakDestinationsInOneHour: 60,
  directFlowsByHourOfDay: hours({ 11: 60 }),
});

const MAIL_PROGRAM = features({
  submissionFlows: 12,
  daysActive: 4,
  spanDays: 5,
  hoursActive: 6,
  directFlows: 16,
  directFlowsByHourOfDay: hours({ 10: 8, 15: 8 }),
});

const SMALL_SERVER = features({
  directFlows: 2000,
  shortFlows: 40,
  distinctDestinations: 180,
  peakDestinationsInOneHour: 25,
  hoursActive: 300,
  daysActive: 13,
  spanDays: 14,
  directFlowsByHourOfDay: spread(24, 1920),
});

interface Case {
  readonly name: string;
  readonly sender: SenderFeatures;
  readonly thresholds?: Thresholds;
  readonly class: SenderClass;
  /** The reasons exactly, or patterns some reason must match. */
  readonly reasons: readonly string[] | readonly RegExp[];
}

const CASES: readonly Case[] = [
  {
    name: "a spam bot: fan-out, failed sessions, around the clock",
    sender: SPAM_BOT,
    class: "bot-like",
    reasons: [
      "312 distinct destinations (≥ 50)",
      "41 destinations in one hour (≥ 20)",
      "87% short or failed flows (≥ 50%)",
      "active in 22 of 24 hours of the day (≥ 16)",
      "not a mail client: 312 distinct destinations (> 5)",
      "not a server: 87% short or failed flows (> 20%)",
    ],
  },
  {
    name: "the issue's bot: 34 destinations in 3 days is beyond a mail program and no server",
    sender: ISSUE_BOT,
    class: "bot-like",
    reasons: [
      "34 distinct destinations (> 5): more hosts than a mail program reaches",
      "not a server: 65% short or failed flows (> 20%)",
      "65% short or failed flows (≥ 50%)",
      "1 bot signal of 4 (enough alone from 2): fan-out beyond a mail program without a server's pattern decides",
    ],
  },
  {
    name: "the issue's fan-out with sessions that complete, on 2 days, is too new to tell from a server",
    sender: { ...ISSUE_BOT, shortFlows: 0, daysActive: 2 },
    class: "low-evidence",
    reasons: [
      "active on 2 of 3 days (server from 3 days, 50%), 0% short or failed flows (≤ 20%)",
      "34 distinct destinations (> 5): more hosts than a mail program reaches",
      "too little to tell a bot from a server",
    ],
  },
  {
    name: "the same on 3 days, not every day, is no server and no mail program",
    sender: { ...ISSUE_BOT, shortFlows: 0, daysActive: 3, spanDays: 7 },
    class: "bot-like",
    reasons: [
      "34 distinct destinations (> 5): more hosts than a mail program reaches",
      "not a server: active on 3 of 7 days (server from 3 days, 50%)",
      "0 bot signals of 4 (enough alone from 2): fan-out beyond a mail program without a server's pattern decides",
    ],
  },
  {
    name: "a burst to many MXs in one hour: two bot signals, the default count",
    sender: BURST,
    class: "bot-like",
    reasons: [
      /^60 destinations in one hour \(≥ 20\)$/,
      /^not a mail client: 60 distinct destinations \(> 5\)$/,
    ],
  },
  {
    name: "with four bot signals required, the burst's fan-out still rules out a mail client",
    sender: BURST,
    thresholds: withThresholds("bot_like", { min_signals: 4 }),
    class: "bot-like",
    reasons: [/^3 bot signals of 4 \(enough alone from 4\): fan-out beyond a mail program/],
  },
  {
    name: "a burst in a single hour is judged on its bot signals, however thin the data",
    sender: features({
      directFlows: 25,
      shortFlows: 25,
      distinctDestinations: 25,
      peakDestinationsInOneHour: 25,
      hoursActive: 1,
      directFlowsByHourOfDay: hours({ 4: 25 }),
    }),
    class: "bot-like",
    reasons: [/^25 destinations in one hour/, /^100% short or failed flows/],
  },
  {
    name: "a mail program still set to port 25: few destinations, low volume, office hours, also 587",
    sender: MAIL_PROGRAM,
    class: "mail-client",
    reasons: [
      "1 distinct destination (≤ 5)",
      "4 flows a day (≤ 30)",
      "100% of flows 08:00–19:00 (≥ 60%)",
      "also uses 587/465 (12 flows)",
    ],
  },
  {
    name: "a blocked mail program retrying its outbox around the clock is no bot",
    sender: features({
      directFlows: 100,
      shortFlows: 100,
      synOnlyFlows: 100,
      hoursActive: 90,
      daysActive: 5,
      spanDays: 5,
      directFlowsByHourOfDay: spread(20, 100),
    }),
    class: "mail-client",
    reasons: [
      "1 distinct destination (≤ 5)",
      "20 flows a day (≤ 30)",
      "2 of 4 bot signals (short or failed flows, hours of the day), bot-like from 2, but modest volume to few hosts: a mail program retrying, not a bot",
    ],
  },
  {
    name: "an office behind one address: a lot of mail to its provider, in office hours, sessions complete",
    sender: features({
      directFlows: 600,
      distinctDestinations: 2,
      hoursActive: 50,
      daysActive: 5,
      spanDays: 7,
      directFlowsByHourOfDay: hours({ 9: 200, 12: 200, 16: 200 }),
    }),
    class: "mail-client",
    reasons: [
      "2 distinct destinations (≤ 5)",
      "100% of flows 08:00–19:00 (≥ 60%)",
      "120 flows a day (> 30) but 0 of 4 bot signals, bot-like from 2: several mail programs behind one address",
    ],
  },
  {
    name: "a mass mailer through a smarthost: few hosts, much mail, failing, around the clock",
    sender: features({
      directFlows: 1500,
      shortFlows: 900,
      distinctDestinations: 2,
      hoursActive: 100,
      daysActive: 5,
      spanDays: 5,
      directFlowsByHourOfDay: spread(24, 1500),
    }),
    class: "bot-like",
    reasons: [
      "60% short or failed flows (≥ 50%)",
      "active in 24 of 24 hours of the day (≥ 16)",
      "not a mail client: 300 flows a day (> 30), though to 2 distinct destinations (≤ 5)",
      "not a server: 2 distinct destinations (< 20); 60% short or failed flows (> 20%)",
    ],
  },
  {
    name: "a customer's mail server: steady, many domains, sessions that complete",
    sender: SMALL_SERVER,
    class: "server",
    reasons: [
      "180 distinct destinations (≥ 20)",
      "active on 13 of 14 days (≥ 3 days, ≥ 50%)",
      "2% short or failed flows (≤ 20%)",
      "3 of 4 bot signals (fan-out, fan-out in one hour, hours of the day), bot-like from 2: a busy server's too, and its sessions complete",
    ],
  },
  {
    name: "the same server failing most sessions is a bot",
    sender: { ...SMALL_SERVER, shortFlows: 1500 },
    class: "bot-like",
    reasons: [/^not a server: 75% short or failed flows \(> 20%\)$/],
  },
  {
    name: "two flows say nothing yet",
    sender: features({ directFlows: 2, hoursActive: 2, directFlowsByHourOfDay: hours({ 10: 1, 15: 1 }) }),
    class: "low-evidence",
    reasons: [
      "2 direct flows (< 6)",
      "1 distinct destination (≤ 5): too little to tell a mail program from a quiet bot",
    ],
  },
  {
    name: "one hour says nothing of habits",
    sender: features({ directFlows: 12, hoursActive: 1, directFlowsByHourOfDay: hours({ 10: 12 }) }),
    class: "low-evidence",
    reasons: [
      "seen in 1 hour (< 2)",
      "1 distinct destination (≤ 5): too little to tell a mail program from a quiet bot",
    ],
  },
  {
    name: "a few MXs in one hour is beyond a mail program but too little to tell a bot from a server",
    sender: features({
      directFlows: 8,
      distinctDestinations: 8,
      peakDestinationsInOneHour: 8,
      hoursActive: 1,
      directFlowsByHourOfDay: hours({ 10: 8 }),
    }),
    class: "low-evidence",
    reasons: [
      "seen in 1 hour (< 2)",
      "8 distinct destinations (> 5): more hosts than a mail program reaches",
      "too little to tell a bot from a server",
    ],
  },
  {
    name: "an estimated count says so",
    sender: features({ distinctDestinations: 10_400, distinctDestinationsEstimated: true, shortFlows: 9 }),
    class: "bot-like",
    reasons: [/^at least 10400 distinct destinations \(≥ 50\)$/],
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const result = classifySender(c.sender, c.thresholds ?? DEFAULT_THRESHOLDS);
    assert.equal(result.class, c.class, result.reasons.join("\n"));
    if (c.reasons.every((r) => typeof r === "string")) assert.deepEqual(result.reasons, c.reasons);
    else
      for (const pattern of c.reasons as RegExp[])
        assert.ok(
          result.reasons.some((r) => pattern.test(r)),
          `${pattern} in ${result.reasons.join(" | ")}`,
        );
  });
}

/** [sender, class]: each threshold's value on either side. */
const BOUNDARIES: readonly [string, SenderFeatures, SenderClass][] = [
  ["5 destinations is a mail program's", { ...MAIL_PROGRAM, distinctDestinations: 5 }, "mail-client"],
  ["6 is beyond it", { ...MAIL_PROGRAM, distinctDestinations: 6 }, "bot-like"],
  ["30 flows a day is modest", { ...MAIL_PROGRAM, directFlows: 120 }, "mail-client"],
  ["6 direct flows are enough to judge", { ...MAIL_PROGRAM, directFlows: 6 }, "mail-client"],
  ["5 are not", { ...MAIL_PROGRAM, directFlows: 5 }, "low-evidence"],
  ["2 hours are enough", { ...MAIL_PROGRAM, hoursActive: 2 }, "mail-client"],
  ["1 is not", { ...MAIL_PROGRAM, hoursActive: 1 }, "low-evidence"],
  ["20 destinations make a server's fan-out", { ...SMALL_SERVER, distinctDestinations: 20 }, "server"],
  ["19 do not", { ...SMALL_SERVER, distinctDestinations: 19, peakDestinationsInOneHour: 19 }, "bot-like"],
  ["20% short flows still complete", { ...SMALL_SERVER, shortFlows: 400 }, "server"],
  ["21% do not", { ...SMALL_SERVER, shortFlows: 420 }, "bot-like"],
  ["3 active days are steady", { ...SMALL_SERVER, daysActive: 3, spanDays: 6 }, "server"],
  ["2 are not", { ...SMALL_SERVER, daysActive: 2, spanDays: 2 }, "bot-like"],
];

test("each threshold decides at its value", () => {
  for (const [name, sender, expected] of BOUNDARIES) {
    const result = classifySender(sender, DEFAULT_THRESHOLDS);
    assert.equal(result.class, expected, `${name}: ${result.reasons.join(" | ")}`);
  }
});

const share = fc.double({ min: 0, max: 1, noNaN: true });

const thresholdsArb: fc.Arbitrary<Thresholds> = fc
  .record({
    bot: fc.record({
      min_distinct_destinations: fc.nat(200),
      min_destinations_in_one_hour: fc.nat(60),
      min_short_flow_share: share,
      min_hours_of_day: fc.integer({ min: 0, max: 24 }),
      min_signals: fc.integer({ min: 1, max: 4 }),
    }),
    client: fc.record({ max_distinct_destinations: fc.nat(20), max_flows_per_active_day: fc.nat(100) }),
    server: fc.record({
      min_distinct_destinations: fc.nat(100),
      min_active_day_share: share,
      min_active_days: fc.nat(10),
      max_short_flow_share: share,
    }),
    low: fc.record({ min_direct_flows: fc.nat(20), min_hours_active: fc.nat(5) }),
  })
  .map(({ bot, client, server, low }) => ({
    ...DEFAULT_THRESHOLDS,
    bot_like: bot,
    mail_client: { ...DEFAULT_THRESHOLDS.mail_client, ...client },
    server,
    low_evidence: low,
  }));

const featuresArb: fc.Arbitrary<SenderFeatures> = fc
  .record({
    directFlows: fc.integer({ min: 1, max: 5000 }),
    shortShare: share,
    distinct: fc.integer({ min: 1, max: 5000 }),
    peakShare: share,
    hoursActive: fc.integer({ min: 1, max: 2000 }),
    daysActive: fc.integer({ min: 1, max: 60 }),
    extraSpan: fc.nat(30),
    byHour: fc.array(fc.nat(200), { minLength: 24, maxLength: 24 }),
    submissionFlows: fc.nat(50),
    estimated: fc.boolean(),
  })
  .map((r) =>
    features({
      directFlows: r.directFlows,
      shortFlows: Math.round(r.shortShare * r.directFlows),
      distinctDestinations: Math.min(r.distinct, r.directFlows),
      distinctDestinationsEstimated: r.estimated,
      peakDestinationsInOneHour: Math.max(1, Math.round(r.peakShare * Math.min(r.distinct, r.directFlows))),
      hoursActive: r.hoursActive,
      daysActive: r.daysActive,
      spanDays: r.daysActive + r.extraSpan,
      directFlowsByHourOfDay: r.byHour,
      submissionFlows: r.submissionFlows,
    }),
  );

test("classification is total and deterministic, with reasons, under any thresholds", () => {
  fc.assert(
    fc.property(featuresArb, thresholdsArb, (sender, thresholds) => {
      const first = classifySender(sender, thresholds);
      assert.ok(SENDER_CLASSES.includes(first.class));
      assert.ok(first.reasons.length > 0 && first.reasons.every((r) => r.length > 0));
      assert.deepEqual(classifySender(structuredClone(sender), thresholds), first);
    }),
  );
});

test("each class rests on its own evidence", () => {
  fc.assert(
    fc.property(featuresArb, thresholdsArb, (sender, t) => {
      const { class: chosen, reasons } = classifySender(sender, t);
      if (chosen === "mail-client") {
        assert.ok(sender.distinctDestinations <= t.mail_client.max_distinct_destinations);
        assert.equal(
          reasons[0]?.endsWith(`(≤ ${t.mail_client.max_distinct_destinations})`),
          true,
          reasons[0],
        );
      }
      if (chosen === "server") {
        assert.ok(sender.distinctDestinations >= t.server.min_distinct_destinations);
        assert.ok(sender.daysActive >= t.server.min_active_days);
      }
      if (chosen === "low-evidence") {
        assert.ok(
          sender.directFlows < t.low_evidence.min_direct_flows ||
            sender.hoursActive < t.low_evidence.min_hours_active ||
            sender.daysActive < t.server.min_active_days,
        );
      }
    }),
  );
});

test("more bot evidence never moves a bot-like sender to mail-client or low-evidence", () => {
  const more = fc.record({
    destinations: fc.nat(500),
    peak: fc.nat(100),
    shortFlows: fc.nat(2000),
    hourOfDay: fc.integer({ min: 0, max: 23 }),
    hours: fc.nat(100),
  });
  fc.assert(
    fc.property(featuresArb, thresholdsArb, more, (sender, thresholds, add) => {
      fc.pre(classifySender(sender, thresholds).class === "bot-like");
      // More fan-out, more in one hour, more refused sessions, one more hour of the day.
      const byHour = [...sender.directFlowsByHourOfDay];
      byHour[add.hourOfDay] = (byHour[add.hourOfDay] ?? 0) + add.shortFlows;
      const worse: SenderFeatures = {
        ...sender,
        distinctDestinations: sender.distinctDestinations + add.destinations,
        peakDestinationsInOneHour: sender.peakDestinationsInOneHour + add.peak,
        directFlows: sender.directFlows + add.shortFlows,
        shortFlows: sender.shortFlows + add.shortFlows,
        hoursActive: sender.hoursActive + add.hours,
        directFlowsByHourOfDay: byHour,
      };
      const after = classifySender(worse, thresholds).class;
      assert.ok(after === "bot-like" || after === "server", after);
    }),
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  AddressSet,
  parseDay as day,
  parseAddress,
  parsePrefix,
  prefixContainsAddress,
} from "../../src/core/index.js";
import { SENDER_CLASSES } from "../../src/flows/analysis/classify.js";
import { directSenders, relayTest } from "../../src/flows/analysis/report.js";
import { SENDER_SORTS, type SenderSelection, selectSenders } from "../../src/flows/analysis/report-select.js";
import { DEFAULT_THRESHOLDS } from "../../src/flows/analysis/thresholds.js";
import { SqliteFlowStore } from "../../src/flows/store/index.js";
import { parsePlan } from "../../src/plan/index.js";
import { fixtureStore } from "./fixture-store.js";

test("direct-to-MX senders are the dynamic sources reaching hosts other than the relays on 25", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const senders = await directSenders(new SqliteFlowStore(store), plan, {
    thresholds: DEFAULT_THRESHOLDS,
    exceptionsOn: day("2027-01-11"),
  });
  assert.deepEqual(
    senders.map((s) => [s.address, s.class, s.region, s.pool, s.flows, s.distinct_destinations, s.exception]),
    [
      ["2001:db8:1000::5", "low-evidence", "norte", "2001:db8:1000::/40", 2, 1, null],
      ["203.0.113.10", "bot-like", "sul", "adsl-poa-1", 72, 72, null],
      ["203.0.113.20", "mail-client", "sul", "adsl-poa-1", 8, 1, null],
      ["203.0.113.99", "server", "sul", "adsl-poa-1", 30, 30, "customer 4411 runs a mail server"],
    ],
  );
  const client = senders.find((s) => s.address === "203.0.113.20");
  assert.equal(client?.submission_flows, 8);
  assert.equal(client?.days_active, 4);
  assert.equal(client?.first_seen.slice(0, 10), "2027-01-04");
  const bot = senders.find((s) => s.address === "203.0.113.10");
  assert.equal(bot?.short_flows, 72);
  assert.equal(bot?.syn_only_flows, 72);
  assert.equal(bot?.hours_active, 24);
  assert.equal(bot?.distinct_destinations_estimated, false);
});

test("the window, the region and the subscriber at the time narrow and split the rows", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const tuesday = { sinceMs: Date.UTC(2027, 0, 5), untilMs: Date.UTC(2027, 0, 6) };
  const options = { thresholds: DEFAULT_THRESHOLDS, exceptionsOn: day("2027-01-11") };
  assert.deepEqual(
    (await directSenders(new SqliteFlowStore(store), plan, { ...options, window: tuesday })).map(
      (s) => s.address,
    ),
    ["2001:db8:1000::5", "203.0.113.99", "203.0.113.20"],
  );
  assert.deepEqual(
    (await directSenders(new SqliteFlowStore(store), plan, { ...options, region: "norte" })).map(
      (s) => s.address,
    ),
    ["2001:db8:1000::5"],
  );
  await assert.rejects(
    async () => directSenders(new SqliteFlowStore(store), plan, { ...options, region: "leste" }),
    /unknown region "leste"/,
  );
  // The mail client's address changed hands on Wednesday: one row per holder.
  const wednesday = Date.UTC(2027, 0, 6);
  const senders = await directSenders(new SqliteFlowStore(store), plan, {
    ...options,
    subscriberAt: (address, fromMs) =>
      address === "203.0.113.20" ? (fromMs < wednesday ? "ana@isp.example" : "bia@isp.example") : null,
  });
  assert.deepEqual(
    senders.filter((s) => s.address === "203.0.113.20").map((s) => [s.subscriber, s.flows, s.days_active]),
    [
      ["ana@isp.example", 4, 2],
      ["bia@isp.example", 4, 2],
    ],
  );
});

test("relayTest answers as the relays' address set does, for host and prefix relays alike", () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const v4 = fc
    .tuple(octet, octet)
    .map(([a, b]) => `198.51.100.${a % 8}`.replace(/\d+$/, String((a + b) % 8)));
  const v6 = fc.integer({ min: 0, max: 7 }).map((n) => `2001:db8:25::${n}`);
  const relay = fc.oneof(v4, v6, fc.constant("198.51.100.0/30"), fc.constant("2001:db8:25::/126"));
  fc.assert(
    fc.property(
      fc.uniqueArray(relay, { maxLength: 4 }),
      fc.array(fc.oneof(v4, v6), { maxLength: 20 }),
      (relays, destinations) => {
        const { plan } = parsePlan(
          `isp: { name: T, asn: 64500 }\nrelays: [${relays.join(", ")}]\nregions: [{ id: r, enforce_from: 2027-01-01 }]\npools: [{ prefix: 203.0.113.0/24, kind: dynamic, region: r }]\n`,
          "plan.yaml",
        );
        const set = AddressSet.fromPrefixes(plan.relays);
        const isRelay = relayTest(plan);
        for (const destination of destinations) {
          assert.equal(isRelay(destination), !set.isEmpty && set.has(parseAddress(destination)), destination);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test("--source, --pool and --region narrow the sources read, IPv4 and IPv6 prefixes alike", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const options = { thresholds: DEFAULT_THRESHOLDS, exceptionsOn: day("2027-01-11") };
  const addresses = async (scope: object) =>
    (await directSenders(new SqliteFlowStore(store), plan, { ...options, ...scope })).map((s) => s.address);
  assert.deepEqual(await addresses({ source: parsePrefix("203.0.113.0/28") }), ["203.0.113.10"]);
  assert.deepEqual(await addresses({ source: parsePrefix("203.0.113.20") }), ["203.0.113.20"]);
  assert.deepEqual(await addresses({ source: parsePrefix("2001:db8::/32") }), ["2001:db8:1000::5"]);
  assert.deepEqual(await addresses({ pool: "adsl-poa-1", source: parsePrefix("203.0.113.96/27") }), [
    "203.0.113.99",
  ]);
  assert.deepEqual(await addresses({ region: "norte", source: parsePrefix("203.0.113.0/24") }), []);
  // A prefix outside dynamic space (the static pool) finds no one to report.
  assert.deepEqual(await addresses({ source: parsePrefix("203.0.113.64/28") }), []);
  await assert.rejects(
    () => addresses({ pool: "business-poa" }),
    /^UserError: unknown dynamic pool "business-poa"; the plan's dynamic pools are adsl-poa-1, 2001:db8:1000::\/40$/,
  );
});

test("the scope read through SQL gives the rows the whole read gives, filtered afterwards", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const options = { thresholds: DEFAULT_THRESHOLDS, exceptionsOn: day("2027-01-11") };
  const all = await directSenders(new SqliteFlowStore(store), plan, options);
  const prefixes = [
    "203.0.113.0/25",
    "203.0.113.0/27",
    "203.0.113.16/28",
    "203.0.113.99/32",
    "2001:db8:1000::/48",
    "0.0.0.0/0",
  ];
  for (const text of prefixes) {
    const prefix = parsePrefix(text);
    assert.deepEqual(
      await directSenders(new SqliteFlowStore(store), plan, { ...options, source: prefix }),
      all.filter((s) => prefixContainsAddress(prefix, parseAddress(s.address))),
      text,
    );
  }
});

test("class, sort, top and limit: top takes the largest by the measure, limit cuts the listing as it is", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const senders = await directSenders(new SqliteFlowStore(store), plan, {
    thresholds: DEFAULT_THRESHOLDS,
    exceptionsOn: day("2027-01-11"),
  });
  const pick = (selection: SenderSelection) => {
    const selected = selectSenders(senders, selection);
    return [selected.senders.map((s) => s.address), selected.matched];
  };
  assert.deepEqual(pick({ top: 2 }), [["203.0.113.10", "203.0.113.99"], 4]);
  assert.deepEqual(pick({ top: 1, sort: "last-seen" }), [["203.0.113.99"], 4]);
  // Equal measures fall back to the address: the IPv6 client's 1 destination before 203.0.113.20's.
  assert.deepEqual(pick({ sort: "destinations", limit: 3 }), [
    ["203.0.113.10", "203.0.113.99", "2001:db8:1000::5"],
    4,
  ]);
  // --limit alone keeps the report's order (region, pool, class, flows): norte's client comes first.
  assert.deepEqual(pick({ limit: 1 }), [["2001:db8:1000::5"], 4]);
  assert.deepEqual(pick({ class: "server" }), [["203.0.113.99"], 1]);
  assert.deepEqual(pick({ class: "bot-like", top: 5 }), [["203.0.113.10"], 1]);
  // Whatever the selection, the rows are the top ones of the class by the measure, never more than asked.
  fc.assert(
    fc.property(
      fc.constantFrom(...SENDER_CLASSES, undefined),
      fc.constantFrom(...SENDER_SORTS),
      fc.integer({ min: 1, max: 6 }),
      (cls, sort, top) => {
        const rows = selectSenders(senders, { ...(cls ? { class: cls } : {}), sort, top }).senders;
        const ofClass = senders.filter((s) => cls === undefined || s.class === cls);
        assert.equal(rows.length, Math.min(top, ofClass.length));
        const key = (s: (typeof rows)[number]) =>
          sort === "flows"
            ? s.flows
            : sort === "destinations"
              ? s.distinct_destinations
              : Date.parse(s.last_seen);
        const floor = Math.min(...rows.map(key));
        const left = ofClass.filter((s) => !rows.includes(s));
        assert.ok(left.every((s) => key(s) <= floor));
      },
    ),
  );
});

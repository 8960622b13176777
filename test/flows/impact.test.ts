import assert from "node:assert/strict";
import { test } from "node:test";
import { type Day, parseDay as day } from "../../src/core/index.js";
import { impactOn } from "../../src/flows/analysis/impact.js";
import { impactWindow } from "../../src/flows/analysis/impact-window.js";
import { DEFAULT_THRESHOLDS } from "../../src/flows/analysis/thresholds.js";
import { SqliteFlowStore, writeAggregates } from "../../src/flows/store/index.js";
import { type Plan, parsePlan } from "../../src/plan/index.js";
import type { Store } from "../../src/store/index.js";
import { fixtureStore } from "./fixture-store.js";

const subscriberAt = (address: string) => (address === "203.0.113.10" ? "ana@isp.example" : null);

/**
 * The shape over the fixture's week (2027-01-04..08): centro-oeste (.10 the bot, .20 the
 * client) has enforced since July; norte (.99 the server, the IPv6 client) switches on 2027-01-11.
 */
const SWITCH_PLAN = parsePlan(
  `isp: { name: T, asn: 64500 }
relays: [198.51.100.25, 2001:db8:25::25]
allow_relays_on_25: true
regions:
  - { id: centro-oeste, name: Centro-Oeste, enforce_from: 2026-07-01 }
  - { id: norte, name: Norte, observe_from: 2026-11-01, enforce_from: 2027-01-11 }
  - { id: leste, name: Leste, enforce_from: 2027-06-01 }
pools:
  - { prefix: 203.0.113.0/27, kind: dynamic, region: centro-oeste, name: co-1 }
  - { prefix: 203.0.113.96/27, kind: dynamic, region: norte, name: norte-1 }
  - { prefix: 2001:db8:1000::/40, kind: dynamic, region: norte, name: norte-v6 }
`,
  "switch.yaml",
).plan;

const impactAt = async (store: Store, plan: Plan, at: Day, options: { since?: Day; region?: string } = {}) =>
  await impactOn(new SqliteFlowStore(store), plan, at, {
    window: await impactWindow(new SqliteFlowStore(store), at, options.since),
    ...(options.region ? { region: options.region } : {}),
    thresholds: DEFAULT_THRESHOLDS,
    subscriberAt,
  });

test("on a region's switch, only its recent senders are to notify; those blocked since July stand apart", async (t) => {
  const { store } = await fixtureStore(t);
  const impact = await impactAt(store, SWITCH_PLAN, day("2027-01-11"));
  assert.deepEqual(impact.switching, [{ id: "norte", name: "Norte", enforce_from: day("2027-01-11") }]);
  assert.deepEqual(
    impact.regions.map((r) => r.id),
    ["centro-oeste", "norte"],
  );
  assert.equal(impact.note, null);
  // The IPv6 client's class is another test's subject: here, who is on the list.
  assert.deepEqual(
    impact.notify.map((n) => [n.address, n.region, n.pool]),
    [
      ["203.0.113.99", "norte", "norte-1"],
      ["2001:db8:1000::5", "norte", "norte-v6"],
    ],
  );
  assert.equal(impact.notify[0]?.class, "server");
  assert.equal(impact.by_class.server.senders, 1);
  assert.deepEqual(
    impact.already_blocked.map((s) => [s.address, s.subscriber, s.region, s.blocked_since]),
    [
      ["203.0.113.10", "ana@isp.example", "centro-oeste", "2026-07-01"],
      ["203.0.113.20", null, "centro-oeste", "2026-07-01"],
    ],
  );
  assert.equal(impact.not_blocked, 0);
  // The data ends on 2027-01-08: the window is the 30 days up to then, through the day before.
  assert.deepEqual(impact.window, { since: "2026-12-10", until: "2027-01-10", last_flows: "2027-01-08" });
});

test("the window keeps the senders active shortly before the day: --since, and the 30 days by default", async (t) => {
  const { store } = await fixtureStore(t);
  // From Wednesday on, the IPv6 client (seen on Tuesday only) is no longer among the recent senders.
  const recent = await impactAt(store, SWITCH_PLAN, day("2027-01-11"), { since: day("2027-01-06") });
  assert.deepEqual(
    recent.notify.map((n) => n.address),
    ["203.0.113.99"],
  );
  // A norte sender seen in October only is more than 30 days before the switch: not notified.
  const october = Date.UTC(2026, 9, 5, 10);
  writeAggregates(store, [
    {
      source: "203.0.113.100",
      hour: october / 1000,
      port: 25,
      flows: 3,
      packets: 30,
      bytes: 9000,
      shortFlows: 0,
      synOnly: 0,
      firstSeenMs: october,
      lastSeenMs: october + 60_000,
      destinations: new Map([["192.0.2.7", 3]]),
      destinationsTruncated: false,
      distinctDestinations: 1,
    },
  ]);
  const impact = await impactAt(store, SWITCH_PLAN, day("2027-01-11"));
  assert.ok(!impact.notify.some((n) => n.address === "203.0.113.100"));
  const wide = await impactAt(store, SWITCH_PLAN, day("2027-01-11"), { since: day("2026-10-01") });
  assert.ok(wide.notify.some((n) => n.address === "203.0.113.100"));
});

test("a day no region switches: empty lists and the reason; a region asked for says when it switches", async (t) => {
  const { store } = await fixtureStore(t);
  const quiet = await impactAt(store, SWITCH_PLAN, day("2027-01-12"));
  assert.deepEqual(quiet.switching, []);
  assert.deepEqual(quiet.notify, []);
  assert.equal(quiet.note, "no region starts enforcing that day; the next is leste on 2027-06-01");
  assert.equal(quiet.already_blocked.length, 4, "everyone in centro-oeste and norte is blocked by then");
  const before = await impactAt(store, SWITCH_PLAN, day("2027-01-11"), { region: "centro-oeste" });
  assert.equal(before.note, "centro-oeste does not start enforcing that day: it enforces since 2026-07-01");
  assert.deepEqual(before.notify, []);
  assert.deepEqual(
    before.already_blocked.map((s) => s.address),
    ["203.0.113.10", "203.0.113.20"],
  );
  const later = await impactAt(store, SWITCH_PLAN, day("2027-01-11"), { region: "leste" });
  assert.equal(later.note, "leste does not start enforcing that day: it starts on 2027-06-01");
  const norte = await impactAt(store, SWITCH_PLAN, day("2027-01-11"), { region: "norte" });
  assert.equal(norte.note, null);
  assert.deepEqual(norte.already_blocked, [], "centro-oeste's senders are not norte's");
  assert.equal(norte.notify.length, 2);
});

test("an exception that ended the day before makes its address start losing port 25 that day", async (t) => {
  const { store, plan } = await fixtureStore(t);
  // examples/plan.yaml: sul enforces from 2026-12-01; 203.0.113.99's exception runs to 2027-06-30.
  const impact = await impactAt(store, plan, day("2027-07-01"), { since: day("2026-12-01") });
  assert.deepEqual(
    impact.notify.map((n) => n.address),
    ["203.0.113.99"],
  );
  assert.match(
    impact.notify[0]?.evidence ?? "",
    /its exception ended 2027-06-30 \(customer 4411 runs a mail server\)$/,
  );
  const sinceDay = (address: string) =>
    impact.already_blocked.find((s) => s.address === address)?.blocked_since;
  assert.equal(sinceDay("203.0.113.10"), "2026-12-01");
  assert.equal(sinceDay("2001:db8:1000::5"), "2027-03-01");
  // A day later it is one of the already blocked, from the day after its exception ended.
  const next = await impactAt(store, plan, day("2027-07-02"), { since: day("2026-12-01") });
  assert.equal(next.already_blocked.find((s) => s.address === "203.0.113.99")?.blocked_since, "2027-07-01");
  assert.deepEqual(next.notify, []);
});

test("the default window: 30 days before the day, or before the last flows stored when they end earlier", async (t) => {
  const { store } = await fixtureStore(t);
  assert.deepEqual(await impactWindow(new SqliteFlowStore(store), day("2027-01-06")), {
    since: "2026-12-07",
    until: "2027-01-05",
    last_flows: "2027-01-08",
  });
  assert.deepEqual(await impactWindow(new SqliteFlowStore(store), day("2027-03-01")), {
    since: "2026-12-10",
    until: "2027-02-28",
    last_flows: "2027-01-08",
  });
  await assert.rejects(
    async () => impactWindow(new SqliteFlowStore(store), day("2027-03-01"), day("2027-03-01")),
    /since 2027-03-01 is not before 2027-03-01/,
  );
});

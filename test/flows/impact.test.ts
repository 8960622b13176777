import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDay as day } from "../../src/core/index.js";
import { impactOn } from "../../src/flows/impact.js";
import { DEFAULT_THRESHOLDS } from "../../src/flows/thresholds.js";
import { fixtureStore } from "./fixture-store.js";

const subscriberAt = (address: string) => (address === "203.0.113.10" ? "ana@isp.example" : null);

test("on a day, the senders in enforcing regions lose port 25, less the exceptions in force", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const impact = impactOn(store, plan, day("2027-01-11"), { thresholds: DEFAULT_THRESHOLDS, subscriberAt });
  assert.deepEqual(impact.regions, [{ id: "sul", name: "Sul", enforce_from: day("2026-12-01") }]);
  assert.deepEqual(impact.by_class, {
    "bot-like": { senders: 1, subscribers: 1 },
    "mail-client": { senders: 1, subscribers: 0 },
    server: { senders: 0, subscribers: 0 },
  });
  // The IPv6 client (norte, enforcing from March) and the excepted server keep port 25.
  assert.equal(impact.not_blocked, 2);
  assert.deepEqual(
    impact.notify.map((n) => [n.subscriber, n.address, n.class, n.region, n.pool]),
    [
      ["ana@isp.example", "203.0.113.10", "bot-like", "sul", "adsl-poa-1"],
      [null, "203.0.113.20", "mail-client", "sul", "adsl-poa-1"],
    ],
  );
  assert.match(
    impact.notify[0]?.evidence ?? "",
    /^72 flows to 72 destinations on port 25, 2027-01-04; 72 distinct/,
  );
});

test("after the exception expires the server is blocked too; before observe nothing is", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const later = impactOn(store, plan, day("2027-07-01"), { thresholds: DEFAULT_THRESHOLDS });
  assert.deepEqual(
    later.notify.map((n) => [n.address, n.class]),
    [
      ["2001:db8:1000::5", "mail-client"],
      ["203.0.113.10", "bot-like"],
      ["203.0.113.20", "mail-client"],
      ["203.0.113.99", "server"],
    ],
  );
  const early = impactOn(store, plan, day("2026-09-01"), { thresholds: DEFAULT_THRESHOLDS });
  assert.deepEqual(early.regions, []);
  assert.deepEqual(early.notify, []);
  assert.equal(early.not_blocked, 4);
});

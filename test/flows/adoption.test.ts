import assert from "node:assert/strict";
import { test } from "node:test";
import { periodOf, submissionAdoption } from "../../src/flows/analysis/adoption.js";
import { SqliteFlowStore } from "../../src/flows/store/index.js";
import { fixtureStore } from "./fixture-store.js";

test("adoption per region and week: flow share and per-source share of 587/465", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const rows = await submissionAdoption(new SqliteFlowStore(store), plan, { by: "region", interval: "week" });
  // sul: bot 72 + client 8 + server 30 + relay user 2 on 25; client 8 + 2 on 587; 2 on 465.
  // Sources: bot, client, server, relay user, 587 user, 465 user; only the last two avoid 25.
  assert.deepEqual(rows, [
    {
      period: "2027-01-04",
      region: "norte",
      pool: null,
      flows_25: 2,
      flows_587: 0,
      flows_465: 0,
      flow_share: 0,
      sources: 1,
      submission_only_sources: 0,
      source_share: 0,
    },
    {
      period: "2027-01-04",
      region: "sul",
      pool: null,
      flows_25: 112,
      flows_587: 10,
      flows_465: 2,
      flow_share: 0.0968,
      sources: 6,
      submission_only_sources: 2,
      source_share: 0.3333,
    },
  ]);
});

test("adoption by pool and day; the static pool is not counted", async (t) => {
  const { store, plan } = await fixtureStore(t);
  const rows = await submissionAdoption(new SqliteFlowStore(store), plan, {
    by: "pool",
    interval: "day",
    region: "sul",
  });
  assert.deepEqual(
    rows.map((r) => [r.period, r.pool, r.sources, r.submission_only_sources]),
    [
      ["2027-01-04", "adsl-poa-1", 6, 2],
      ["2027-01-05", "adsl-poa-1", 5, 2],
      ["2027-01-06", "adsl-poa-1", 2, 0],
      ["2027-01-07", "adsl-poa-1", 2, 0],
      ["2027-01-08", "adsl-poa-1", 1, 0],
    ],
  );
});

test("periods: UTC days, weeks from Monday, months", () => {
  const sunday = Date.UTC(2027, 0, 10, 23) / 1000;
  assert.equal(periodOf(sunday, "day"), "2027-01-10");
  assert.equal(periodOf(sunday, "week"), "2027-01-04");
  assert.equal(periodOf(sunday, "month"), "2027-01");
});

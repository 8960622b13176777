import assert from "node:assert/strict";
import { test } from "node:test";
import { createRegion, LOCAL_ADMIN } from "../../src/rollout/index.js";
import { programmeApp } from "../rollout/helpers.js";

test("a list answers 500 rows by default with the cursor of the next page, which ends it", async (t) => {
  const p = await programmeApp(t);
  p.store.transaction(() => {
    for (let i = 0; i < 520; i++)
      createRegion(p.store, LOCAL_ADMIN, { id: `x${String(i).padStart(3, "0")}`, name: `X ${i}` });
  })();
  const first = (await p.request("obs", "GET", "/api/rollout/regions")).json();
  assert.equal(first.items.length, 500);
  assert.equal(typeof first.next, "string");
  const second = (
    await p.request("obs", "GET", `/api/rollout/regions?cursor=${encodeURIComponent(first.next)}`)
  ).json();
  assert.equal(second.next, null);
  const ids = [...first.items, ...second.items].map((r: { id: string }) => r.id);
  assert.equal(ids.length, 521);
  assert.equal(new Set(ids).size, 521);
});

test("a list refuses a filter it does not take and a bad limit with 400 and one line", async (t) => {
  const p = await programmeApp(t);
  const phase = await p.request("coord", "GET", "/api/rollout/people?phase=enforce");
  assert.equal(phase.statusCode, 400);
  assert.match(phase.json().error, /^people cannot be filtered by phase \(it takes org\)$/);
  const limit = await p.request("coord", "GET", "/api/rollout/reports?limit=-1");
  assert.equal(limit.statusCode, 400);
  assert.match(limit.json().error, /limit must be a whole number/);
  const filtered = (
    await p.request("coord", "GET", "/api/rollout/reports?org=a&phase=enforce&limit=1")
  ).json();
  assert.ok(
    filtered.items.every((r: { org_id: string; phase: string }) => r.org_id === "a" && r.phase === "enforce"),
  );
});

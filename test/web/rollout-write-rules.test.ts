/** What an organisation's people may change, tried where it reached further than the write rules allow, on a real `porteiro serve`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { serveProgramme, twoIsps } from "../rollout/helpers.js";

const REPORT = { org_id: "a", region: "r1", as_of: "2021-03-01", phase: "enforce", adoption_pct: 64 };

test("an org-member cannot publish a report by entering it as public; entered unpublished it is kept", async (t) => {
  const p = await serveProgramme(t, twoIsps);
  const reports = async () => (await p.request("coord", "GET", "/api/rollout/reports?org=a")).json();

  const refused = await p.request("mem", "POST", "/api/rollout/reports", { ...REPORT, public: true });
  assert.equal(refused.status, 403);
  assert.match((await refused.json()).error, /publishing a report needs the org-admin programme role/);
  assert.deepEqual(await reports(), [], "nothing stored, published or not");

  const kept = await p.request("mem", "POST", "/api/rollout/reports", REPORT);
  assert.equal(kept.status, 201);
  assert.equal((await kept.json()).public, false);
  const published = await p.request("adm", "POST", "/api/rollout/reports", { ...REPORT, public: true });
  assert.equal(published.status, 201);
  assert.equal((await published.json()).public, true);

  const memberPage = await (await p.request("mem", "GET", "/console/rollout/orgs/a")).text();
  assert.doesNotMatch(memberPage, /name="public"/, "no publish box or button for a member");
  const adminPage = await (await p.request("adm", "GET", "/console/rollout/orgs/a")).text();
  assert.match(adminPage, /name="public"/);
});

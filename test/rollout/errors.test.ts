import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { parseDay } from "../../src/core/index.js";
import {
  changeSettings,
  createCommitment,
  createDocument,
  createOrg,
  createPerson,
  createRegion,
  enterReport,
  LOCAL_ADMIN,
  RolloutError,
  recordNoise,
  setCalendarEntry,
  updateCommitment,
  updateDocument,
  updateNoise,
  updatePerson,
} from "../../src/rollout/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { programmeApp } from "./helpers.js";

/** A store with organisation "isp", region "sul" and document 1. */
function programme(t: TestContext): Store {
  const store = openStore(tempDir(t, "rollout-errors"));
  t.after(() => store.close());
  createOrg(store, LOCAL_ADMIN, { id: "isp", name: "ISP", type: "isp" });
  createRegion(store, LOCAL_ADMIN, { id: "sul", name: "Sul" });
  createDocument(store, LOCAL_ADMIN, {
    kind: "resolution",
    title: "Resolution",
    date: "2026-01-01",
    link: "https://example.org/r",
  });
  return store;
}

const refused =
  (message: string, status = 400) =>
  (error: unknown) =>
    error instanceof RolloutError && error.statusCode === status && error.message === message;

test("a write naming an unknown organisation, region or document says which one", (t) => {
  const store = programme(t);
  const commitment = { kind: "port25_blocked_region", due: "2027-01-01" };
  assert.throws(
    () => createCommitment(store, LOCAL_ADMIN, { ...commitment, org_id: "fibra-vale", region_id: "sul" }),
    refused('unknown organisation "fibra-vale"'),
  );
  assert.throws(
    () => createCommitment(store, LOCAL_ADMIN, { ...commitment, org_id: "isp", region_id: "norte" }),
    refused('unknown region "norte"'),
  );
  assert.throws(
    () =>
      createCommitment(store, LOCAL_ADMIN, {
        ...commitment,
        org_id: "isp",
        region_id: "sul",
        document_id: 9,
      }),
    refused("unknown document 9"),
  );
  const made = createCommitment(store, LOCAL_ADMIN, { ...commitment, org_id: "isp", region_id: "sul" });
  assert.throws(
    () => updateCommitment(store, LOCAL_ADMIN, made.id, { document_id: 7 }),
    refused("unknown document 7"),
  );
  assert.throws(
    () =>
      setCalendarEntry(store, LOCAL_ADMIN, { org_id: "isp", region_id: "norte", enforce_from: "2027-01-01" }),
    refused('unknown region "norte"'),
  );
  assert.throws(
    () =>
      createDocument(store, LOCAL_ADMIN, {
        org_id: "agency",
        kind: "resolution",
        title: "R",
        date: "2026-01-01",
        link: "https://example.org/",
      }),
    refused('unknown organisation "agency"'),
  );
  assert.throws(
    () => updateDocument(store, LOCAL_ADMIN, 1, { org_id: "agency" }),
    refused('unknown organisation "agency"'),
  );
});

test("noise names the unknown organisation or region, on entry and on change", (t) => {
  const store = programme(t);
  const noise = { day: "2026-12-01", category: "user-report" };
  assert.throws(
    () => recordNoise(store, LOCAL_ADMIN, { ...noise, org_id: "fibra-vale", region_id: "sul" }),
    refused('unknown organisation "fibra-vale"'),
  );
  assert.throws(
    () => recordNoise(store, LOCAL_ADMIN, { ...noise, org_id: "isp", region_id: "nordeste" }),
    refused('unknown region "nordeste"'),
  );
  const recorded = recordNoise(store, LOCAL_ADMIN, { ...noise, org_id: "isp", region_id: "sul" });
  assert.throws(
    () => updateNoise(store, LOCAL_ADMIN, recorded.id, { region_id: "norte" }),
    refused('unknown region "norte"'),
  );
});

test("a batch of reports names the one region that is not registered", (t) => {
  const store = programme(t);
  assert.throws(
    () =>
      enterReport(store, LOCAL_ADMIN, {
        org_id: "isp",
        region: "norte",
        as_of: parseDay("2026-12-01"),
        phase: "notify",
      }),
    refused('unknown region "norte"'),
  );
});

test("a person names the unknown organisation, else the unknown console account", (t) => {
  const store = programme(t);
  assert.throws(
    () =>
      createPerson(store, LOCAL_ADMIN, {
        name: "Ana",
        role: "org-admin",
        org_id: "nowhere",
        username: "ana",
      }),
    refused('unknown organisation "nowhere"'),
  );
  assert.throws(
    () =>
      createPerson(store, LOCAL_ADMIN, { name: "Ana", role: "org-admin", org_id: "isp", username: "ana" }),
    refused('unknown operator account "ana"'),
  );
  const ana = createPerson(store, LOCAL_ADMIN, { name: "Ana", role: "org-admin", org_id: "isp" });
  assert.throws(
    () => updatePerson(store, LOCAL_ADMIN, ana.id, { username: "ana" }),
    refused('unknown operator account "ana"'),
  );
});

test("settings refuse an unknown organisation, and a region added twice is named", (t) => {
  const store = programme(t);
  assert.throws(
    () => changeSettings(store, LOCAL_ADMIN, { plan_org: "isp", default_org: "csirt" }),
    refused('unknown organisation "csirt"'),
  );
  assert.equal(changeSettings(store, LOCAL_ADMIN, { default_org: "isp" }).default_org, "isp");
  assert.throws(
    () => createRegion(store, LOCAL_ADMIN, { id: "sul", name: "Sul" }),
    refused("region sul already exists", 409),
  );
});

test("the API answers the same named culprit with a 400", async (t) => {
  const p = await programmeApp(t);
  const cases: [string, string, unknown, string][] = [
    [
      "/api/rollout/commitments",
      "POST",
      { org_id: "a", kind: "port25_blocked_region", region_id: "norte", due: "2027-01-01" },
      'unknown region "norte"',
    ],
    [
      "/api/rollout/calendar",
      "PUT",
      { org_id: "fibra-vale", region_id: "r1", enforce_from: "2027-01-01" },
      'unknown organisation "fibra-vale"',
    ],
  ];
  for (const [url, method, body, message] of cases) {
    const response = await p.request("coord", method, url, body);
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json().error, message);
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createCommitment,
  createDocument,
  createOrg,
  createPerson,
  createRegion,
  enterReport,
  LOCAL_ADMIN,
  recordNoise,
} from "../../src/rollout/index.js";
import type { Store } from "../../src/store/index.js";
import { PEOPLE, programmeApp, snapshot, type Who } from "../rollout/helpers.js";

type Need = "coordinator" | "org-admin" | "org-member";

interface WriteCase {
  readonly name: string;
  readonly need: Need;
  /** The organisation whose data changes; null for the whole programme's. */
  readonly org: string | null;
  /** Makes what the write needs (a record to change or delete) and returns the request. */
  readonly prepare: (store: Store) => { method: string; url: string; body?: unknown };
}

let fresh = 0;
const unique = (prefix: string) => `${prefix}-${++fresh}`;

const CASES: WriteCase[] = [
  {
    name: "create an organisation",
    need: "coordinator",
    org: null,
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/orgs",
      body: { id: unique("org"), name: "New", type: "isp" },
    }),
  },
  {
    name: "rename own organisation",
    need: "org-admin",
    org: "a",
    prepare: () => ({ method: "PATCH", url: "/api/rollout/orgs/a", body: { name: unique("ISP A") } }),
  },
  {
    name: "rename another organisation",
    need: "org-admin",
    org: "b",
    prepare: () => ({ method: "PATCH", url: "/api/rollout/orgs/b", body: { name: unique("ISP B") } }),
  },
  {
    name: "change an organisation's type",
    need: "coordinator",
    org: "a",
    prepare: () => ({ method: "PATCH", url: "/api/rollout/orgs/a", body: { type: "isp" } }),
  },
  {
    name: "delete an organisation",
    need: "coordinator",
    org: null,
    prepare: (store) => {
      const id = unique("gone");
      createOrg(store, LOCAL_ADMIN, { id, name: id, type: "academia" });
      return { method: "DELETE", url: `/api/rollout/orgs/${id}` };
    },
  },
  {
    name: "add a person to own organisation",
    need: "org-admin",
    org: "a",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/people",
      body: { org_id: "a", role: "org-member", name: unique("p") },
    }),
  },
  {
    name: "add a person to another organisation",
    need: "org-admin",
    org: "b",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/people",
      body: { org_id: "b", role: "org-member", name: unique("p") },
    }),
  },
  {
    name: "name a coordinator",
    need: "coordinator",
    org: null,
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/people",
      body: { role: "coordinator", name: unique("c") },
    }),
  },
  {
    name: "change a person of own organisation",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const p = createPerson(store, LOCAL_ADMIN, { org_id: "a", role: "org-member", name: unique("p") });
      return { method: "PATCH", url: `/api/rollout/people/${p.id}`, body: { name: unique("renamed") } };
    },
  },
  {
    name: "remove a person of own organisation",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const p = createPerson(store, LOCAL_ADMIN, { org_id: "a", role: "org-member", name: unique("p") });
      return { method: "DELETE", url: `/api/rollout/people/${p.id}` };
    },
  },
  {
    name: "file a document of own organisation",
    need: "org-admin",
    org: "a",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/documents",
      body: {
        org_id: "a",
        kind: "technical-note",
        title: unique("t"),
        date: "2021-01-01",
        link: "https://example.org/n",
      },
    }),
  },
  {
    name: "file a programme document",
    need: "coordinator",
    org: null,
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/documents",
      body: { kind: "resolution", title: unique("t"), date: "2021-01-01", link: "https://example.org/r" },
    }),
  },
  {
    name: "change a document of own organisation",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const d = createDocument(store, LOCAL_ADMIN, {
        org_id: "a",
        kind: "agreement",
        title: unique("d"),
        date: "2021-01-01",
        link: "https://example.org/d",
      });
      return { method: "PATCH", url: `/api/rollout/documents/${d.id}`, body: { title: unique("d2") } };
    },
  },
  {
    name: "delete a document of own organisation",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const d = createDocument(store, LOCAL_ADMIN, {
        org_id: "a",
        kind: "agreement",
        title: unique("d"),
        date: "2021-01-01",
        link: "https://example.org/d",
      });
      return { method: "DELETE", url: `/api/rollout/documents/${d.id}` };
    },
  },
  {
    name: "add a region",
    need: "coordinator",
    org: null,
    prepare: () => ({ method: "POST", url: "/api/rollout/regions", body: { id: unique("r"), name: "R" } }),
  },
  {
    name: "delete a region",
    need: "coordinator",
    org: null,
    prepare: (store) => {
      const id = unique("r");
      createRegion(store, LOCAL_ADMIN, { id, name: id });
      return { method: "DELETE", url: `/api/rollout/regions/${id}` };
    },
  },
  {
    name: "set own calendar",
    need: "org-admin",
    org: "a",
    prepare: () => ({
      method: "PUT",
      url: "/api/rollout/calendar",
      body: { org_id: "a", region_id: "r1", enforce_from: `20${20 + (++fresh % 70)}-01-01` },
    }),
  },
  {
    name: "set another's calendar",
    need: "org-admin",
    org: "b",
    prepare: () => ({
      method: "PUT",
      url: "/api/rollout/calendar",
      body: { org_id: "b", region_id: "r1", enforce_from: "2022-01-01" },
    }),
  },
  {
    name: "delete own calendar entry",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const id = unique("r");
      createRegion(store, LOCAL_ADMIN, { id, name: id });
      store
        .prepare(
          "INSERT INTO rollout_calendar (org_id, region_id, enforce_from) VALUES ('a', ?, '2021-01-01')",
        )
        .run(id);
      return { method: "DELETE", url: `/api/rollout/calendar/a/${id}` };
    },
  },
  {
    name: "add own commitment",
    need: "org-admin",
    org: "a",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/commitments",
      body: { org_id: "a", kind: "submission_offered", due: "2030-01-01" },
    }),
  },
  {
    name: "add another's commitment",
    need: "org-admin",
    org: "b",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/commitments",
      body: { org_id: "b", kind: "submission_offered", due: "2030-01-01" },
    }),
  },
  {
    name: "change own commitment",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const c = createCommitment(store, LOCAL_ADMIN, {
        org_id: "a",
        kind: "adoption_pct",
        target: 80,
        due: "2030-01-01",
      });
      return { method: "PATCH", url: `/api/rollout/commitments/${c.id}`, body: { target: 85 } };
    },
  },
  {
    name: "delete own commitment",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const c = createCommitment(store, LOCAL_ADMIN, {
        org_id: "a",
        kind: "submission_offered",
        due: "2030-01-01",
      });
      return { method: "DELETE", url: `/api/rollout/commitments/${c.id}` };
    },
  },
  {
    name: "enter own report",
    need: "org-member",
    org: "a",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/reports",
      body: { org_id: "a", region: "r1", as_of: "2021-03-01", phase: "enforce", adoption_pct: 91 },
    }),
  },
  {
    name: "enter another's report",
    need: "org-member",
    org: "b",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/reports",
      body: { org_id: "b", region: "r1", as_of: "2021-03-01", phase: "enforce" },
    }),
  },
  {
    name: "publish own report",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const r = enterReport(store, LOCAL_ADMIN, {
        org_id: "a",
        region: "r1",
        as_of: "2021-04-01",
        phase: "enforce",
      });
      return { method: "PATCH", url: `/api/rollout/reports/${r.id}`, body: { public: true } };
    },
  },
  {
    name: "record own noise",
    need: "org-member",
    org: "a",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/noise",
      body: { org_id: "a", region_id: "r1", day: "2021-01-05", category: "client-config" },
    }),
  },
  {
    name: "record another's noise",
    need: "org-member",
    org: "b",
    prepare: () => ({
      method: "POST",
      url: "/api/rollout/noise",
      body: { org_id: "b", day: "2021-01-05", category: "other" },
    }),
  },
  {
    name: "resolve own noise",
    need: "org-member",
    org: "a",
    prepare: (store) => {
      const n = recordNoise(store, LOCAL_ADMIN, { org_id: "a", day: "2021-01-06", category: "cannot-send" });
      return { method: "PATCH", url: `/api/rollout/noise/${n.id}`, body: { resolution: "reconfigured" } };
    },
  },
  {
    name: "delete own noise",
    need: "org-admin",
    org: "a",
    prepare: (store) => {
      const n = recordNoise(store, LOCAL_ADMIN, { org_id: "a", day: "2021-01-06", category: "cannot-send" });
      return { method: "DELETE", url: `/api/rollout/noise/${n.id}` };
    },
  },
  {
    name: "change the settings",
    need: "coordinator",
    org: null,
    prepare: () => ({
      method: "PATCH",
      url: "/api/rollout/settings",
      body: { noise_alert_per_day: 5 + (++fresh % 50) },
    }),
  },
];

/** The programme's rule, restated: coordinators all; an organisation's people their own, by rank; nobody else. */
function allowed(who: Who, need: Need, org: string | null): boolean {
  const person = PEOPLE[who];
  if (person.web === "read-only") return false;
  if (person.role === "coordinator") return true;
  if (person.role !== "org-admin" && person.role !== "org-member") return false;
  if (need === "coordinator" || org === null || org !== person.org) return false;
  return need === "org-member" || person.role === "org-admin";
}

test("every role × every write: allowed ones succeed, forbidden ones are a 403 and change nothing", async (t) => {
  const p = await programmeApp(t);
  let forbiddenSeen = 0;
  for (const who of Object.keys(PEOPLE) as Who[]) {
    for (const c of CASES) {
      const { method, url, body } = c.prepare(p.store);
      const before = snapshot(p.store);
      const response = await p.request(who, method, url, body);
      const label = `${who}: ${c.name} (${method} ${url}) → ${response.statusCode} ${response.body}`;
      if (allowed(who, c.need, c.org)) {
        assert.ok(response.statusCode >= 200 && response.statusCode < 300, label);
      } else {
        forbiddenSeen++;
        assert.equal(response.statusCode, 403, label);
        assert.match(response.json().error, /\w/, label);
        assert.equal(snapshot(p.store), before, `${label}: the store changed`);
      }
    }
  }
  assert.ok(forbiddenSeen > 100, `only ${forbiddenSeen} forbidden writes tried`);
});

test("a console report needs the CSRF token; without a session or signature the answer is 401", async (t) => {
  const p = await programmeApp(t);
  const body = { org_id: "a", region: "r1", as_of: "2021-03-01", phase: "enforce" };
  const before = snapshot(p.store);
  const noToken = await p.request("mem", "POST", "/api/rollout/reports", body, { "x-csrf-token": "wrong" });
  assert.equal(noToken.statusCode, 403);
  assert.match(noToken.json().error, /CSRF/);
  const anonymous = await p.request(null, "POST", "/api/rollout/reports", body);
  assert.equal(anonymous.statusCode, 401);
  const crossSite = await p.request("mem", "POST", "/api/rollout/reports", body, {
    origin: "https://evil.example",
  });
  assert.equal(crossSite.statusCode, 403);
  assert.equal(snapshot(p.store), before);
});

test("reports are history: entering one adds a row, the old ones stay as they were", async (t) => {
  const p = await programmeApp(t);
  const first = (await p.request("mem", "GET", "/api/rollout/reports?org=a")).json().items;
  const added = await p.request("mem", "POST", "/api/rollout/reports", {
    org_id: "a",
    region: "r1",
    as_of: "2020-02-01",
    phase: "enforce",
    adoption_pct: 70,
  });
  assert.equal(added.statusCode, 201);
  const after = (await p.request("mem", "GET", "/api/rollout/reports?org=a")).json().items;
  assert.equal(after.length, first.length + 1);
  assert.deepEqual(after.slice(0, first.length), first);
  assert.throws(() => p.store.prepare("UPDATE rollout_reports SET adoption_pct = 1").run(), /never changed/);
  assert.throws(() => p.store.prepare("DELETE FROM rollout_reports").run(), /never removed/);
});

test("bad input is a 400 naming the field; unknown records a 404", async (t) => {
  const p = await programmeApp(t);
  const bad = await p.request("coord", "POST", "/api/rollout/commitments", {
    org_id: "a",
    kind: "adoption_pct",
    due: "2030-01-01",
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /target/);
  const day = await p.request("coord", "POST", "/api/rollout/noise", {
    org_id: "a",
    day: "2021-02-30",
    category: "other",
  });
  assert.equal(day.statusCode, 400);
  assert.match(day.json().error, /^day:/);
  const region = await p.request("coord", "POST", "/api/rollout/reports", {
    org_id: "a",
    region: "nowhere",
    as_of: "2021-03-01",
    phase: "enforce",
  });
  assert.equal(region.statusCode, 400);
  assert.equal(
    (await p.request("coord", "PATCH", "/api/rollout/noise/999", { resolution: "open" })).statusCode,
    404,
  );
  assert.equal((await p.request("coord", "GET", "/api/rollout/orgs/zzz")).statusCode, 404);
});

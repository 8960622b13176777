/**
 * Who reads what of the programme: every GET route of /api/rollout/ and every console page of
 * /console/rollout, asked by every kind of account of a real `porteiro serve` on loopback, over
 * organisations a and b (public) and h (not public), each with public and non-public records.
 */
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
  setCalendarEntry,
} from "../../src/rollout/index.js";
import type { Store } from "../../src/store/index.js";
import { PEOPLE, serveProgramme, type Who } from "../rollout/helpers.js";

type Kind = "org" | "person" | "document" | "calendar" | "commitment" | "report" | "noise";

/** One seeded record: whose it is, whether it is flagged public (null: never public), and how a page shows it. */
interface Seeded {
  readonly kind: Kind;
  readonly key: string;
  readonly org: string | null;
  readonly public: boolean | null;
  /** Text only this record puts on a console page; none for the accounts' own people. */
  readonly marker?: string;
  readonly email?: string;
  readonly username?: string;
  readonly asOf?: string;
  readonly adoption?: number;
}

const ORGS = { a: true, b: true, h: false } as const;
type OrgId = keyof typeof ORGS;

function seed(store: Store): Seeded[] {
  const out: Seeded[] = [];
  createRegion(store, LOCAL_ADMIN, { id: "r1", name: "Region One" });
  const documentOf = (org: string | null, open: boolean) => {
    const title = `marker-doc-${org ?? "programme"}-${open ? "public" : "private"}`;
    const d = createDocument(store, LOCAL_ADMIN, {
      org_id: org,
      kind: "technical-note",
      title,
      date: "2020-01-01",
      file: { name: "note.txt", type: "text/plain", content_base64: Buffer.from(title).toString("base64") },
      public: open,
    });
    out.push({ kind: "document", key: String(d.id), org, public: open, marker: title });
  };
  documentOf(null, true);
  documentOf(null, false);
  (Object.keys(ORGS) as OrgId[]).forEach((org, n) => {
    const name = `marker-org-${org}`;
    createOrg(store, LOCAL_ADMIN, { id: org, name, type: "isp", subscribers: 1000, public: ORGS[org] });
    out.push({ kind: "org", key: org, org, public: ORGS[org], marker: name });
    const enforce = ["2020-01-01", "2020-01-05", "2019-12-28"][n] as string;
    setCalendarEntry(store, LOCAL_ADMIN, { org_id: org, region_id: "r1", enforce_from: enforce });
    out.push({ kind: "calendar", key: `${org}/r1`, org, public: null, marker: `enforce ${enforce}` });
    const email = `person-${org}@example.org`;
    const person = createPerson(store, LOCAL_ADMIN, {
      org_id: org,
      role: "org-member",
      name: `marker-person-${org}`,
      email,
    });
    out.push({ kind: "person", key: person.name, org, public: null, marker: person.name, email });
    documentOf(org, true);
    documentOf(org, false);
    for (const open of [true, false]) {
      const target = 41 + n * 2 + (open ? 0 : 1);
      const c = createCommitment(store, LOCAL_ADMIN, {
        org_id: org,
        kind: "adoption_pct",
        target,
        due: "2030-01-01",
        public: open,
      });
      out.push({
        kind: "commitment",
        key: String(c.id),
        org,
        public: open,
        marker: `${target}% of mail-client`,
      });
      // The unpublished report is the later one: a commitment's standing must not give it away.
      const asOf = `2021-01-0${1 + n * 2 + (open ? 0 : 1)}`;
      const adoption = 11.5 + n * 10 + (open ? 0 : 1);
      const r = enterReport(store, LOCAL_ADMIN, {
        org_id: org,
        region: "r1",
        as_of: asOf,
        phase: "enforce",
        adoption_pct: adoption,
        public: open,
      });
      out.push({
        kind: "report",
        key: String(r.id),
        org,
        public: open,
        marker: `${adoption}%`,
        asOf,
        adoption,
      });
    }
    const note = `marker-noise-${org}`;
    const noise = recordNoise(store, LOCAL_ADMIN, {
      org_id: org,
      region_id: "r1",
      day: `2020-01-1${n}`,
      category: "cannot-send",
      note,
    });
    out.push({ kind: "noise", key: String(noise.id), org, public: null, marker: note, asOf: noise.day });
  });
  return out;
}

/** The read rule, restated: public records of public organisations to every session; the rest to their own people, coordinators and observers. */
function sees(who: Who, record: Seeded): boolean {
  const p = PEOPLE[who];
  if (p.role === "coordinator" || p.role === "observer") return true;
  const own = p.role === "org-admin" || p.role === "org-member" ? p.org : null;
  if (record.org !== null && record.org === own) return true;
  return record.public === true && (record.org === null || ORGS[record.org as OrgId]);
}

/** E-mail addresses and logins: the coordinator's, the person's own organisation's and the person's. */
const seesContact = (who: Who, person: Seeded) =>
  PEOPLE[who].role === "coordinator" ||
  (person.org !== null && PEOPLE[who].org === person.org) ||
  person.username === who;

const readsEverything = (who: Who) => PEOPLE[who].role === "coordinator" || PEOPLE[who].role === "observer";

type Row = Record<string, unknown>;
/** The seeded records of a kind (of one organisation) `who` may see, or all of them. */
type Visible = (kind: Kind, org?: string, all?: boolean) => Seeded[];

interface ReadCase {
  readonly path: string;
  readonly check: (who: Who, response: Response, visible: Visible) => Promise<void>;
}

const rows = (value: unknown) => value as Row[];
const keys = (records: readonly Seeded[]) => records.map((r) => r.key).sort();
const keysOf = (list: unknown, key: (row: Row) => unknown = (row) => row.id) =>
  rows(list)
    .map((row) => String(key(row)))
    .sort();
const calendarKey = (row: Row) => `${row.org_id}/${row.region_id}`;
const byName = (row: Row) => row.name;

async function json(response: Response, label: string): Promise<Row> {
  const text = await response.text();
  assert.equal(response.status, 200, `${label}: ${text}`);
  return JSON.parse(text) as Row;
}

/** The latest of the given reports per organisation (one region here). */
function latest(reports: readonly Seeded[]): Seeded[] {
  const byOrg = new Map<string | null, Seeded>();
  for (const r of [...reports].sort((x, y) => String(x.asOf).localeCompare(String(y.asOf))))
    byOrg.set(r.org, r);
  return [...byOrg.values()];
}

/** Each person's e-mail address and login are there for who may see them, null for the others. */
function checkContacts(who: Who, people: unknown, visible: Visible, label: string): void {
  for (const row of rows(people)) {
    const seeded = visible("person").find((p) => p.key === row.name) as Seeded;
    const contact = seesContact(who, seeded);
    assert.equal(row.email, contact ? (seeded.email ?? null) : null, `${label}: e-mail of ${row.name}`);
    assert.equal(row.username, contact ? (seeded.username ?? null) : null, `${label}: login of ${row.name}`);
  }
}

function listCase(path: string, kind: Kind, key?: (row: Row) => unknown, org?: string): ReadCase {
  return {
    path,
    check: async (who, response, visible) => {
      const page = await json(response, `${who} ${path}`);
      assert.equal(page.next, null, `${who} ${path}: one page`);
      const list = page.items;
      assert.deepEqual(keysOf(list, key), keys(visible(kind, org)), `${who} ${path}`);
      if (kind === "person") checkContacts(who, list, visible, `${who} ${path}`);
    },
  };
}

function orgCase(org: OrgId): ReadCase {
  const path = `/api/rollout/orgs/${org}`;
  return {
    path,
    check: async (who, response, visible) => {
      if (visible("org", org).length === 0) {
        assert.equal(response.status, 404, `${who} ${path}`);
        return;
      }
      const view = await json(response, `${who} ${path}`);
      const label = `${who} ${path}`;
      assert.deepEqual(keysOf(view.people, byName), keys(visible("person", org)), `${label}: people`);
      checkContacts(who, view.people, visible, label);
      assert.deepEqual(
        keysOf(view.timeline, calendarKey),
        keys(visible("calendar", org)),
        `${label}: calendar`,
      );
      assert.deepEqual(keysOf(view.commitments), keys(visible("commitment", org)), `${label}: commitments`);
      // Their first pages, newest first: the seeded programme fits in one.
      const page = (list: unknown) => {
        assert.equal((list as { next: unknown }).next, null, `${label}: one page`);
        return (list as { items: unknown }).items;
      };
      assert.deepEqual(keysOf(page(view.reports)), keys(visible("report", org)), `${label}: reports`);
      assert.deepEqual(keysOf(page(view.noise)), keys(visible("noise", org)), `${label}: noise`);
      const standing = latest(visible("report", org))[0]?.adoption ?? null;
      for (const c of rows(view.commitments))
        assert.equal(c.current, standing, `${label}: standing of ${c.id}`);
    },
  };
}

const CASES: ReadCase[] = [
  {
    path: "/api/rollout/me",
    check: async (who, response) => {
      const me = await json(response, `${who} me`);
      assert.deepEqual(me, { username: who, role: PEOPLE[who].role, org_id: PEOPLE[who].org });
    },
  },
  {
    path: "/api/rollout/programme",
    check: async (who, response, visible) => {
      const view = await json(response, `${who} programme`);
      const label = `${who} programme`;
      // One page holds the seeded programme's organisations, each with what concerns it.
      assert.equal(view.next, null, `${label}: one page`);
      const items = rows(view.items);
      const all = (part: string) => items.flatMap((item) => rows(item[part]));
      assert.deepEqual(keysOf(items.map((item) => item.org)), keys(visible("org")), `${label}: orgs`);
      const shown = (records: readonly Seeded[]) =>
        records.filter((r) => r.org !== null && visible("org", r.org).length > 0);
      assert.deepEqual(
        keysOf(all("timeline"), calendarKey),
        keys(shown(visible("calendar"))),
        `${label}: timeline`,
      );
      assert.deepEqual(
        keysOf(all("silent"), calendarKey),
        keys(shown(visible("calendar"))),
        `${label}: silent`,
      );
      assert.equal((view.silent as Row).count, visible("calendar").length, `${label}: silent counted`);
      assert.deepEqual(
        keysOf(all("commitments")),
        keys(shown(visible("commitment"))),
        `${label}: commitments`,
      );
      assert.deepEqual(keysOf(all("latest")), keys(shown(latest(visible("report")))), `${label}: latest`);
      for (const c of all("commitments")) {
        const standing = latest(visible("report", String(c.org_id)))[0]?.adoption ?? null;
        assert.equal(c.current, standing, `${label}: standing of commitment ${c.id}`);
      }
      const days = (rows: readonly Seeded[]) => [...new Set(rows.map((r) => r.asOf))].sort();
      assert.deepEqual(
        rows(view.national).map((p) => p.day),
        days(visible("report")),
        `${label}: national curve`,
      );
      const noisy = rows(view.noise).flatMap((n) =>
        rows(n.days)
          .filter((d) => Number(d.records) > 0)
          .map((d) => d.day),
      );
      assert.deepEqual(noisy.sort(), days(visible("noise")), `${label}: noise`);
      assert.deepEqual(Object.keys(view.settings as Row).sort(), [
        "noise_alert_per_day",
        "report_every_days",
      ]);
    },
  },
  {
    path: "/api/rollout/settings",
    check: async (who, response) => {
      assert.equal(response.status, readsEverything(who) ? 200 : 403, `${who} settings`);
    },
  },
  listCase("/api/rollout/orgs", "org"),
  orgCase("a"),
  orgCase("b"),
  orgCase("h"),
  listCase("/api/rollout/people", "person", byName),
  listCase("/api/rollout/documents", "document"),
  listCase("/api/rollout/calendar", "calendar", calendarKey),
  listCase("/api/rollout/commitments", "commitment"),
  listCase("/api/rollout/reports", "report"),
  listCase("/api/rollout/reports?org=h", "report", undefined, "h"),
  listCase("/api/rollout/noise", "noise"),
  listCase("/api/rollout/noise?org=a", "noise", undefined, "a"),
  {
    path: "/api/rollout/regions",
    check: async (who, response) => {
      assert.deepEqual(keysOf((await json(response, `${who} regions`)).items), ["r1"]);
    },
  },
];

/** A console page shows the markers of the records of `kinds` (of `org`) its reader may see, and no other. */
function pageCase(path: string, kinds: readonly Kind[], org?: OrgId): ReadCase {
  return {
    path,
    check: async (who, response, visible) => {
      const body = await response.text();
      if (org && visible("org", org).length === 0) {
        assert.equal(response.status, 404, `${who} ${path}`);
        return;
      }
      assert.equal(response.status, 200, `${who} ${path}`);
      for (const kind of kinds) {
        const shown = new Set(visible(kind, org));
        for (const record of visible(kind, org, true))
          if (record.marker)
            assert.equal(
              body.includes(record.marker),
              shown.has(record),
              `${who} ${path}: ${kind} ${record.marker}`,
            );
      }
      assert.doesNotMatch(body, /@example\.org/, `${who} ${path}: no e-mail address on a page`);
    },
  };
}

const PAGES: ReadCase[] = [
  pageCase("/console/rollout", ["org", "document", "calendar", "commitment"]),
  ...(Object.keys(ORGS) as OrgId[]).map((org) =>
    pageCase(`/console/rollout/orgs/${org}`, ["calendar", "commitment", "report", "noise", "person"], org),
  ),
];

test("every GET route and console page × every role: each sees exactly the records the read rule gives it", async (t) => {
  const served = await serveProgramme(t, seed);
  // The accounts' own people are in the programme too.
  const records: Seeded[] = [
    ...served.seeded,
    ...Object.entries(PEOPLE)
      .filter(([, p]) => p.role !== null)
      .map(([name, p]): Seeded => ({ kind: "person", key: name, org: p.org, public: null, username: name })),
  ];
  let hidden = 0;
  for (const who of Object.keys(PEOPLE) as Who[]) {
    const visible: Visible = (kind, org, all = false) =>
      records.filter((r) => r.kind === kind && (org === undefined || r.org === org) && (all || sees(who, r)));
    hidden += records.filter((r) => !sees(who, r)).length;
    for (const c of [...CASES, ...PAGES])
      await c.check(who, await served.request(who, "GET", c.path), visible);
    for (const doc of visible("document", undefined, true)) {
      const file = await served.request(who, "GET", `/api/rollout/documents/${doc.key}/file`);
      const label = `${who}: file of ${doc.marker}`;
      if (sees(who, doc)) assert.equal(await file.text(), doc.marker, label);
      else assert.equal(file.status, 404, label);
    }
  }
  assert.ok(hidden > 50, `only ${hidden} records were hidden from someone`);
  for (const c of [...CASES, ...PAGES]) {
    const anonymous = await served.request(null, "GET", c.path);
    assert.equal(anonymous.status, c.path.startsWith("/api/") ? 401 : 302, `anonymous ${c.path}`);
  }
});

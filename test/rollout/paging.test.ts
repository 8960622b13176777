import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Day } from "../../src/core/index.js";
import {
  createOrg,
  createRegion,
  EVERYTHING,
  enterReport,
  LOCAL_ADMIN,
  listCalendar,
  listOrgs,
  listReports,
  type Page,
  type PageRequest,
  PHASES,
  pageCalendar,
  pageOrgs,
  pageReports,
  pageRequest,
  phaseOf,
  setCalendarEntry,
  updateOrg,
} from "../../src/rollout/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const TODAY = "2021-06-01" as Day;
const ORGS = ["a", "b", "c"] as const;
const REGIONS = ["r1", "r2"] as const;

const dayArb = fc
  .integer({ min: 0, max: 40 })
  .map((n) => new Date(Date.UTC(2021, 3, 1 + n)).toISOString().slice(0, 10) as Day);

const reportArb = fc.record({
  org_id: fc.constantFrom(...ORGS),
  region: fc.constantFrom(...REGIONS),
  as_of: dayArb,
  phase: fc.constantFrom(...PHASES),
});

/** Dates in the order the calendar requires: notify ≤ observe ≤ enforce. */
const calendarArb = fc
  .record({
    org_id: fc.constantFrom(...ORGS),
    region_id: fc.constantFrom(...REGIONS),
    days: fc.array(dayArb, { minLength: 3, maxLength: 3 }).map((days) => days.sort()),
    notify: fc.boolean(),
    observe: fc.boolean(),
  })
  .map(({ org_id, region_id, days: [notify, observe, enforce], ...has }) => ({
    org_id,
    region_id,
    ...(has.notify && { notify_from: notify }),
    ...(has.observe && { observe_from: observe }),
    enforce_from: enforce as Day,
  }));

const filterArb = fc.record(
  {
    org: fc.constantFrom(...ORGS),
    region: fc.constantFrom(...REGIONS),
    phase: fc.constantFrom(...PHASES),
    from: dayArb,
    to: dayArb,
  },
  { requiredKeys: [] },
);

let stores = 0;
function programme(t: { after: (fn: () => void) => void }, names: readonly string[]): Store {
  const store = openStore(tempDir(t as never, `rollout-paging-${++stores}`));
  t.after(() => store.close());
  // Organisations share names, so the order's tie-break (the id) decides between them.
  ORGS.forEach((id, i) => {
    createOrg(store, LOCAL_ADMIN, { id, name: names[i] as string, type: "isp" });
  });
  for (const id of REGIONS) createRegion(store, LOCAL_ADMIN, { id, name: `Region ${id}` });
  return store;
}

/** Every item of every page, following `next` until it is null. */
function walk<T>(read: (request: PageRequest) => Page<T>, base: PageRequest): T[] {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const query: Record<string, string> = { limit: String(base.limit) };
    if (cursor !== null) query.cursor = cursor;
    for (const name of ["org", "region", "phase", "from", "to", "q", "sort"] as const) {
      const value = base[name];
      if (value !== undefined) query[name] = value;
    }
    const page = read(pageRequest(query, ["org", "region", "phase", "from", "to", "q"], "test", TODAY));
    assert.ok(page.items.length <= base.limit, "a page holds at most its limit");
    out.push(...page.items);
    if (page.next === null) return out;
    assert.ok(page.items.length > 0, "a page that promises more is not empty");
    cursor = page.next;
  }
  throw new Error("pages never ended");
}

type Filter = Partial<Pick<PageRequest, "org" | "region" | "phase" | "from" | "to">>;

/** Whether a row's organisation, region, phase and date pass the filter, worked out here in JS. */
const passes = (f: Filter, row: { org: string; region: string; phase: string; day: Day }) =>
  (f.org === undefined || row.org === f.org) &&
  (f.region === undefined || row.region === f.region) &&
  (f.phase === undefined || row.phase === f.phase) &&
  (f.from === undefined || row.day >= f.from) &&
  (f.to === undefined || row.day <= f.to);

test("walking all pages of reports yields every matching report exactly once, in the list's order", (t) => {
  fc.assert(
    fc.property(
      fc.array(reportArb, { maxLength: 40 }),
      fc.integer({ min: 1, max: 7 }),
      filterArb,
      fc.boolean(),
      (reports, limit, filter, newest) => {
        const store = programme(t, ["Same", "Same", "Other"]);
        for (const r of reports) enterReport(store, LOCAL_ADMIN, r);
        const expected = listReports(store, LOCAL_ADMIN).filter((r) =>
          passes(filter, { org: r.org_id, region: r.region_id, phase: r.phase, day: r.as_of }),
        );
        if (newest) expected.reverse();
        const walked = walk((request) => pageReports(store, LOCAL_ADMIN, request), {
          ...EVERYTHING(TODAY),
          limit,
          ...filter,
          ...(newest && { sort: "newest" }),
        });
        assert.deepEqual(walked, expected);
      },
    ),
    { numRuns: 40 },
  );
});

test("walking the calendar's pages filters by the phase each entry is in today", (t) => {
  fc.assert(
    fc.property(
      fc.array(calendarArb, { maxLength: 8 }),
      fc.integer({ min: 1, max: 4 }),
      filterArb,
      (entries, limit, filter) => {
        const store = programme(t, ["A", "B", "C"]);
        for (const e of entries) setCalendarEntry(store, LOCAL_ADMIN, e);
        const expected = listCalendar(store, LOCAL_ADMIN).filter((e) =>
          passes(filter, {
            org: e.org_id,
            region: e.region_id,
            phase: phaseOf(e, TODAY),
            day: e.enforce_from,
          }),
        );
        const walked = walk((request) => pageCalendar(store, LOCAL_ADMIN, request), {
          ...EVERYTHING(TODAY),
          limit,
          ...filter,
        });
        assert.deepEqual(walked, expected);
      },
    ),
    { numRuns: 30 },
  );
});

test("organisations with the same name come in id order, each once, and filter by their calendar's region", (t) => {
  const store = programme(t, ["Same", "Same", "Same"]);
  setCalendarEntry(store, LOCAL_ADMIN, { org_id: "c", region_id: "r2", enforce_from: "2021-01-01" });
  setCalendarEntry(store, LOCAL_ADMIN, { org_id: "a", region_id: "r2", enforce_from: "2022-01-01" });
  const ids = (request: PageRequest) =>
    walk((r) => pageOrgs(store, LOCAL_ADMIN, r), request).map((o) => o.id);
  assert.deepEqual(ids({ ...EVERYTHING(TODAY), limit: 1 }), ["a", "b", "c"]);
  assert.deepEqual(
    ids({ ...EVERYTHING(TODAY), limit: 1 }),
    listOrgs(store, LOCAL_ADMIN).map((o) => o.id),
  );
  assert.deepEqual(ids({ ...EVERYTHING(TODAY), limit: 2, region: "r2" }), ["a", "c"]);
  assert.deepEqual(ids({ ...EVERYTHING(TODAY), limit: 2, phase: "enforce" }), ["c"]);
  assert.deepEqual(ids({ ...EVERYTHING(TODAY), limit: 2, phase: "planned" }), ["a"]);
});

test("organisations sort by size, largest first and unknown sizes last, and are found by part of the name or id", (t) => {
  const store = programme(t, ["Norte Net", "Sul Fibra", "Leste Net"]);
  updateOrg(store, LOCAL_ADMIN, "a", { subscribers: 10 });
  updateOrg(store, LOCAL_ADMIN, "c", { subscribers: 500 });
  createOrg(store, LOCAL_ADMIN, { id: "d", name: "Oeste", type: "isp", subscribers: 10 });
  const ids = (request: Partial<PageRequest>) =>
    walk((r) => pageOrgs(store, LOCAL_ADMIN, r), { ...EVERYTHING(TODAY), limit: 1, ...request }).map(
      (o) => o.id,
    );
  assert.deepEqual(ids({ sort: "subscribers" }), ["c", "d", "a", "b"]);
  assert.deepEqual(ids({ sort: "id" }), ["a", "b", "c", "d"]);
  assert.deepEqual(ids({ q: "net" }), ["c", "a"]);
  assert.deepEqual(ids({ q: "D" }), ["d"]);
  assert.throws(
    () => pageOrgs(store, LOCAL_ADMIN, { ...EVERYTHING(TODAY), sort: "size" }),
    /cannot be sorted by size \(it takes id, subscribers\)/,
  );
  const first = pageOrgs(store, LOCAL_ADMIN, { ...EVERYTHING(TODAY), limit: 1, sort: "subscribers" });
  const cursor = pageRequest({ cursor: first.next }, [], "organisations", TODAY).after;
  assert.throws(
    () => pageOrgs(store, LOCAL_ADMIN, { ...EVERYTHING(TODAY), limit: 1, after: cursor }),
    /in this order/,
  );
});

test("a page request refuses what it cannot honour, in one line", () => {
  const refuse = (query: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => pageRequest(query, ["org", "from"], "people", TODAY), message);
  refuse({ limit: "0" }, /limit must be a whole number from 1 to 5000/);
  refuse({ limit: "5001" }, /limit must be a whole number/);
  refuse({ limit: "ten" }, /limit must be a whole number/);
  refuse({ phase: "enforce" }, /people cannot be filtered by phase \(it takes org, from\)/);
  refuse({ from: "2021-02-30" }, /from must be a date YYYY-MM-DD/);
  refuse({ cursor: "not-a-cursor" }, /cursor is not one this list gave/);
  refuse({ org: ["a", "b"] }, /org is given more than once/);
  assert.equal(pageRequest({}, [], "regions", TODAY).limit, 500);
});

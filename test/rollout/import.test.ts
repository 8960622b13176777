import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  createPerson,
  createRegion,
  getOrg,
  IMPORT_HEADERS,
  importCsv,
  LOCAL_ADMIN,
  listCalendar,
  listReports,
  PHASES,
} from "../../src/rollout/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { snapshot } from "./helpers.js";

/** A CSV cell as a spreadsheet writes it: quoted when it holds a comma or a quote. */
const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const csv = (header: readonly string[], rows: readonly Record<string, unknown>[]) =>
  [header.join(","), ...rows.map((row) => header.map((column) => csvCell(row[column])).join(","))].join(
    "\r\n",
  );

let stores = 0;
function programme(t: { after: (fn: () => void) => void }): Store {
  const store = openStore(tempDir(t as never, `rollout-import-${++stores}`));
  t.after(() => store.close());
  for (const id of ["r1", "r2"]) createRegion(store, LOCAL_ADMIN, { id, name: id });
  createPerson(store, LOCAL_ADMIN, { name: "Ana Coordinator", role: "coordinator" });
  return store;
}

const orgArb = fc.record({
  id: fc.constantFrom("a", "b", "c"),
  name: fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((s) => s.trim() === s && s.trim().length > 0 && !/[\r\n]/.test(s)),
  type: fc.constantFrom("isp", "regulator"),
  subscribers: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
  public: fc.boolean(),
});
const dayArb = fc.integer({ min: 1, max: 28 }).map((d) => `2026-02-${String(d).padStart(2, "0")}`);
const reportArb = fc.record({
  org: fc.constantFrom("a", "b", "c"),
  region: fc.constantFrom("r1", "r2"),
  as_of: dayArb,
  phase: fc.constantFrom(...PHASES),
  adoption_pct: fc.option(
    fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
    { nil: null },
  ),
  listed_ips: fc.option(fc.nat(100), { nil: null }),
  submission_offered: fc.option(fc.boolean(), { nil: null }),
  public: fc.boolean(),
});

test("organisations and reports read back as the file has them, and a second import changes nothing", (t) => {
  fc.assert(
    fc.property(
      fc.uniqueArray(orgArb, { selector: (o) => o.id, minLength: 3, maxLength: 3 }),
      fc.array(reportArb, { maxLength: 12 }),
      (orgs, reports) => {
        const store = programme(t);
        const file = { file: "x.csv", by: "Ana Coordinator" };
        const orgCsv = csv(IMPORT_HEADERS.orgs, orgs);
        assert.equal(importCsv(store, LOCAL_ADMIN, "orgs", orgCsv, file).added, 3);
        for (const o of orgs) {
          const { id, name, type, subscribers, public: shown } = getOrg(store, o.id);
          assert.deepEqual({ id, name, type, subscribers, public: shown }, { ...o });
        }
        const reportCsv = csv(IMPORT_HEADERS.reports, reports);
        importCsv(store, LOCAL_ADMIN, "reports", reportCsv, file);
        const distinct = new Set(reports.map((r) => JSON.stringify(r))).size;
        const stored = listReports(store, LOCAL_ADMIN);
        assert.equal(stored.length, distinct);
        for (const r of stored) {
          assert.equal(r.submitted_by, "Ana Coordinator");
          assert.ok(
            reports.some(
              (want) =>
                want.org === r.org_id &&
                want.region === r.region_id &&
                want.as_of === r.as_of &&
                want.phase === r.phase &&
                want.adoption_pct === r.adoption_pct &&
                want.listed_ips === r.listed_ips &&
                want.submission_offered === r.submission_offered &&
                want.public === r.public,
            ),
          );
        }
        const before = snapshot(store);
        assert.deepEqual(importCsv(store, LOCAL_ADMIN, "orgs", orgCsv, file), {
          added: 0,
          changed: 0,
          unchanged: 3,
        });
        assert.equal(importCsv(store, LOCAL_ADMIN, "reports", reportCsv, file).added, 0);
        assert.equal(snapshot(store), before);
      },
    ),
    { numRuns: 25 },
  );
});

test("a calendar file replaces entries that differ and leaves the rest", (t) => {
  const store = programme(t);
  importCsv(store, LOCAL_ADMIN, "orgs", "id,name,type,subscribers,public\na,A,isp,,\nb,B,isp,10,false\n", {
    file: "o.csv",
  });
  const header = IMPORT_HEADERS.calendar.join(",");
  const first = `${header}\na,r1,2026-01-01,,2026-03-01\nb,r1,,,2026-04-01\n`;
  assert.deepEqual(importCsv(store, LOCAL_ADMIN, "calendar", first, { file: "c.csv" }), {
    added: 2,
    changed: 0,
    unchanged: 0,
  });
  const second = `${header}\na,r1,2026-01-01,,2026-03-01\nb,r1,,2026-03-15,2026-04-01\n`;
  assert.deepEqual(importCsv(store, LOCAL_ADMIN, "calendar", second, { file: "c.csv" }), {
    added: 0,
    changed: 1,
    unchanged: 1,
  });
  assert.equal(listCalendar(store, LOCAL_ADMIN, { orgId: "b" })[0]?.observe_from, "2026-03-15");
});

test("a bad line is named FILE:LINE and nothing of the file is written", (t) => {
  const store = programme(t);
  importCsv(store, LOCAL_ADMIN, "orgs", "id,name,type,subscribers,public\na,A,isp,,\n", { file: "o.csv" });
  const before = snapshot(store);
  const calendar = IMPORT_HEADERS.calendar.join(",");
  const reports = IMPORT_HEADERS.reports.join(",");
  const refused = (kind: "orgs" | "calendar" | "reports", text: string, message: RegExp, by?: string) => {
    assert.throws(
      () => importCsv(store, LOCAL_ADMIN, kind, text, { file: "in.csv", ...(by && { by }) }),
      message,
    );
    assert.equal(snapshot(store), before);
  };
  refused(
    "calendar",
    `${calendar}\na,r1,,,2026-03-01\na,norte,,,2026-03-01\n`,
    /^RolloutError: in\.csv:3: unknown region "norte" \(add it with porteiro rollout region add first\)$/,
  );
  refused("calendar", `${calendar}\nzz,r1,,,2026-03-01\n`, /in\.csv:2: unknown organisation "zz"/);
  refused(
    "orgs",
    "id,name,type\na,A,isp\n",
    /in\.csv:1: the header must be id,name,type,subscribers,public \(missing subscribers, public\)/,
  );
  refused(
    "orgs",
    "id,name,type,subscribers,public\nb,B,isp,many,\n",
    /in\.csv:2: subscribers: expected a number, not many/,
  );
  refused("orgs", 'id,name,type,subscribers,public\nb,"B,isp,,\n', /in\.csv:2: a quote is not closed/);
  refused("orgs", "id,name,type,subscribers,public\nb,B,isp,1\n", /in\.csv:2: 4 fields, the header has 5/);
  refused("reports", `${reports}\na,r1,2026-02-30,enforce,,,,,,,,\n`, /in\.csv:2: .*date/, "Ana Coordinator");
  refused("reports", `${reports}\na,r1,2026-02-03,enforce,,,,,,,,\n`, /no coordinator named "Bob"/, "Bob");
  refused("orgs", "", /in\.csv: empty, expected the header/);
});

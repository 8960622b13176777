import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Day } from "../../src/core/index.js";
import {
  ANYONE,
  COMMITMENT_STATES,
  commitmentCounts,
  commitmentStatus,
  createCommitment,
  createOrg,
  createRegion,
  enterReport,
  LOCAL_ADMIN,
  listCalendar,
  listCommitments,
  listOrgs,
  listReports,
  nationalCurve,
  nationalSeries,
  PHASES,
  phaseOf,
  regionFigures,
  setCalendarEntry,
  silentEntries,
  silentReporters,
  updateOrg,
} from "../../src/rollout/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const TODAY = "2021-06-01" as Day;
const ORGS = ["a", "b", "c"] as const;
const REGIONS = ["r1", "r2"] as const;
const dayArb = fc
  .integer({ min: 0, max: 90 })
  .map((n) => new Date(Date.UTC(2021, 2, 1 + n)).toISOString().slice(0, 10) as Day);

const programmeArb = fc.record({
  sizes: fc.tuple(...ORGS.map(() => fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }))),
  hidden: fc.constantFrom(...ORGS),
  calendar: fc.array(
    fc.record({
      org_id: fc.constantFrom(...ORGS),
      region_id: fc.constantFrom(...REGIONS),
      days: fc.array(dayArb, { minLength: 2, maxLength: 2 }).map((d) => d.sort()),
    }),
    { maxLength: 6 },
  ),
  reports: fc.array(
    fc.record({
      org_id: fc.constantFrom(...ORGS),
      region: fc.constantFrom(...REGIONS),
      as_of: dayArb,
      phase: fc.constantFrom(...PHASES),
      adoption_pct: fc.option(
        fc.oneof(
          fc.double({ min: 0, max: 100, noNaN: true }),
          fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
        ),
        { nil: undefined },
      ),
      listed_ips: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      complaints: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      public: fc.boolean(),
    }),
    { minLength: 10, maxLength: 25 },
  ),
  commitments: fc.array(
    fc.record({
      org_id: fc.constantFrom(...ORGS),
      kind: fc.constantFrom("adoption_pct", "port25_blocked_region", "submission_offered"),
      region_id: fc.option(fc.constantFrom(...REGIONS), { nil: undefined, freq: 2 }),
      target: fc.integer({ min: 0, max: 40 }),
      due: fc.constantFrom("2021-04-01", "2021-07-01"),
    }),
    { maxLength: 5 },
  ),
  /** Figures are read after this many reports too, so those kept up to date are seen to change. */
  readAfter: fc.nat({ max: 25 }),
  resized: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
});

let runs = 0;

test("the coordinator's SQL figures agree with the reports read one by one, for the coordinator and the public", (t) => {
  fc.assert(
    fc.property(programmeArb, (programme) => {
      const store = openStore(tempDir(t, `rollout-coordinator-${++runs}`));
      t.after(() => store.close());
      ORGS.forEach((id, i) => {
        createOrg(store, LOCAL_ADMIN, {
          id,
          name: id,
          type: "isp",
          subscribers: programme.sizes[i] ?? null,
          public: id !== programme.hidden,
        });
      });
      for (const id of REGIONS) createRegion(store, LOCAL_ADMIN, { id, name: id });
      for (const e of programme.calendar)
        setCalendarEntry(store, LOCAL_ADMIN, {
          org_id: e.org_id,
          region_id: e.region_id,
          notify_from: e.days[0],
          enforce_from: e.days[1],
        });
      for (const c of programme.commitments)
        createCommitment(store, LOCAL_ADMIN, {
          ...c,
          region_id: c.kind === "port25_blocked_region" ? (c.region_id ?? "r1") : c.region_id,
        });
      programme.reports.forEach((r, i) => {
        if (i === programme.readAfter) {
          nationalCurve(store, LOCAL_ADMIN);
          updateOrg(store, LOCAL_ADMIN, "a", { subscribers: programme.resized });
        }
        enterReport(store, LOCAL_ADMIN, { ...r, submission_offered: r.public });
      });

      for (const reader of [LOCAL_ADMIN, ANYONE]) {
        const expected = nationalSeries(listReports(store, reader), listOrgs(store, reader));
        const curve = nationalCurve(store, reader);
        assert.deepEqual(
          curve.map(({ adoption_pct: _, ...rest }) => rest),
          expected.map(({ adoption_pct: _, ...rest }) => rest),
        );
        curve.forEach((point, i) => {
          const want = expected[i]?.adoption_pct ?? null;
          if (want === null || point.adoption_pct === null) assert.equal(point.adoption_pct, want);
          // Sums in another order may round the last digit the other way.
          else
            assert.ok(
              Math.abs(point.adoption_pct - want) <= 0.1 + 1e-9,
              `${point.day}: ${point.adoption_pct} ≠ ${want}`,
            );
        });
      }

      const calendar = listCalendar(store, LOCAL_ADMIN);
      for (const region of regionFigures(store, LOCAL_ADMIN, TODAY)) {
        const entries = calendar.filter((e) => e.region_id === region.id);
        for (const phase of PHASES)
          assert.equal(
            region[phase],
            entries.filter((e) => phaseOf(e, TODAY) === phase).length,
            `${region.id} ${phase}`,
          );
        assert.equal(region.switch_day, entries.map((e) => e.enforce_from).sort()[0] ?? null);
      }

      const reports = listReports(store, LOCAL_ADMIN);
      const states = listCommitments(store, LOCAL_ADMIN).map(
        (c) => commitmentStatus(c, reports, TODAY).state,
      );
      assert.deepEqual(
        commitmentCounts(store, LOCAL_ADMIN, TODAY),
        Object.fromEntries(
          COMMITMENT_STATES.map((state) => [state, states.filter((s) => s === state).length]),
        ),
      );

      const silent = silentReporters(calendar, listReports(store, LOCAL_ADMIN), TODAY, 14);
      const sql = silentEntries(store, LOCAL_ADMIN, TODAY, 14, 1000);
      assert.equal(sql.count, silent.length);
      const key = (s: { org_id: string; region_id: string; last_report: string | null }) =>
        `${s.org_id} ${s.region_id} ${s.last_report}`;
      assert.deepEqual(sql.first.map(key).sort(), silent.map(key).sort());
    }),
    { numRuns: 40 },
  );
});

test("a region's adoption weighs each organisation's latest report by its subscribers", (t) => {
  const store = openStore(tempDir(t, "rollout-coordinator-weights"));
  t.after(() => store.close());
  createOrg(store, LOCAL_ADMIN, { id: "big", name: "Big", type: "isp", subscribers: 9000 });
  createOrg(store, LOCAL_ADMIN, { id: "small", name: "Small", type: "isp", subscribers: 1000 });
  createRegion(store, LOCAL_ADMIN, { id: "r1", name: "One" });
  const report = (org_id: string, as_of: string, adoption_pct: number) =>
    enterReport(store, LOCAL_ADMIN, { org_id, region: "r1", as_of, phase: "enforce", adoption_pct });
  report("big", "2021-01-01", 10);
  report("big", "2021-02-01", 50);
  report("small", "2021-02-01", 100);
  const [region] = regionFigures(store, LOCAL_ADMIN, TODAY);
  assert.equal(region?.adoption_pct, 55);
  assert.equal(region?.reporting, 2);
});

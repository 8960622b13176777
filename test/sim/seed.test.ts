import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { addDays, createLogger, type Day } from "../../src/core/index.js";
import { DEFAULT_THRESHOLDS, directSenders, submissionAdoption } from "../../src/flows/index.js";
import { SqliteFlowStore } from "../../src/flows/store/index.js";
import { loadPlan, type Plan } from "../../src/plan/index.js";
import { countListed, planGrouping, readSnapshot } from "../../src/reputation/index.js";
import { dayFlows } from "../../src/sim/day-flows.js";
import { buildWorld, HISTORY_DAYS, type SimOptions, seedSyntheticIsp } from "../../src/sim/index.js";
import { openStore, type Store } from "../../src/store/index.js";

const END = "2026-11-28" as Day;
const SIM: SimOptions = { seed: 2009, scale: 0.01, endDay: END };
const dir = mkdtempSync(join(tmpdir(), "porteiro-sim-"));
const planFile = join(dir, "demo", "plan.yaml");
const logger = createLogger("sim-test");
logger.level = "warn";
after(() => rmSync(dir, { recursive: true, force: true }));

async function seed(store: Store, signal = new AbortController().signal, onStep?: (step: string) => void) {
  await seedSyntheticIsp(
    { store, dataDir: dir, planFile, logger },
    { signal, sim: SIM, onProgress: ({ step }) => onStep?.(step) },
  );
}

const dayMs = (day: Day) => Date.parse(`${day}T00:00:00Z`);
const count = (store: Store, sql: string, ...params: unknown[]) =>
  store
    .prepare(sql)
    .pluck()
    .get(...params) as number;

async function directCount(
  store: Store,
  plan: Plan,
  region: string,
  from: Day,
  days: number,
): Promise<number> {
  return (
    await directSenders(new SqliteFlowStore(store), plan, {
      window: { sinceMs: dayMs(from), untilMs: dayMs(addDays(from, days)) },
      region,
      thresholds: DEFAULT_THRESHOLDS,
      exceptionsOn: from,
    })
  ).length;
}

function listedInIsp(store: Store, plan: Plan, date: string): number {
  const set = readSnapshot(store, dir, "cbl", date);
  assert.ok(set, `no cbl snapshot on ${date}`);
  const grouping = planGrouping(plan, "isp");
  return countListed(set, grouping).listed[grouping.keys.indexOf(plan.isp.name)] as number;
}

test("an interrupted seed resumes, the story holds in the data, and a second seed adds nothing", async () => {
  const store = openStore(dir);
  try {
    // Stop in the middle of the flows, then start again.
    const abort = new AbortController();
    await seed(store, abort.signal, (step) => {
      if (step.includes("flows 2026-03")) abort.abort();
    });
    const partial = count(store, "SELECT count(*) FROM flow_hours");
    assert.ok(partial > 0);
    await seed(store);

    // Every day's flows went through the decoder exactly once.
    const world = buildWorld(SIM);
    let expected = 0;
    for (let day = 0; day < HISTORY_DAYS; day++) {
      expected += dayFlows(world.isp, world.population, world.sessions, SIM, day).length;
    }
    assert.equal(count(store, "SELECT sum(flows) FROM flow_hours"), expected);

    const plan = loadPlan(planFile).plan;
    // Direct-to-MX senders collapse after each region that enforced within the year does.
    let before = 0;
    let afterwards = 0;
    for (const region of plan.regions.filter((r) => r.enforceFrom < addDays(END, -35))) {
      const regionBefore = await directCount(store, plan, region.id, addDays(region.enforceFrom, -28), 28);
      const regionAfter = await directCount(store, plan, region.id, addDays(region.enforceFrom, 30), 28);
      assert.ok(
        regionAfter < regionBefore,
        `${region.id}: ${regionBefore} senders before, ${regionAfter} after`,
      );
      before += regionBefore;
      afterwards += regionAfter;
    }
    assert.ok(afterwards * 4 <= before, `${before} senders before enforcement, ${afterwards} after`);
    // Listings in the ISP's space fall from the first snapshot to the last.
    const first = listedInIsp(store, plan, addDays(END, 1 - HISTORY_DAYS));
    const last = listedInIsp(store, plan, END);
    assert.ok(first > 100 && last * 4 < first, `listed: ${first} then ${last}`);
    // Complaints fall: the first eight weeks against the last eight.
    const complaints = (from: Day) =>
      count(
        store,
        "SELECT count(*) FROM complaints WHERE arrival_ms >= ? AND arrival_ms < ?",
        dayMs(from),
        dayMs(addDays(from, 56)),
      );
    const early = complaints(addDays(END, 1 - HISTORY_DAYS));
    const late = complaints(addDays(END, -55));
    assert.ok(early > 5 && late * 2 < early, `complaints: ${early} then ${late}`);
    // Adoption rises past 90% in the regions that enforce.
    const adoption = await submissionAdoption(new SqliteFlowStore(store), plan, {
      by: "region",
      interval: "month",
    });
    const enforced = new Set(plan.regions.filter((r) => r.enforceFrom <= addDays(END, -90)).map((r) => r.id));
    const share = (period: string) => {
      const rows = adoption.filter((r) => r.period === period && enforced.has(r.region ?? ""));
      const sources = rows.reduce((n, r) => n + r.sources, 0);
      return rows.reduce((n, r) => n + r.submission_only_sources, 0) / sources;
    };
    assert.ok(share("2025-12") < 0.5, `adoption in 2025-12: ${share("2025-12")}`);
    assert.ok(share("2026-10") > 0.9, `adoption in 2026-10: ${share("2026-10")}`);
    // A lease for every subscriber, and the complaints attributed to one.
    assert.ok(count(store, "SELECT count(DISTINCT subscriber) FROM subscriber_leases") >= 2400);
    assert.equal(count(store, "SELECT count(*) FROM complaints WHERE subscriber IS NULL"), 0);
    // IPv6: dual-stack machines send on 25 and 587/465 over IPv6 too, from delegated prefixes on lease.
    for (const port of [25, 587]) {
      const v6 = count(
        store,
        "SELECT count(DISTINCT source) FROM flow_hours WHERE port = ? AND source LIKE '%:%'",
        port,
      );
      assert.ok(v6 > 0, `${v6} IPv6 sources on port ${port}`);
    }
    assert.ok(
      count(store, "SELECT count(*) FROM subscriber_leases WHERE family = 6 AND prefix_length = 56") > 10,
    );
    // The national programme around the ISP: its regions, several organisations, report history.
    assert.equal(count(store, "SELECT count(*) FROM rollout_regions"), plan.regions.length);
    assert.ok(count(store, "SELECT count(*) FROM rollout_orgs") >= 5);
    assert.ok(count(store, "SELECT count(*) FROM rollout_reports") > 0);

    // A second start finds everything done.
    const tables = [
      "flow_hours",
      "subscriber_leases",
      "complaints",
      "reputation_snapshots",
      "submission_users",
      "rollout_orgs",
      "rollout_reports",
    ];
    const counts = tables.map((t) => count(store, `SELECT count(*) FROM ${t}`));
    const started = Date.now();
    await seed(store);
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(
      tables.map((t) => count(store, `SELECT count(*) FROM ${t}`)),
      counts,
    );
  } finally {
    store.close();
  }
});

/**
 * One analysis, two engines: a week of flows copied from SQLite into a private ClickHouse with
 * `porteiro flows copy` gives the same report, impact, adoption and console series, byte for byte
 * (JSON), through the library and through the CLI's --flows-store.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseDay as day, parsePrefix } from "../../../src/core/index.js";
import {
  DEFAULT_THRESHOLDS,
  directSenders,
  type FlowStore,
  flowWindowOf,
  impactOn,
  impactWindow,
  importNfdump,
  openFlowStore,
  parseFlowStoreUrl,
  SqliteFlowStore,
  submissionAdoption,
} from "../../../src/flows/index.js";
import { loadPlan } from "../../../src/plan/index.js";
import { openStore } from "../../../src/store/index.js";
import { directSendersByWeek } from "../../../src/web/console/direct-senders.js";
import { porteiro } from "../../cli/run.js";
import { tempDir } from "../../helpers/tmp.js";
import { fixtureStore } from "../fixture-store.js";
import { type PrivateClickHouse, requireClickHouse, startClickHouse } from "./clickhouse-server.js";

/** Every question the analysis asks of a store, answered as JSON text. */
async function answers(flows: FlowStore, planFile: string): Promise<Record<string, string>> {
  const { plan } = loadPlan(planFile);
  const options = { thresholds: DEFAULT_THRESHOLDS, exceptionsOn: day("2027-01-11") };
  const at = day("2027-01-11");
  const window = await impactWindow(flows, at);
  const out: Record<string, string> = {
    senders: JSON.stringify(await directSenders(flows, plan, options)),
    tuesday: JSON.stringify(
      await directSenders(flows, plan, {
        ...options,
        window: { sinceMs: Date.UTC(2027, 0, 5), untilMs: Date.UTC(2027, 0, 6) },
      }),
    ),
    norte: JSON.stringify(await directSenders(flows, plan, { ...options, region: "norte" })),
    v6: JSON.stringify(
      await directSenders(flows, plan, { ...options, source: parsePrefix("2001:db8::/32") }),
    ),
    window: JSON.stringify(window),
    impact: JSON.stringify(await impactOn(flows, plan, at, { window, thresholds: DEFAULT_THRESHOLDS })),
    // Less the partial week's end, which is the time of computing.
    byWeek: JSON.stringify({ ...(await directSendersByWeek(flows, plan)), partial: null }),
    windowed: JSON.stringify(await directSenders(flows, plan, { ...options, window: flowWindowOf(window) })),
  };
  for (const interval of ["day", "week", "month"] as const) {
    for (const by of ["region", "pool"] as const) {
      out[`adoption-${by}-${interval}`] = JSON.stringify(
        await submissionAdoption(flows, plan, { by, interval }),
      );
    }
  }
  return out;
}

describe("the analysis on SQLite and on ClickHouse", () => {
  let server: PrivateClickHouse | string | undefined;
  before(async () => {
    server = await startClickHouse();
  });
  after(async () => {
    if (typeof server === "object") await server.stop();
  });

  test("flows copy, then every report answers the same on both engines", async (t) => {
    const clickhouse = requireClickHouse(t, server);
    if (!clickhouse) return;
    const { store } = await fixtureStore(t);
    const data = store.name.replace(/\/porteiro\.db$/, "");
    // Region sul switches on the Monday after the flows' week, so the impact has people in it.
    const planFile = join(tempDir(t, "engines-plan"), "plan.yaml");
    writeFileSync(
      planFile,
      readFileSync("examples/plan.yaml", "utf8").replace(
        "enforce_from: 2026-12-01",
        "enforce_from: 2027-01-11",
      ),
    );
    const url = `clickhouse://127.0.0.1:${new URL(clickhouse.endpoint).port}/engines_agree`;

    const copied = porteiro(["flows", "copy", "--data", data, "--to", url]);
    assert.equal(copied.status, 0, copied.stderr);
    assert.match(
      copied.stdout,
      /^copied \d+ hourly aggregates \(\d+ flows\) of 1 month into clickhouse:\/\//,
    );
    // Again: everything is there already, and nothing counts twice.
    assert.equal(porteiro(["flows", "copy", "--data", data, "--to", url]).status, 0);

    const sqlite = new SqliteFlowStore(store);
    const remote = await openFlowStore(parseFlowStoreUrl(url), store);
    t.after(() => remote.close());
    assert.equal(await remote.flowCount(), await sqlite.flowCount());
    const expected = await answers(sqlite, planFile);
    assert.ok(JSON.parse(expected.senders as string).length > 0, "the fixture has senders");
    assert.ok(JSON.parse(expected.impact as string).notify.length > 0, "the impact has notices");
    assert.deepEqual(await answers(remote, planFile), expected);

    const report = (...extra: string[]) =>
      porteiro(["flows", "report", "--data", data, "--plan", planFile, "--format", "json", ...extra]);
    const local = report();
    assert.equal(local.status, 0, local.stderr);
    assert.equal(report("--flows-store", url).stdout, local.stdout);
  });

  test("an nfdump import into ClickHouse lands once, with its ledger in the data folder", async (t) => {
    const clickhouse = requireClickHouse(t, server);
    if (!clickhouse) return;
    const { store } = await fixtureStore(t);
    const data = tempDir(t, "engines-import");
    const ledger = openStore(data);
    t.after(() => ledger.close());
    const remote = await openFlowStore(clickhouse.url("engines_import"), ledger);
    t.after(() => remote.close());
    const file = "test/fixtures/flows/nfdump/mail.json";
    const imported = await importNfdump(ledger, file, { format: "nfdump-json", flows: remote });
    assert.equal(imported.kind, "imported");
    const again = await importNfdump(ledger, file, { format: "nfdump-json", flows: remote });
    assert.equal(again.kind, "same-content");
    const forced = await importNfdump(ledger, file, { format: "nfdump-json", flows: remote, force: true });
    assert.equal(forced.kind, "imported");
    assert.equal(await remote.flowCount(), await new SqliteFlowStore(store).flowCount());
    assert.deepEqual(
      await answers(remote, "examples/plan.yaml"),
      await answers(new SqliteFlowStore(store), "examples/plan.yaml"),
    );
  });

  test("an unreachable store is one line naming the URL, exit 1", (t) => {
    const data = tempDir(t, "engines-unreachable");
    openStore(data).close();
    const result = porteiro([
      "flows",
      "adoption",
      "--data",
      data,
      "--plan",
      "examples/plan.yaml",
      "--flows-store",
      "clickhouse://porteiro:secret@127.0.0.1:1/flows",
    ]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /clickhouse:\/\/porteiro:\*\*\*@127\.0\.0\.1:1\/flows/);
    assert.doesNotMatch(result.stderr, /secret|^\s+at /m);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  });
});

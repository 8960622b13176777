import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_THRESHOLDS, loadThresholds } from "../../src/flows/analysis/thresholds.js";
import { tempDir } from "../helpers/tmp.js";

/** A thresholds file as the README showed it before low_evidence existed. */
const BEFORE_LOW_EVIDENCE = `timezone: America/Sao_Paulo
bot_like:
  { min_distinct_destinations: 50, min_destinations_in_one_hour: 20, min_short_flow_share: 0.5, min_hours_of_day: 16, min_signals: 2 }
mail_client:
  { max_distinct_destinations: 5, max_flows_per_active_day: 30, office_hours_start: 8, office_hours_end: 19, min_office_hours_share: 0.6 }
server:
  { min_distinct_destinations: 20, min_active_day_share: 0.5, min_active_days: 3, max_short_flow_share: 0.2 }
`;

test("a thresholds file written before low_evidence still loads, with its defaults", (t) => {
  const file = join(tempDir(t, "thresholds"), "thresholds.yaml");
  writeFileSync(file, BEFORE_LOW_EVIDENCE);
  const loaded = loadThresholds(file);
  assert.equal(loaded.timezone, "America/Sao_Paulo");
  assert.deepEqual(loaded.low_evidence, { min_direct_flows: 6, min_hours_active: 2 });
  assert.deepEqual({ ...loaded, timezone: "UTC" }, DEFAULT_THRESHOLDS);
});

test("low_evidence keys set over the defaults; unknown ones are errors with file:line", (t) => {
  const dir = tempDir(t, "thresholds");
  const file = join(dir, "thresholds.yaml");
  writeFileSync(file, "low_evidence:\n  min_direct_flows: 10\n");
  assert.deepEqual(loadThresholds(file).low_evidence, { min_direct_flows: 10, min_hours_active: 2 });
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "server: {}\nlow_evidence:\n  min_flows: 10\n");
  assert.throws(
    () => loadThresholds(bad),
    (error: Error) => {
      assert.match(error.message, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3`));
      assert.match(error.message, /min_flows/);
      return true;
    },
  );
});

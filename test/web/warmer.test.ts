import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import { ResultCache } from "../../src/web/console/cache.js";
import { ReportThread } from "../../src/web/console/reports.js";
import { startWarmer } from "../../src/web/console/warmer.js";
import { tempDir } from "../helpers/tmp.js";

test("stopping the warmer waits for the pass under way, and no pass starts after", async () => {
  const cache = new ResultCache();
  let passes = 0;
  let inPass = false;
  cache.warmer(async () => {
    passes++;
    inPass = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    inPass = false;
  });
  const warmer = startWarmer(cache, pino({ level: "silent" }), { startDelayMs: 0, everyMs: 10 });
  while (passes === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await warmer.stop();
  assert.equal(inPass, false, "stop() resolved only after the pass ended");
  const after = passes;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(passes, after, "no pass after stop()");
});

test("a stopped report thread refuses new reports instead of starting again", async (t) => {
  const thread = new ReportThread({ dataDir: tempDir(t, "report-thread"), flowsStore: "sqlite" });
  await thread.stop();
  await assert.rejects(thread.run("adoptionByWeek", undefined, "0"), /the server is closing/);
});

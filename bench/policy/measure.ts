/**
 * The in-process porteiro side of bench/policy, run by index.ts in a fresh Node process so the
 * harness's own heap (the generator's data, the peer's output) does not weigh on it:
 *
 *   node --expose-gc --import tsx bench/policy/measure.ts PLAN DAY RUNS LIST_FILE
 *
 * Each run times loadPlan, then computePolicy + blocked.toPrefixes() (the blocked set); then the
 * nftables render of the last policy is timed as many times. With --expose-gc (index.ts passes
 * it) the previous run's garbage is collected before each timed step. Prints one JSON line;
 * writes the blocked prefixes to LIST_FILE, one a line (after the clock has stopped).
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { type Day, formatPrefix } from "../../src/core/index.js";
import { loadPlan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";

export interface Measurement {
  readonly runs: { load: number; compute: number; render: number }[];
  readonly prefixes: number;
  readonly v4: number;
  readonly sha256: string;
  readonly warnings: number;
  readonly renderedBytes: number;
}

const [planFile, day, runsText, listFile] = process.argv.slice(2);
if (!planFile || !day || !runsText || !listFile) {
  process.stderr.write("usage: measure.ts PLAN DAY RUNS LIST_FILE\n");
  process.exit(2);
}

/** Collects the previous run's garbage before a timed step (node --expose-gc), not during it. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

const runs: Measurement["runs"] = [];
let text = "";
let count = 0;
let v4 = 0;
let warnings = 0;
let policy: ReturnType<typeof computePolicy> | undefined;
for (let i = 0; i < Number(runsText); i++) {
  policy = undefined;
  collect();
  const t0 = performance.now();
  const loaded = loadPlan(planFile);
  const t1 = performance.now();
  policy = computePolicy(loaded.plan, day as Day);
  const blocked = policy.blocked.toPrefixes();
  const t2 = performance.now();
  runs.push({ load: (t1 - t0) / 1000, compute: (t2 - t1) / 1000, render: 0 });
  process.stderr.write(
    `[bench policy] porteiro run ${i + 1}/${runsText}: load ${((t1 - t0) / 1000).toFixed(3)} s, ` +
      `blocked set ${((t2 - t1) / 1000).toFixed(3)} s\n`,
  );
  text = blocked.map(formatPrefix).join("\n");
  count = blocked.length;
  v4 = blocked.filter((p) => p.family === 4).length;
  warnings = loaded.warnings.length;
}
// The renders come after, on the last policy, so their garbage does not land in the runs above.
let renderedBytes = 0;
for (const run of runs) {
  collect();
  const t0 = performance.now();
  renderedBytes = rendererFor("nftables").render(policy as NonNullable<typeof policy>).stdout.length;
  run.render = (performance.now() - t0) / 1000;
  process.stderr.write(`[bench policy] porteiro nftables render: ${run.render.toFixed(3)} s\n`);
}
writeFileSync(listFile, text === "" ? "" : `${text}\n`);
const result: Measurement = {
  runs,
  prefixes: count,
  v4,
  sha256: createHash("sha256").update(text).digest("hex"),
  warnings,
  renderedBytes,
};
process.stdout.write(`${JSON.stringify(result)}\n`);

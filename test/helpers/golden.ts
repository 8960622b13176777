import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDay } from "../../src/core/index.js";
import { loadPlan, parsePlan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const REFERENCE_PLAN = path("../../examples/plan.yaml");
/** action: drop, allow_relays_on_25: false, names with quotes, `*​/`, `$` and `\`. */
export const DROP_PLAN = path("../fixtures/plan-drop-norelays.yaml");

/** The golden cases every vendor renderer is checked on: both plans across their phases. */
export function goldenCases(format: string, extension: string) {
  return [
    { plan: REFERENCE_PLAN, day: "2026-09-01", golden: `${format}-2026-09-01.${extension}` },
    { plan: REFERENCE_PLAN, day: "2026-11-15", golden: `${format}-2026-11-15.${extension}` },
    { plan: REFERENCE_PLAN, day: "2027-03-15", golden: `${format}-2027-03-15.${extension}` },
    { plan: DROP_PLAN, day: "2026-11-15", golden: `${format}-drop-2026-11-15.${extension}` },
    { plan: DROP_PLAN, day: "2026-12-15", golden: `${format}-drop-2026-12-15.${extension}` },
  ];
}

/** Renders a plan file, or plan text, in one format on one day. */
export function renderWith(format: string) {
  const renderer = rendererFor(format);
  return {
    render: (planFile: string, day: string) =>
      renderer.render(computePolicy(loadPlan(planFile).plan, parseDay(day))).stdout,
    renderText: (planText: string, day: string) =>
      renderer.render(computePolicy(parsePlan(planText, "p.yaml").plan, parseDay(day))).stdout,
  };
}

/** Compares with the golden file, or rewrites it when UPDATE_GOLDEN=1. */
export function assertGolden(name: string, actual: string): void {
  const file = path(`../fixtures/golden/${name}`);
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, "utf8"), `${name} changed; rerun with UPDATE_GOLDEN=1 if intended`);
}

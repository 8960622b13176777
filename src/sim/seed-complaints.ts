import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importComplaints } from "../complaints/index.js";
import type { Plan } from "../plan/index.js";
import { arfReport } from "./arf-report.js";
import { DAY_MS, dayOf, dayStartMs } from "./options.js";
import { spamsOn } from "./population.js";
import { Random } from "./random.js";
import { type SeedRun, yieldToEventLoop } from "./seed-run.js";
import { addressAt } from "./sessions.js";
import type { World } from "./world.js";

/** Chance that a day of a bot's spam brings a feedback-loop report. */
const REPORT_CHANCE = 0.006;

/** The reports about the week ending on day `last`: one .eml file each. */
export function weekReports(world: World, last: number): Map<string, string> {
  const { isp, population, sessions, options } = world;
  const random = new Random(options.seed).fork("complaints", last);
  const reports = new Map<string, string>();
  population.active.forEach((subscriber, slot) => {
    if (subscriber.kind !== "bot") return;
    const region = isp.regions[subscriber.region];
    if (!region) return;
    for (let day = Math.max(0, last - 6); day <= last; day++) {
      if (!spamsOn(subscriber, region, day) || !random.chance(REPORT_CHANCE)) continue;
      const arrivalMs = dayStartMs(options, day) + random.int(DAY_MS);
      const source = addressAt(sessions, slot, arrivalMs);
      if (source === 0) continue;
      const serial = `${dayOf(options, day)}-${subscriber.index}-${reports.size}`;
      reports.set(`${serial}.eml`, arfReport(source, arrivalMs, serial, random));
    }
  });
  return reports;
}

/**
 * A folder of ARF reports per week, named by the week's last day, imported through the ARF
 * importer (the same report imported again adds nothing).
 */
export async function seedComplaints(run: SeedRun, plan: Plan, weeks: readonly number[]): Promise<void> {
  const { options } = run.world;
  const due = weeks.filter((day) => !run.state.done(`complaints:${dayOf(options, day)}`));
  for (const [n, last] of due.entries()) {
    if (run.signal.aborted) return;
    const date = dayOf(options, last);
    run.progress(`complaints ${date}`, n / due.length);
    const folder = join(run.folder, "complaints", date);
    mkdirSync(folder, { recursive: true });
    for (const [name, text] of weekReports(run.world, last)) writeFileSync(join(folder, name), text);
    const result = await importComplaints(run.context.store, run.context.dataDir, folder, { plan });
    if (result.rejected > 0)
      run.context.logger.warn({ date, rejected: result.rejected }, "demo complaints rejected");
    run.state.markDone(`complaints:${date}`);
    await yieldToEventLoop();
  }
}

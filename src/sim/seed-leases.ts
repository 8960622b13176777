import { join } from "node:path";
import { importLeases } from "../subscribers/index.js";
import { leaseRows, writeKeaLeases } from "./kea-leases.js";
import type { SeedRun } from "./seed-run.js";

const STEP = "leases";

/** Writes the year's Kea lease file and imports it (an import of the same file adds nothing). */
export async function seedLeases(run: SeedRun): Promise<void> {
  if (run.state.done(STEP)) return;
  const { population, sessions, options } = run.world;
  run.progress("leases: writing kea-leases4.csv", 0);
  const file = join(run.folder, "kea-leases4.csv");
  const rows = leaseRows(population, sessions, options);
  await writeKeaLeases(file, rows);
  run.progress(`leases: importing ${rows.length} leases`, 0.3);
  const result = await importLeases(run.context.store, file, "kea-csv", { subscriberField: "hostname" });
  if (result.skipped > 0) run.context.logger.warn({ skipped: result.skipped }, "demo leases skipped");
  run.state.markDone(STEP);
  run.context.logger.info({ leases: rows.length, imported: result.imported }, "demo leases imported");
}

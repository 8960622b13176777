import { join } from "node:path";
import { importLeases } from "../subscribers/index.js";
import { activeLeaseRows, type LeaseRow, webmailLeaseRows, writeKeaLeases } from "./kea-leases.js";
import { type SeedRun, yieldToEventLoop } from "./seed-run.js";

/** The month (YYYY-MM, UTC) a lease starts in. */
const monthOf = (row: LeaseRow) => new Date(row.startMs).toISOString().slice(0, 7);

/**
 * Writes leases as one Kea lease file per month of lease starts (as Kea's lease file cleanup
 * rotates them) and imports each; an import of the same file adds nothing. Month by month keeps
 * each import's merge short, so the web server in this process keeps answering.
 */
async function seedLeaseFiles(run: SeedRun, name: string, all: readonly LeaseRow[]): Promise<void> {
  const months = new Map<string, LeaseRow[]>();
  for (const row of all) {
    const month = monthOf(row);
    const rows = months.get(month) ?? [];
    rows.push(row);
    months.set(month, rows);
  }
  let n = 0;
  for (const [month, rows] of months) {
    const step = `leases:${name}:${month}`;
    n++;
    if (run.state.done(step) || run.signal.aborted) continue;
    run.progress(`${name} leases starting in ${month}`, (n - 1) / months.size);
    const file = join(run.folder, `kea-leases4-${name}-${month}.csv`);
    await writeKeaLeases(file, rows);
    const result = await importLeases(run.context.store, file, "kea-csv", { subscriberField: "hostname" });
    if (result.skipped > 0) run.context.logger.warn({ file, skipped: result.skipped }, "demo leases skipped");
    run.state.markDone(step);
    await yieldToEventLoop();
  }
}

/** The bots' leases: the complaints name their addresses. */
export async function seedBotLeases(run: SeedRun): Promise<void> {
  await seedLeaseFiles(run, "bots", activeLeaseRows(run.world.population, run.world.sessions, "bot"));
}

/**
 * The other subscribers' leases, after the complaints: each complaint's import looks its source
 * address up among the leases, and the fewer there are then, the faster it goes.
 */
export async function seedOtherLeases(run: SeedRun): Promise<void> {
  const { population, sessions, options } = run.world;
  await seedLeaseFiles(run, "mail-clients", activeLeaseRows(population, sessions, "mail-client"));
  await seedLeaseFiles(run, "webmail", webmailLeaseRows(population, sessions, options));
}

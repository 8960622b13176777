import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importListing } from "../reputation/index.js";
import type { Elsewhere } from "./elsewhere.js";
import { listedAddresses } from "./listed-addresses.js";
import { dayOf, HISTORY_DAYS } from "./options.js";
import { type SeedRun, yieldToEventLoop } from "./seed-run.js";
import { DEMO_LISTS, zoneFile } from "./zone-files.js";

/** Snapshot days: weekly, ending on the last day of the history. */
export function listingDays(): number[] {
  const days: number[] = [];
  for (let day = (HISTORY_DAYS - 1) % 7; day < HISTORY_DAYS; day += 7) days.push(day);
  return days;
}

/**
 * One file per list and snapshot day, each imported as that list's snapshot of the day (replacing
 * any earlier one). `elsewhere` is loaded on first use: a run that finds every day done skips it.
 */
export async function seedListings(
  run: SeedRun,
  elsewhere: () => Promise<Elsewhere>,
  days: readonly number[],
): Promise<void> {
  const { isp, population, sessions, options } = run.world;
  const due = days.filter((day) => !run.state.done(`listings:${dayOf(options, day)}`));
  if (due.length === 0) return;
  const background = await elsewhere();
  const folder = join(run.folder, "listings");
  mkdirSync(folder, { recursive: true });
  for (const [n, day] of due.entries()) {
    if (run.signal.aborted) return;
    const date = dayOf(options, day);
    run.progress(`listings ${date}`, n / due.length);
    const addresses = Uint32Array.from([
      ...listedAddresses(isp, population, sessions, options, day),
      ...background.listedOn(day),
    ]).sort();
    for (const list of DEMO_LISTS) {
      const file = join(folder, `${list.name}-${date}.${list.extension}`);
      writeFileSync(file, zoneFile(list, date, addresses));
      await importListing(run.context.store, run.context.dataDir, file, {
        list: list.name,
        date,
        format: list.format,
      });
    }
    run.state.markDone(`listings:${date}`);
    await yieldToEventLoop();
  }
}

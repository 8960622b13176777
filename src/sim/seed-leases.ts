import { join } from "node:path";
import { importLeases } from "../subscribers/index.js";
import {
  activeLeaseRows,
  delegatedPrefixRows,
  KEA6_HEADER,
  type LeaseRow,
  webmailLeaseRows,
  writeKeaLeases,
} from "./kea-leases.js";
import type { HistoryMonth } from "./months.js";
import { type SeedRun, yieldToEventLoop } from "./seed-run.js";
import type { World } from "./world.js";

/** One Kea lease file to import, and the month of the history it is imported in. */
export interface LeaseChunk {
  readonly step: string;
  readonly file: string;
  /** Index into historyMonths(): imported with that month's data. */
  readonly month: number;
  readonly rows: readonly LeaseRow[];
  readonly header?: string;
}

/** The month (YYYY-MM, UTC) a lease starts in. */
const monthOf = (row: LeaseRow) => new Date(row.startMs).toISOString().slice(0, 7);

function byStartMonth(rows: readonly LeaseRow[]): Map<string, LeaseRow[]> {
  const months = new Map<string, LeaseRow[]>();
  for (const row of rows) {
    const month = monthOf(row);
    const list = months.get(month) ?? [];
    list.push(row);
    months.set(month, list);
  }
  return months;
}

/**
 * The year's leases as one Kea lease file per kind and month of lease starts (as Kea's lease
 * file cleanup rotates them). The bots' and mail clients' leases go in with the month they start
 * in (those begun before the history with its first month), so a complaint or flow always finds
 * its lease; the webmail users' (one long lease each, begun before the history, named by no
 * complaint or flow) are spread over the first months so that no month carries them all.
 */
export function leaseChunks(world: World, months: readonly HistoryMonth[], folder: string): LeaseChunk[] {
  const { population, sessions, options } = world;
  const monthIndex = new Map(months.map((m, i) => [m.key, i]));
  const chunks: LeaseChunk[] = [];
  const add = (name: string, month: string, at: number, rows: readonly LeaseRow[]) => {
    chunks.push({
      step: `leases:${name}:${month}`,
      file: join(folder, `kea-leases4-${name}-${month}.csv`),
      month: at,
      rows,
    });
  };
  for (const kind of ["bot", "mail-client"] as const) {
    const name = kind === "bot" ? "bots" : "mail-clients";
    for (const [month, rows] of byStartMonth(activeLeaseRows(population, sessions, kind)))
      add(name, month, monthIndex.get(month) ?? 0, rows);
  }
  const webmail = [...byStartMonth(webmailLeaseRows(population, sessions, options))].sort(([a], [b]) =>
    a.localeCompare(b),
  );
  for (const [i, [month, rows]] of webmail.entries())
    add("webmail", month, Math.min(i, months.length - 1), rows);
  // The IPv6 flows' sources, named from the first month on.
  chunks.push({
    step: "leases:ipv6-prefixes",
    file: join(folder, "kea-leases6-prefixes.csv"),
    month: 0,
    rows: delegatedPrefixRows(world.isp, population, options),
    header: KEA6_HEADER,
  });
  return chunks;
}

/** Writes and imports the chunks due by month `month` not yet done; importing a file again adds nothing. */
export async function seedLeases(run: SeedRun, chunks: readonly LeaseChunk[], month: number): Promise<void> {
  const due = chunks.filter((chunk) => chunk.month <= month && !run.state.done(chunk.step));
  for (const [n, chunk] of due.entries()) {
    if (run.signal.aborted) return;
    run.progress(chunk.step.replace(/^leases:(.*):(.*)$/, "$1 leases starting in $2"), n / due.length);
    await writeKeaLeases(chunk.file, chunk.rows, chunk.header);
    const result = await importLeases(run.context.store, chunk.file, "kea-csv", {
      subscriberField: "hostname",
    });
    if (result.skipped > 0)
      run.context.logger.warn({ file: chunk.file, skipped: result.skipped }, "demo leases skipped");
    run.state.markDone(chunk.step);
    await yieldToEventLoop();
  }
}

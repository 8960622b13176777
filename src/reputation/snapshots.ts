import { join } from "node:path";
import { parseDay, UserError } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { ListingSet, SnapshotInfo } from "./listing-set.js";
import { readSnapshotFile, writeSnapshotFile } from "./snapshot-file.js";
import { count4 } from "./zones/ranges4.js";

const LIST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A list name becomes a folder name, so it is held to letters, digits, `.`, `_` and `-`. */
export function checkListName(list: string): string {
  if (!LIST_NAME.test(list) || list.includes("..")) {
    throw new UserError(
      `"${list}" is not a list name: use letters, digits, ".", "_" and "-" (up to 64, first a letter or digit)`,
    );
  }
  return list;
}

export function snapshotPath(dataDir: string, list: string, date: string): string {
  return join(dataDir, "reputation", checkListName(list), `${parseDay(date)}.bin`);
}

interface SnapshotRow {
  list: string;
  date: string;
  v4_addresses: number;
  v6_ranges: number;
  source: string;
  format: string;
  imported_at: string;
}

function toInfo(row: SnapshotRow): SnapshotInfo {
  return {
    list: row.list,
    date: row.date,
    v4Addresses: row.v4_addresses,
    v6Ranges: row.v6_ranges,
    source: row.source,
    format: row.format,
    importedAt: row.imported_at,
  };
}

/**
 * Stores the set as the snapshot of `list` on `date`, replacing one already there: the file is
 * swapped in whole (see writeSnapshotFile), then its row is written in one statement.
 */
export function saveSnapshot(
  store: Store,
  dataDir: string,
  set: ListingSet,
  meta: { list: string; date: string; source: string; format: string },
): SnapshotInfo {
  writeSnapshotFile(snapshotPath(dataDir, meta.list, meta.date), set);
  const info: SnapshotInfo = {
    list: meta.list,
    date: meta.date,
    v4Addresses: count4(set.v4),
    v6Ranges: set.v6Starts.length,
    source: meta.source,
    format: meta.format,
    importedAt: new Date().toISOString(),
  };
  store
    .prepare(
      `INSERT INTO reputation_snapshots (list, date, v4_addresses, v6_ranges, source, format, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (list, date) DO UPDATE SET v4_addresses = excluded.v4_addresses,
         v6_ranges = excluded.v6_ranges, source = excluded.source, format = excluded.format,
         imported_at = excluded.imported_at`,
    )
    .run(info.list, info.date, info.v4Addresses, info.v6Ranges, info.source, info.format, info.importedAt);
  return info;
}

/** The listed addresses of `list` on `date`, or undefined when there is no such snapshot. */
export function readSnapshot(
  store: Store,
  dataDir: string,
  list: string,
  date: string,
): ListingSet | undefined {
  const row = store.prepare("SELECT 1 FROM reputation_snapshots WHERE list = ? AND date = ?").get(list, date);
  return row ? readSnapshotFile(snapshotPath(dataDir, list, date)) : undefined;
}

/** The snapshots known, by list then date; only those of `list` when given. */
export function listSnapshots(store: Store, list?: string): SnapshotInfo[] {
  const rows = (
    list === undefined
      ? store.prepare("SELECT * FROM reputation_snapshots ORDER BY list, date").all()
      : store.prepare("SELECT * FROM reputation_snapshots WHERE list = ? ORDER BY date").all(list)
  ) as SnapshotRow[];
  return rows.map(toInfo);
}

/** The latest snapshot of `list` before `date`, for the change since then. */
export function previousSnapshot(store: Store, list: string, date: string): SnapshotInfo | undefined {
  const row = store
    .prepare("SELECT * FROM reputation_snapshots WHERE list = ? AND date < ? ORDER BY date DESC LIMIT 1")
    .get(list, date) as SnapshotRow | undefined;
  return row ? toInfo(row) : undefined;
}

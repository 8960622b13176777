/**
 * The ledger of flow imports (migration 019_flow_imports.sql): what each brought in, which
 * earlier import a file repeats or overlaps, and the hours a forced import takes over.
 */
import type { Store } from "../../store/index.js";
import { deleteHourAggregates, type FlowStore, storedFlowsInHours } from "../store/index.js";
import type { ExporterWindow } from "./import-windows.js";

/** What the file was and what it held, as the import read it. */
interface ImportedFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly format: string;
  readonly samplingRate: number;
  readonly records: number;
  readonly mailFlows: number;
  readonly badRecords: number;
}

/** An import as the ledger keeps it. */
export interface FlowImport extends ImportedFile {
  readonly id: number;
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  readonly importedAt: string;
  readonly forced: boolean;
  readonly replacedBy: number | null;
  /** Per exporter ('' when the export did not say), the window its flows came from. */
  readonly windows: readonly ExporterWindow[];
}

/** An earlier import whose window meets the new file's for one exporter. */
export interface Overlap {
  readonly earlier: FlowImport;
  readonly exporter: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** What a forced import deleted before writing its own flows. */
export interface Replacement {
  readonly replaced: readonly FlowImport[];
  /** Hours (epoch seconds) emptied; empty when the overlapped imports shared none with the file. */
  readonly hours: readonly number[];
  readonly deletedFlows: number;
  /** Of deletedFlows, those the replaced imports had not written: the collector's, other imports'. */
  readonly othersFlows: number;
}

export interface NewImport extends ImportedFile {
  readonly flowRange: { firstMs: number; lastMs: number } | null;
  readonly windows: readonly ExporterWindow[];
  readonly hourFlows: ReadonlyMap<number, number>;
  readonly forced: boolean;
}

interface ImportRow {
  id: number;
  file: string;
  sha256: string;
  bytes: number;
  format: string;
  sampling_rate: number;
  records: number;
  mail_flows: number;
  bad_records: number;
  first_ms: number | null;
  last_ms: number | null;
  imported_at: string;
  forced: number;
  replaced_by: number | null;
  windows: string | null;
}

const SELECT_IMPORTS = `
  SELECT i.*, (SELECT json_group_array(json_array(w.exporter, w.from_ms, w.to_ms, w.by_received, w.mail_flows))
               FROM flow_import_windows w WHERE w.import_id = i.id) AS windows
  FROM flow_imports i`;

function toImport(row: ImportRow): FlowImport {
  const windows = JSON.parse(row.windows ?? "[]") as [string, number, number, number, number][];
  return {
    id: row.id,
    file: row.file,
    sha256: row.sha256,
    bytes: row.bytes,
    format: row.format,
    samplingRate: row.sampling_rate,
    records: row.records,
    mailFlows: row.mail_flows,
    badRecords: row.bad_records,
    firstMs: row.first_ms,
    lastMs: row.last_ms,
    importedAt: row.imported_at,
    forced: row.forced === 1,
    replacedBy: row.replaced_by,
    windows: windows.map(([exporter, fromMs, toMs, byReceived, mailFlows]) => ({
      exporter,
      fromMs,
      toMs,
      byReceived: byReceived === 1,
      mailFlows,
    })),
  };
}

/** Every import, oldest first. */
export function listFlowImports(store: Store): FlowImport[] {
  return (store.prepare(`${SELECT_IMPORTS} ORDER BY i.id`).all() as ImportRow[]).map(toImport);
}

/** The import in force (not replaced) of a file with this content, if any. */
export function importWithContent(store: Store, sha256: string): FlowImport | undefined {
  const row = store
    .prepare(`${SELECT_IMPORTS} WHERE i.sha256 = ? AND i.replaced_by IS NULL ORDER BY i.id LIMIT 1`)
    .get(sha256) as ImportRow | undefined;
  return row && toImport(row);
}

/** Earlier imports in force whose window for an exporter meets one of these windows. */
export function overlappingImports(store: Store, windows: readonly ExporterWindow[]): Overlap[] {
  const rows = store
    .prepare(
      `WITH n (exporter, from_ms, to_ms) AS (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?))
       SELECT w.import_id, n.exporter, max(w.from_ms, n.from_ms) AS from_ms, min(w.to_ms, n.to_ms) AS to_ms
       FROM n JOIN flow_import_windows w ON w.exporter = n.exporter AND w.from_ms <= n.to_ms AND w.to_ms >= n.from_ms
       JOIN flow_imports i ON i.id = w.import_id AND i.replaced_by IS NULL
       ORDER BY w.import_id, n.exporter`,
    )
    .all(JSON.stringify(windows.map((w) => [w.exporter, w.fromMs, w.toMs]))) as {
    import_id: number;
    exporter: string;
    from_ms: number;
    to_ms: number;
  }[];
  const byId = new Map<number, FlowImport>();
  const earlier = (id: number) => {
    let found = byId.get(id);
    if (!found) {
      found = toImport(store.prepare(`${SELECT_IMPORTS} WHERE i.id = ?`).get(id) as ImportRow);
      byId.set(id, found);
    }
    return found;
  };
  return rows.map((r) => ({
    earlier: earlier(r.import_id),
    exporter: r.exporter,
    fromMs: r.from_ms,
    toMs: r.to_ms,
  }));
}

/** The hours both the new file and the replaced imports wrote flows in, and the replaced imports' flows there. */
function sharedHours(
  store: Store,
  replaced: readonly FlowImport[],
  hourFlows: ReadonlyMap<number, number>,
): { hours: number[]; replacedFlows: number } {
  const ids = JSON.stringify(replaced.map((r) => r.id));
  const hours = store
    .prepare(
      `SELECT DISTINCT hour FROM flow_import_hours
       WHERE import_id IN (SELECT value FROM json_each(?)) AND hour IN (SELECT value FROM json_each(?))
       ORDER BY hour`,
    )
    .pluck()
    .all(ids, JSON.stringify([...hourFlows.keys()])) as number[];
  const replacedFlows = store
    .prepare(
      `SELECT coalesce(sum(flows), 0) FROM flow_import_hours
       WHERE import_id IN (SELECT value FROM json_each(?)) AND hour IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .get(ids, JSON.stringify(hours)) as number;
  return { hours, replacedFlows };
}

const forgetHours = (store: Store, hours: readonly number[]) =>
  store
    .prepare("DELETE FROM flow_import_hours WHERE hour IN (SELECT value FROM json_each(?))")
    .run(JSON.stringify(hours));

/**
 * Deletes every aggregate of the hours that both the new file and the replaced imports wrote
 * flows in, whoever else wrote there too, and forgets those hours in every import's ledger.
 */
export function deleteSharedHours(
  store: Store,
  replaced: readonly FlowImport[],
  hourFlows: ReadonlyMap<number, number>,
): Replacement {
  const { hours, replacedFlows } = sharedHours(store, replaced, hourFlows);
  const deletedFlows = storedFlowsInHours(store, hours);
  deleteHourAggregates(store, hours);
  forgetHours(store, hours);
  return { replaced, hours, deletedFlows, othersFlows: Math.max(0, deletedFlows - replacedFlows) };
}

/** The same for flows kept outside the data folder (ClickHouse): the store deletes, the ledger forgets. */
export async function deleteSharedHoursIn(
  flows: FlowStore,
  store: Store,
  replaced: readonly FlowImport[],
  hourFlows: ReadonlyMap<number, number>,
): Promise<Replacement> {
  const { hours, replacedFlows } = sharedHours(store, replaced, hourFlows);
  const deletedFlows = await flows.flowCountInHours(hours);
  await flows.deleteHours(hours);
  forgetHours(store, hours);
  return { replaced, hours, deletedFlows, othersFlows: Math.max(0, deletedFlows - replacedFlows) };
}

/** Records an import; `replaced` imports are marked as replaced by it. Returns its id. */
export function recordFlowImport(
  store: Store,
  entry: NewImport,
  replaced: readonly FlowImport[] = [],
): number {
  const id = Number(
    store
      .prepare(
        `INSERT INTO flow_imports (file, sha256, bytes, format, sampling_rate, records, mail_flows, bad_records,
                                   first_ms, last_ms, imported_at, forced)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.file,
        entry.sha256,
        entry.bytes,
        entry.format,
        entry.samplingRate,
        entry.records,
        entry.mailFlows,
        entry.badRecords,
        entry.flowRange?.firstMs ?? null,
        entry.flowRange?.lastMs ?? null,
        new Date().toISOString(),
        entry.forced ? 1 : 0,
      ).lastInsertRowid,
  );
  const window = store.prepare(
    "INSERT INTO flow_import_windows (import_id, exporter, from_ms, to_ms, by_received, mail_flows) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const w of entry.windows)
    window.run(id, w.exporter, w.fromMs, w.toMs, w.byReceived ? 1 : 0, w.mailFlows);
  const hour = store.prepare("INSERT INTO flow_import_hours (import_id, hour, flows) VALUES (?, ?, ?)");
  for (const [h, flows] of entry.hourFlows) hour.run(id, h, flows);
  const mark = store.prepare("UPDATE flow_imports SET replaced_by = ? WHERE id = ?");
  for (const r of replaced) mark.run(id, r.id);
  return id;
}

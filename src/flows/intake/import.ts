/**
 * Imports nfdump output (JSON or CSV) into the store: streamed line by line, each mail flow into
 * an HourlyAggregator, flushed to the store in batches so memory stays bounded whatever the size.
 * An import lands in one transaction with its entry in the ledger (import-ledger.ts), or not at
 * all: a file whose content was imported is skipped, one overlapping an earlier import refused.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { type Diagnostic, UserError } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import { HourlyAggregator } from "../aggregate/aggregator.js";
import type { HourlyAggregate } from "../mail-flow.js";
import { type FlowStore, SqliteFlowStore, writeAggregates } from "../store/index.js";
import {
  deleteSharedHours,
  deleteSharedHoursIn,
  type FlowImport,
  importWithContent,
  type NewImport,
  type Overlap,
  overlappingImports,
  type Replacement,
  recordFlowImport,
} from "./import-ledger.js";
import { ImportWindows } from "./import-windows.js";
import { NfdumpCsvReader } from "./nfdump-csv.js";
import type { NfdumpSink } from "./nfdump-fields.js";
import { NfdumpJsonReader } from "./nfdump-json.js";

export const IMPORT_FORMATS = ["nfdump-json", "nfdump-csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Live source-hour-port entries held before writing them out. */
const FLUSH_ENTRIES = 100_000;
const PROGRESS_EVERY_LINES = 65_536;

/** How far the read has got: bytes of the input (total 0 for standard input) and records. */
export interface ImportReading {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly count: number;
}

export interface ImportOptions {
  readonly format: ImportFormat;
  /** Flows each record stands for when the export was sampled (default 1). */
  readonly samplingRate?: number;
  /** Replace the hours an overlapping earlier import wrote instead of refusing. */
  readonly force?: boolean;
  /** Called for each bad record, which is then skipped. */
  readonly onBadRecord?: (diagnostic: Diagnostic) => void;
  /** Called every so many lines with how far the read has got. */
  readonly onProgress?: (reading: ImportReading) => void;
}

export interface ImportSummary {
  /** Records read, whatever they were. */
  records: number;
  /** TCP flows to 25, 587 or 465: what the store keeps, aggregated. */
  mailFlows: number;
  badRecords: number;
  /** Aggregates written (a source-hour-port written in two batches counts twice). */
  aggregatesWritten: number;
}

export type ImportOutcome =
  | {
      readonly kind: "imported";
      readonly id: number;
      readonly summary: ImportSummary;
      /** What --force deleted first; null when nothing overlapped. */
      readonly replacement: Replacement | null;
    }
  | { readonly kind: "same-content"; readonly earlier: FlowImport; readonly summary: ImportSummary };

interface Pass {
  readonly summary: ImportSummary;
  readonly windows: ImportWindows;
  readonly sha256: string;
  readonly bytes: number;
}

function openInput(file: string): Readable {
  return file === "-" ? process.stdin : createReadStream(file);
}

function readFailure(file: string, error: NodeJS.ErrnoException): UserError {
  if (error.code === "ENOENT") return new UserError(`${file}: no such file`);
  if (error.code === "EISDIR") return new UserError(`${file}: is a folder, not an nfdump output file`);
  return new UserError(`${file}: cannot read (${error.message})`);
}

function sizeOf(file: string): number {
  if (file === "-") return 0;
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0; // the read names the problem
  }
}

type WriteAggregates = (aggregates: HourlyAggregate[]) => void | Promise<void>;

/**
 * Reads the input once, writing its aggregates through `write` (the caller holds the transaction);
 * a write that returns a promise is awaited before more lines are read, so one batch at most waits.
 */
async function readPass(file: string, options: ImportOptions, write: WriteAggregates): Promise<Pass> {
  const name = file === "-" ? "<stdin>" : file;
  const summary: ImportSummary = { records: 0, mailFlows: 0, badRecords: 0, aggregatesWritten: 0 };
  const aggregator = new HourlyAggregator();
  const windows = new ImportWindows();
  let writing: Promise<void> | undefined;
  const flush = () => {
    const aggregates = aggregator.drain();
    const written = write(aggregates);
    writing = written instanceof Promise ? written : undefined;
    summary.aggregatesWritten += aggregates.length;
  };
  const sink: NfdumpSink = {
    mail(flow, origin) {
      summary.records++;
      summary.mailFlows++;
      aggregator.add(flow);
      windows.add(flow, origin);
      if (aggregator.size >= FLUSH_ENTRIES) flush();
    },
    other() {
      summary.records++;
    },
    bad(line, message) {
      summary.records++;
      summary.badRecords++;
      options.onBadRecord?.({ file: name, line, severity: "error", message });
    },
  };
  const samplingRate = options.samplingRate ?? 1;
  const reader =
    options.format === "nfdump-json"
      ? new NfdumpJsonReader(sink, samplingRate)
      : new NfdumpCsvReader(sink, samplingRate);

  const totalBytes = sizeOf(file);
  const input = openInput(file);
  const hash = createHash("sha256");
  let bytes = 0;
  let failure: NodeJS.ErrnoException | undefined;
  input.on("error", (error: NodeJS.ErrnoException) => {
    failure = error;
  });
  input.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      reader.line(line, ++lineNumber);
      if (writing) {
        await writing;
        writing = undefined;
      }
      if (lineNumber % PROGRESS_EVERY_LINES === 0) {
        options.onProgress?.({ bytesRead: bytes, totalBytes, count: summary.records });
      }
    }
  } catch (error) {
    if (error instanceof UserError || (error as NodeJS.ErrnoException).code === undefined) throw error;
    throw readFailure(name, error as NodeJS.ErrnoException);
  }
  if (failure) throw readFailure(name, failure);
  if (reader instanceof NfdumpJsonReader) reader.end();
  flush();
  await writing;
  options.onProgress?.({ bytesRead: bytes, totalBytes, count: summary.records });
  return { summary, windows, sha256: hash.digest("hex"), bytes };
}

const day = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** The line refusing an overlapping import. */
export function describeOverlaps(file: string, overlaps: readonly Overlap[]): string {
  const parts = overlaps.map(
    (o) =>
      `import #${o.earlier.id} (${o.earlier.file}, imported ${o.earlier.importedAt.slice(0, 19)}Z) ` +
      `from ${o.exporter === "" ? "an unnamed exporter" : `exporter ${o.exporter}`} over ${day(o.fromMs)} – ${day(o.toMs)}`,
  );
  return `${file}: overlaps ${parts.join("; ")}; nothing imported (--force deletes the hours they share and imports the file)`;
}

/** What the ledger records of a file read. */
function ledgerEntry(file: string, pass: Pass, options: ImportOptions): NewImport {
  return {
    file,
    sha256: pass.sha256,
    bytes: pass.bytes,
    format: options.format,
    samplingRate: options.samplingRate ?? 1,
    records: pass.summary.records,
    mailFlows: pass.summary.mailFlows,
    badRecords: pass.summary.badRecords,
    flowRange: pass.windows.flowRange(),
    windows: pass.windows.windows(),
    hourFlows: pass.windows.hourFlows(),
    forced: options.force === true,
  };
}

/**
 * Imports one nfdump output file (`-` for standard input) into the store, in one transaction
 * taken at the first write (the collector keeps its aggregates while the store is busy).
 */
export async function importNfdump(
  store: Store,
  file: string,
  options: ImportOptions & { flows?: FlowStore },
): Promise<ImportOutcome> {
  if (options.flows && !(options.flows instanceof SqliteFlowStore)) {
    return importInto(options.flows, store, file, options);
  }
  let open = false;
  const write = (aggregates: HourlyAggregate[]) => {
    if (aggregates.length === 0) return;
    if (!open) {
      store.exec("BEGIN IMMEDIATE");
      open = true;
    }
    writeAggregates(store, aggregates);
  };
  const finish = (commit: boolean) => {
    if (open) store.exec(commit ? "COMMIT" : "ROLLBACK");
    open = false;
  };
  try {
    let pass = await readPass(file, options, write);
    if (!open) {
      store.exec("BEGIN IMMEDIATE");
      open = true;
    }
    const earlier = importWithContent(store, pass.sha256);
    if (earlier && !options.force) {
      finish(false);
      return { kind: "same-content", earlier, summary: pass.summary };
    }
    const windows = pass.windows.windows();
    const overlaps = overlappingImports(store, windows);
    let replacement: Replacement | null = null;
    if (overlaps.length > 0) {
      if (!options.force) throw new UserError(describeOverlaps(file, overlaps));
      if (file === "-") {
        throw new UserError(
          "-: --force over an earlier import reads the input twice; save it to a file and import that",
        );
      }
      // The file's own aggregates are mixed into the hours to delete: start again without them.
      finish(false);
      store.exec("BEGIN IMMEDIATE");
      open = true;
      const replaced = [...new Map(overlaps.map((o) => [o.earlier.id, o.earlier])).values()];
      replacement = deleteSharedHours(store, replaced, pass.windows.hourFlows());
      const { onBadRecord: _reported, ...again } = options;
      pass = await readPass(file, again, write);
    }
    const id = recordFlowImport(store, ledgerEntry(file, pass, options), replacement?.replaced ?? []);
    finish(true);
    return { kind: "imported", id, summary: pass.summary, replacement };
  } finally {
    finish(false);
  }
}

/**
 * An import into a store outside the data folder (ClickHouse), where the ledger cannot share a
 * transaction with the flows: a first pass reads the file for its hash and windows, the ledger
 * decides, then a second pass writes batches named by the file's hash and their place, and the
 * ledger records the import last. A run cut short and started again writes the same batches,
 * which the store takes once, so nothing counts twice.
 */
async function importInto(
  flows: FlowStore,
  store: Store,
  file: string,
  options: ImportOptions,
): Promise<ImportOutcome> {
  if (file === "-") {
    throw new UserError(
      `-: an import into ${flows.location} reads the input twice; save it to a file and import that`,
    );
  }
  const first = await readPass(file, options, () => undefined);
  const earlier = importWithContent(store, first.sha256);
  if (earlier && !options.force) return { kind: "same-content", earlier, summary: first.summary };
  const windows = first.windows.windows();
  const overlaps = overlappingImports(store, windows);
  let replacement: Replacement | null = null;
  if (overlaps.length > 0) {
    if (!options.force) throw new UserError(describeOverlaps(file, overlaps));
    const replaced = [...new Map(overlaps.map((o) => [o.earlier.id, o.earlier])).values()];
    replacement = await deleteSharedHoursIn(flows, store, replaced, first.windows.hourFlows());
  }
  // A forced import writes again into hours it deleted: its batches need names of their own.
  const name = options.force ? `import ${first.sha256} forced ${Date.now()}` : `import ${first.sha256}`;
  let batch = 0;
  const { onBadRecord: _reported, ...again } = options;
  const pass = await readPass(file, again, (aggregates) =>
    aggregates.length === 0 ? undefined : flows.write(aggregates, `${name} ${batch++}`),
  );
  const id = store.transaction(() =>
    recordFlowImport(store, ledgerEntry(file, pass, options), replacement?.replaced ?? []),
  )();
  return { kind: "imported", id, summary: pass.summary, replacement };
}

/**
 * Imports nfdump output (JSON or CSV) into the store: streamed line by line, each mail flow into
 * an HourlyAggregator, flushed to the store in batches so memory stays bounded whatever the size.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { type Diagnostic, UserError } from "../core/index.js";
import type { Store } from "../store/index.js";
import { HourlyAggregator } from "./aggregator.js";
import { NfdumpCsvReader } from "./nfdump-csv.js";
import type { NfdumpSink } from "./nfdump-fields.js";
import { NfdumpJsonReader } from "./nfdump-json.js";
import { writeAggregates } from "./store.js";

export const IMPORT_FORMATS = ["nfdump-json", "nfdump-csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Live source-hour-port entries held before writing them out. */
const FLUSH_ENTRIES = 100_000;

export interface ImportOptions {
  readonly format: ImportFormat;
  /** Flows each record stands for when the export was sampled (default 1). */
  readonly samplingRate?: number;
  /** Called for each bad record, which is then skipped. */
  readonly onBadRecord?: (diagnostic: Diagnostic) => void;
  /** Called every so many records with the running counts. */
  readonly onProgress?: (summary: ImportSummary) => void;
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

const PROGRESS_EVERY = 1_000_000;

function openInput(file: string): Readable {
  return file === "-" ? process.stdin : createReadStream(file);
}

function readFailure(file: string, error: NodeJS.ErrnoException): UserError {
  if (error.code === "ENOENT") return new UserError(`${file}: no such file`);
  if (error.code === "EISDIR") return new UserError(`${file}: is a folder, not an nfdump output file`);
  return new UserError(`${file}: cannot read (${error.message})`);
}

/** Imports one nfdump output file (`-` for standard input) into the store. */
export async function importNfdump(
  store: Store,
  file: string,
  options: ImportOptions,
): Promise<ImportSummary> {
  const name = file === "-" ? "<stdin>" : file;
  const summary: ImportSummary = { records: 0, mailFlows: 0, badRecords: 0, aggregatesWritten: 0 };
  const aggregator = new HourlyAggregator();
  const flush = () => {
    const aggregates = aggregator.drain();
    writeAggregates(store, aggregates);
    summary.aggregatesWritten += aggregates.length;
  };
  const sink: NfdumpSink = {
    mail(flow) {
      summary.records++;
      summary.mailFlows++;
      aggregator.add(flow);
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

  const input = openInput(file);
  let failure: NodeJS.ErrnoException | undefined;
  input.on("error", (error: NodeJS.ErrnoException) => {
    failure = error;
  });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let nextProgress = PROGRESS_EVERY;
  try {
    for await (const line of lines) {
      reader.line(line, ++lineNumber);
      if (summary.records >= nextProgress) {
        nextProgress += PROGRESS_EVERY;
        options.onProgress?.(summary);
      }
    }
  } catch (error) {
    throw readFailure(name, error as NodeJS.ErrnoException);
  }
  if (failure) throw readFailure(name, failure);
  if (reader instanceof NfdumpJsonReader) reader.end();
  flush();
  return summary;
}

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SingleBar } from "cli-progress";
import { createLogger, type Logger } from "../core/index.js";

/** How far an import has read: bytes of its input (compressed bytes for gzip) and items seen. */
export interface ImportReading {
  readonly bytesRead: number;
  /** The input's size; 0 when unknown (standard input). */
  readonly totalBytes: number;
  /** Lines, records or reports so far, in the options' `unit`. */
  readonly count?: number;
}

export interface ImportProgress {
  update(reading: ImportReading): void;
  stop(): void;
}

export interface ImportProgressOptions {
  /** What `count` counts, plural: "lines", "records", "reports"; none when there is no count. */
  readonly unit?: string;
  /** The logger's name when stderr is not a terminal. */
  readonly logName: string;
  /** Where the bar goes; stderr by default (stdout stays the command's output). */
  readonly stream?: NodeJS.WriteStream;
  /** The logger for the non-terminal case; tests pass their own. */
  readonly log?: Logger;
  /** At most one log line this often. */
  readonly logEveryMs?: number;
}

const LOG_EVERY_MS = 10_000;

/**
 * Progress of a long import on stderr: a bar over the input's bytes on a terminal; else (a pipe,
 * a cron job's log, journald) an "importing" log line at most every ten seconds.
 */
export function importProgress(input: string, options: ImportProgressOptions): ImportProgress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY) return progressBar(input, options.unit, stream);
  const log = options.log ?? createLogger(options.logName);
  const every = options.logEveryMs ?? LOG_EVERY_MS;
  let lastLog = Date.now();
  return {
    update(reading) {
      const now = Date.now();
      if (now - lastLog < every) return;
      lastLog = now;
      const counted = options.unit ? { [options.unit]: reading.count } : {};
      log.info(
        { input, ...counted, bytesRead: reading.bytesRead, totalBytes: reading.totalBytes },
        "importing",
      );
    },
    stop: () => log.flush(),
  };
}

function progressBar(input: string, unit: string | undefined, stream: NodeJS.WriteStream): ImportProgress {
  const bar = new SingleBar({
    stream,
    format: `{bar} {percentage}% | ${unit ? `{count} ${unit} | ` : ""}{input}`,
    hideCursor: true,
  });
  let started = false;
  return {
    update(reading) {
      const total = reading.totalBytes > 0 ? reading.totalBytes : Math.max(reading.bytesRead, 1);
      if (!started) {
        bar.start(total, 0, { count: "0", input });
        started = true;
      }
      if (reading.totalBytes === 0) bar.setTotal(total);
      bar.update(reading.bytesRead, { count: (reading.count ?? 0).toLocaleString("en-US") });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** Bytes of the regular files at or under `path`, for a progress bar's total; 0 when unreadable. */
export function bytesUnder(path: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
    let total = 0;
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
    }
    return total;
  } catch {
    return 0; // the import itself names what it cannot read
  }
}

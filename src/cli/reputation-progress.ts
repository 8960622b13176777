import { SingleBar } from "cli-progress";
import { createLogger } from "../core/index.js";
import type { ReadProgress } from "../reputation/index.js";

const LOG_EVERY_LINES = 1 << 20;

/**
 * Progress of a long import: a bar on a terminal, else a log line about every million lines
 * (stderr either way, so stdout stays the command's output).
 */
export function importProgress(file: string): { update: (p: ReadProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format: "{bar} {percentage}% | {lines} lines | {file}",
      hideCursor: true,
    });
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(Math.max(p.totalBytes, 1), 0, { lines: 0, file });
          started = true;
        }
        bar.update(p.bytesRead, { lines: p.lines.toLocaleString("en-US") });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  const log = createLogger("reputation-import");
  let logged = 0;
  return {
    update(p) {
      if (p.lines - logged < LOG_EVERY_LINES) return;
      logged = p.lines;
      log.info({ file, lines: p.lines, bytesRead: p.bytesRead, totalBytes: p.totalBytes }, "importing");
    },
    stop: () => log.flush(),
  };
}

import { pino } from "pino";
import pretty from "pino-pretty";

export type Logger = pino.Logger;

export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * How logs are written: PORTEIRO_LOG_FORMAT (set by `--log-format`), else readable lines when
 * stderr is a terminal and JSON lines when a machine reads it (journald, a file, a collector).
 */
export function logFormat(): LogFormat {
  const chosen = process.env.PORTEIRO_LOG_FORMAT;
  if (chosen === "json" || chosen === "pretty") return chosen;
  return process.stderr.isTTY ? "pretty" : "json";
}

/**
 * A logger on stderr (stdout stays for command output). PORTEIRO_LOG_LEVEL picks the level;
 * tests set it to "silent".
 */
export function createLogger(name: string): Logger {
  const options = { name, level: process.env.PORTEIRO_LOG_LEVEL ?? "info" };
  if (logFormat() === "json") return pino(options, pino.destination(2));
  // In this thread and synchronous, so the last lines before an exit are not lost.
  return pino(
    options,
    pretty({
      destination: 2,
      sync: true,
      singleLine: true,
      translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
      ignore: "pid,hostname",
    }),
  );
}

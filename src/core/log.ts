import { pino } from "pino";

export type Logger = pino.Logger;

/**
 * JSON lines on stderr (stdout stays for command output). PORTEIRO_LOG_LEVEL picks the level;
 * tests set it to "silent".
 */
export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.PORTEIRO_LOG_LEVEL ?? "info" }, pino.destination(2));
}

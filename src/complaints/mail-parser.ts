import type { simpleParser } from "mailparser";

let loading: Promise<typeof simpleParser> | undefined;

/**
 * mailparser, loaded on first use: with its charset tables it is the slowest module to load,
 * and every `porteiro` command would pay for it at start-up, not only those that read mail.
 */
export function loadMailParser(): Promise<typeof simpleParser> {
  loading ??= import("mailparser").then((module) => module.simpleParser);
  return loading;
}

/** What the `porteiro rollout` command groups share: argument parsers, file reading, lists. */
import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import { UserError } from "../core/index.js";
import { outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, printable, table, toJson } from "./output.js";

export function count(text: string): number {
  if (!/^[0-9]{1,15}$/.test(text)) throw new InvalidArgumentError("expected a whole number.");
  return Number(text);
}

/** The number of a commitment, document or noise record, as `list` shows it. */
export function recordId(text: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw new InvalidArgumentError("expected a record number such as 3.");
  return Number(text);
}

export function percent(text: string): number {
  if (!/^[0-9]{1,3}(\.[0-9]+)?$/.test(text))
    throw new InvalidArgumentError("expected a percentage such as 80 or 92.5.");
  return Number(text);
}

export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(
      `${file}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

/** Ends a command's --help with a line to copy. */
export function example(command: Command, line: string): Command {
  return command.addHelpText("after", `\nExample:\n  ${line}`);
}

export const formatOption = () =>
  new Option("--format <format>", "table, json or csv").default("table").argParser(outputFormatOption);

/** `--public` or `--private` on a change: undefined when neither is given. */
export const visibilityOptions = (command: Command, what: string) =>
  command
    .addOption(
      new Option("--public", `show the ${what} on the public transparency page`).conflicts("private"),
    )
    .option("--private", `keep the ${what} off the public transparency page`);

export const visibility = (options: { public?: boolean; private?: boolean }) =>
  options.public ? true : options.private ? false : undefined;

/** A list column: `key` names the JSON field CSV prints as is; `text` is the table's rendering of it. */
export interface Column<T> {
  readonly head: string;
  readonly key: keyof T & string;
  readonly text?: (row: T) => string;
}

/**
 * Records as the API gives them (json), their fields as stored (csv), or an aligned table with
 * `-` for none and outside text escaped; `none` when a table would be empty.
 */
export function printList<T>(
  rows: readonly T[],
  format: OutputFormat,
  columns: readonly Column<T>[],
  none: string,
) {
  const field = (row: T, key: keyof T) => {
    const value = row[key];
    return value === null || value === undefined ? "" : String(value);
  };
  let out: string;
  if (format === "json") out = toJson(rows);
  else if (format === "csv")
    out = [
      columns.map((c) => c.key).join(","),
      ...rows.map((row) => columns.map((c) => csvField(field(row, c.key))).join(",")),
    ].join("\n");
  else if (rows.length === 0) out = none;
  else
    out = table([
      columns.map((c) => c.head),
      ...rows.map((row) => columns.map((c) => printable(c.text ? c.text(row) : field(row, c.key) || "-"))),
    ]);
  process.stdout.write(`${out}\n`);
}

/**
 * The fields a `set` gives, without those it leaves alone: the library spreads a change over the
 * record, so an undefined field would clear it. Nothing given is refused rather than done silently.
 */
export function changeOf(change: Record<string, unknown>, flags: string): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  if (Object.keys(given).length === 0) throw new UserError(`nothing to change: give ${flags}`);
  return given;
}

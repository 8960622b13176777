/** `porteiro subscribers`: the ISP's subscriber directory, who to write to about each subscriber. */
import type { Command } from "commander";
import { formatDiagnostic, UserError } from "../core/index.js";
import { importDirectory, listDirectory } from "../subscribers/index.js";
import { countOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, printable, table, toJson } from "./output.js";
import { type StoreOptions, storeOptions, withExistingStore, withStore } from "./store-options.js";

const IMPORT_HELP = `
The file is the ISP's customer export: CSV (UTF-8, RFC 4180 quoting, a field may span lines) with a
header naming subscriber and email, and optionally name and language (pt-BR, es, en, …); other
columns are ignored. subscriber is the id the leases carry (porteiro leases import). A line without
a subscriber id, with an address that is no e-mail address or a language that is no language tag,
or naming a subscriber already named, is reported as FILE:LINE: reason and skipped (exit status 1);
the good lines are imported in one transaction. A re-import updates the subscribers it names (a new
address clears a bounce mark); --replace also drops those it no longer names.

Example:
  porteiro subscribers import customers.csv --data data`;

const COLUMNS = ["subscriber", "email", "name", "language", "email_bad_since", "email_bad_reason"] as const;

export function registerSubscribersCommands(program: Command): void {
  const subscribers = program
    .command("subscribers")
    .description("the subscriber directory: e-mail address, name and language of each subscriber");

  storeOptions(subscribers.command("import"))
    .description("import the ISP's customer export (CSV: subscriber,email,name,language)")
    .argument("<file>", "the CSV file")
    .option("--replace", "drop the subscribers the file does not name")
    .addHelpText("after", IMPORT_HELP)
    .action((file: string, options: StoreOptions & { replace?: boolean }) => {
      const result = withStore(options, (store) =>
        importDirectory(store, file, { replace: options.replace === true }),
      );
      process.stdout.write(
        `${file}: ${result.imported} new, ${result.updated} updated, ${result.unchanged} unchanged` +
          `${options.replace ? `, ${result.removed} removed` : ""}, ${result.diagnostics.length} bad lines skipped\n`,
      );
      if (result.diagnostics.length > 0) {
        throw new UserError(
          [
            ...result.diagnostics.map((d) => printable(formatDiagnostic(d))),
            `${file}: the good lines are imported`,
          ].join("\n"),
        );
      }
    });

  storeOptions(subscribers.command("list"))
    .description("list the directory by subscriber id")
    .option("--limit <n>", "at most this many", countOption, 1000)
    .option("--after <subscriber>", "start after this subscriber id (the previous page's last)")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: StoreOptions & { limit: number; after?: string; format: OutputFormat }) => {
      const rows = withExistingStore(options, (store) =>
        listDirectory(store, { limit: options.limit, ...(options.after ? { after: options.after } : {}) }),
      );
      if (options.format === "json") process.stdout.write(`${toJson(rows)}\n`);
      else if (options.format === "csv") {
        const lines = [COLUMNS.join(",")];
        for (const r of rows) lines.push(COLUMNS.map((c) => csvField(r[c] ?? "")).join(","));
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (rows.length === 0) process.stdout.write("no subscribers\n");
      else {
        const cells = rows.map((r) => [
          printable(r.subscriber),
          printable(r.email),
          printable(r.name),
          r.language || "-",
          r.email_bad_since ? `bounced ${r.email_bad_since}` : "ok",
        ]);
        process.stdout.write(
          `${table([["subscriber", "email", "name", "language", "address"], ...cells])}\n`,
        );
      }
    });
}

import { type Command, InvalidArgumentError } from "commander";
import { formatDiagnostic, UserError } from "../core/index.js";
import {
  type FlowImport,
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOutcome,
  importNfdump,
  listFlowImports,
  plural,
} from "../flows/index.js";
import { type FlowStoreOptions, flowStoreOption, withFlowStore } from "./flow-store-options.js";
import { importProgress } from "./import-progress.js";
import { choiceOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, printable, table, toJson } from "./output.js";
import { type StoreOptions, storeOptions, withExistingStore } from "./store-options.js";

const STORE_HELP = "porteiro.yaml naming the data folder";

function samplingRateOption(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1.");
  return n;
}

const IMPORT_HELP = `
nfdump prints times in its local time zone; run it with TZ=UTC, as porteiro reads them as UTC.
Only TCP flows to ports 25, 587 and 465 are kept; a filter makes the output smaller:
  TZ=UTC nfdump -R /var/cache/nfdump -o json 'proto tcp and dst port in [25 587 465]' > flows.json
  porteiro flows import flows.json --format nfdump-json --data data
A bad record is reported as FILE:LINE: reason and skipped; the import goes on, and then exits 1.

Each import is recorded (porteiro flows imports): the file's SHA-256, and per exporter (the router
address nfdump prints) the window of its flows, by the time nfcapd received them (else their start).
The same flows are never counted twice:
  a file whose content was imported already is skipped (exit 0);
  a file whose window meets an earlier import's for the same exporter (a cron job running
  nfdump -R over overlapping windows) is refused, naming the import and the overlap (exit 1).
--force imports it on purpose: first every aggregate of the hours that the file and the overlapped
imports both wrote flows in is deleted, whole, then the file is imported; the overlapped imports
are marked replaced. Flows of the collector or of other imports in those hours go too, and the
line says how many: export whole hours (nfdump -t) so the file holds all of them.
An import lands in one transaction: a file that cannot be read to its end imports nothing.
A progress bar shows on a terminal; elsewhere a log line every ten seconds.`;

const iso = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString().replace(".000Z", "Z"));
const hourText = (hour: number) => new Date(hour * 1000).toISOString().slice(0, 13).replace("T", " ");

function printOutcome(file: string, outcome: ImportOutcome): void {
  if (outcome.kind === "same-content") {
    const e = outcome.earlier;
    process.stdout.write(
      `${file}: skipped, the same content as import #${e.id} (${printable(e.file)}, ${e.importedAt.slice(0, 19)}Z, ` +
        `sha256 ${e.sha256.slice(0, 12)}…); nothing imported\n`,
    );
    return;
  }
  const { summary, replacement } = outcome;
  if (replacement) {
    const ids = replacement.replaced.map((r) => `#${r.id}`).join(", ");
    const hours = replacement.hours;
    const span =
      hours.length === 0
        ? "no shared hours"
        : `${plural(hours.length, "hour")} ${hourText(hours[0] as number)}:00 – ${hourText(hours.at(-1) as number)}:59 UTC`;
    process.stdout.write(
      `replacing import ${ids}: deleted ${plural(replacement.deletedFlows, "flow")} in ${span}` +
        `${replacement.othersFlows > 0 ? `, ${replacement.othersFlows} of them from the collector or other imports` : ""}\n`,
    );
  }
  process.stdout.write(
    `imported ${summary.records} records: ${summary.mailFlows} mail flows into ${summary.aggregatesWritten} hourly aggregates` +
      `${summary.badRecords > 0 ? `, ${plural(summary.badRecords, "bad record")} skipped` : ""}\n`,
  );
}

function printImports(imports: readonly FlowImport[], format: OutputFormat): void {
  const rows = imports.map((i) => ({
    id: i.id,
    file: i.file,
    imported_at: i.importedAt,
    format: i.format,
    records: i.records,
    mail_flows: i.mailFlows,
    bad_records: i.badRecords,
    first_flow: iso(i.firstMs),
    last_flow: iso(i.lastMs),
    exporters: i.windows
      .map(
        (w) => `${w.exporter || "?"} ${iso(w.fromMs)}–${iso(w.toMs)}${w.byReceived ? "" : " (flow start)"}`,
      )
      .join("; "),
    sha256: i.sha256,
    forced: i.forced,
    replaced_by: i.replacedBy,
  }));
  if (format === "json") {
    process.stdout.write(`${toJson({ imports: rows })}\n`);
    return;
  }
  if (format === "csv") {
    const header = Object.keys(rows[0] ?? { id: 0 }).join(",");
    const lines = rows.map((r) =>
      Object.values(r)
        .map((v) => csvField(v === null ? "" : String(v)))
        .join(","),
    );
    process.stdout.write(`${[header, ...lines].join("\n")}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write("no flow imports\n");
    return;
  }
  process.stdout.write(
    `${table([
      ["#", "file", "imported", "mail flows", "flows from – to", "exporter: received from – to", "state"],
      ...rows.map((r) => [
        String(r.id),
        printable(r.file),
        r.imported_at.slice(0, 19).replace("T", " "),
        String(r.mail_flows),
        `${r.first_flow} – ${r.last_flow}`,
        r.exporters,
        r.replaced_by === null ? (r.forced ? "forced" : "") : `replaced by #${r.replaced_by}`,
      ]),
    ])}\n`,
  );
}

export function registerImportCommands(flows: Command): void {
  flowStoreOption(storeOptions(flows.command("import"), STORE_HELP))
    .description("import `nfdump -o json` or `-o csv` output (the aggregates only; raw flows are not kept)")
    .argument("<file>", "nfdump output file, or - for standard input")
    .requiredOption("--format <format>", IMPORT_FORMATS.join(" or "), choiceOption(IMPORT_FORMATS))
    .option(
      "--sampling-rate <n>",
      "flows each record stands for, when the export was sampled (nfcapd already scales packets and bytes)",
      samplingRateOption,
      1,
    )
    .option("--force", "import a file that overlaps earlier imports, replacing the hours they share")
    .addHelpText("after", IMPORT_HELP)
    .action(
      async (
        file: string,
        options: FlowStoreOptions & { format: ImportFormat; samplingRate: number; force?: boolean },
      ) => {
        const progress = importProgress(file === "-" ? "<stdin>" : file, {
          unit: "records",
          logName: "flows-import",
        });
        let outcome: ImportOutcome;
        try {
          outcome = await withFlowStore(options, (flows, store) =>
            importNfdump(store, file, {
              flows,
              format: options.format,
              samplingRate: options.samplingRate,
              force: options.force === true,
              onBadRecord: (diagnostic) => process.stderr.write(`${formatDiagnostic(diagnostic)}\n`),
              onProgress: progress.update,
            }),
          );
        } finally {
          progress.stop();
        }
        printOutcome(file, outcome);
        const bad = outcome.summary.badRecords;
        if (outcome.kind === "imported" && bad > 0) {
          throw new UserError(`${file}: ${plural(bad, "bad record")} skipped`);
        }
      },
    );

  storeOptions(flows.command("imports"), STORE_HELP)
    .description("list the flow imports: file, content hash, window per exporter, counts, replaced or not")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .addHelpText("after", "\nExample:\n  porteiro flows imports --data data")
    .action((options: StoreOptions & { format: OutputFormat }) => {
      printImports(withExistingStore(options, listFlowImports), options.format);
    });
}

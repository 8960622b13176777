/**
 * `porteiro rollout org import`, `calendar import` and `report import`: a coordinator's bulk
 * intake of the spreadsheets organisations send, as CSV with a header (src/rollout/import.ts).
 */
import type { Command } from "commander";
import { IMPORT_HEADERS, type ImportKind, importCsv, LOCAL_ADMIN } from "../rollout/index.js";
import { importProgress } from "./import-progress.js";
import { example, readText } from "./rollout-common.js";
import { type StoreOptions, storeOptions, withStore } from "./store-options.js";

const IDEMPOTENT =
  "The whole file goes in or, at the first bad line (named FILE:LINE), nothing does; importing the same file again changes nothing.";

const GROUPS: Record<ImportKind, { group: string; what: string; unit: string; more: string; line: string }> =
  {
    orgs: {
      group: "org",
      what: "organisations",
      unit: "organisations",
      more: "type is one of isp, mail-provider, regulator, consumer-protection, csirt, association, academia; subscribers and public may be empty (public: true unless false). A listed organisation that differs is updated.",
      line: "porteiro rollout org import orgs.csv --data coordinator",
    },
    calendar: {
      group: "calendar",
      what: "calendar entries",
      unit: "entries",
      more: "Dates YYYY-MM-DD, notify_from and observe_from may be empty. The organisations and regions must exist (porteiro rollout region add); an entry that differs is replaced.",
      line: "porteiro rollout calendar import calendar.csv --data coordinator",
    },
    reports: {
      group: "report",
      what: "status reports",
      unit: "reports",
      more: "Reports are history: each line not already on record (same organisation, region, date and measures) is added, entered by the coordinator --by names. Empty cells are unknown measures; submission_offered and public take true or false.",
      line: 'porteiro rollout report import reports.csv --by "Ana Coordinator" --data coordinator',
    },
  };

function addImport(group: Command, kind: ImportKind): void {
  const { what, unit, more, line } = GROUPS[kind];
  const command = example(
    storeOptions(group.command("import")).description(`import ${what} from a CSV file with a header`),
    line,
  )
    .argument("<file>", `CSV whose header is ${IMPORT_HEADERS[kind].join(",")}`)
    .addHelpText("after", `\n${more}\n${IDEMPOTENT}\nA progress bar shows on a terminal.`);
  if (kind === "reports")
    command.requiredOption(
      "--by <name>",
      "the coordinator entering them (a person with the coordinator role, by name or login)",
    );
  command.action((file: string, options: StoreOptions & { by?: string }) => {
    const text = readText(file, what);
    const progress = importProgress(file, { unit, logName: `rollout-${kind}-import` });
    try {
      const counted = withStore(options, (store) =>
        importCsv(store, LOCAL_ADMIN, kind, text, {
          file,
          ...(options.by !== undefined && { by: options.by }),
          progress: (reach) =>
            progress.update({ bytesRead: reach.line, totalBytes: reach.lines, count: reach.done }),
        }),
      );
      progress.stop();
      process.stdout.write(
        `${file}: ${counted.added} ${unit} added, ${counted.changed} changed, ${counted.unchanged} already as in the file\n`,
      );
    } finally {
      progress.stop();
    }
  });
}

/** Adds `import` to the org and calendar groups and a report group with its own. */
export function registerImportCommands(rollout: Command): void {
  const group = (name: string) => {
    const found = rollout.commands.find((c) => c.name() === name);
    if (!found) throw new Error(`porteiro rollout ${name} is not registered`);
    return found;
  };
  addImport(group("org"), "orgs");
  addImport(group("calendar"), "calendar");
  const report = example(
    rollout.command("report"),
    'porteiro rollout report import reports.csv --by "Ana Coordinator" --data coordinator',
  ).description("status reports that arrive as spreadsheets (organisations push theirs with rollout push)");
  addImport(report, "reports");
}

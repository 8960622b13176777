import type { Command } from "commander";
import { type Day, formatDiagnostic, UserError } from "../core/index.js";
import {
  importListing,
  LISTING_FORMATS,
  type ListingFormat,
  listSnapshots,
  ZONE_TYPES,
  type ZoneType,
} from "../reputation/index.js";
import { openExistingStore, openStore } from "../store/index.js";
import { dataDir } from "./config.js";
import { importProgress } from "./import-progress.js";
import { choiceOption, countOption, dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";
import { registerReputationQuery } from "./reputation-query.js";
import { storeOptions } from "./store-options.js";

function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The `reputation` command group, created on first use, so each file can attach its subcommands. */
export function reputationCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "reputation") ??
    program
      .command("reputation")
      .description("blacklist listings: import zones and lists, look addresses up, report per network")
  );
}

const IMPORT_HELP = `
Formats:
  rbldnsd   rbldnsd data files; --zone-type says the dataset type (a "$DATASET type" line switches it):
              ip4set   ranges a.b.c.d-e.f.g.h and a.b.c.d-h, CIDR, short prefixes (10.2 = 10.2.0.0/16),
                       "!" exclusions; the finest /32, /24, /16 or /8 entry holding an address decides
              ip4tset  single addresses
              ip4trie  CIDR with "!" exclusions; the longest prefix decides
              ip6trie  IPv6 CIDR (2001:db8:1 = 2001:db8:1::/48) with "!" exclusions
            ":A:TXT" default lines and values after entries are checked and ignored; $SOA, $NS, $TTL,
            $TIMESTAMP and $n lines are ignored; $MAXRANGE4 drops wider entries, as rbldnsd does.
  plain     one address or prefix per line, IPv4 or IPv6; "#" and ";" comments
  cbl       the CBL list.txt (rbldnsd ip4tset data)
  cert-csv  the Spamhaus CERT CSV (ip, asn, country, lastseen, botname, …; ";" header lines)

Files may be gzip-compressed (detected by content). Big files stream: memory grows with the number
of entries (4 bytes per single address), not with the file. A progress bar shows on a terminal.

Bad lines are skipped and counted; the first --max-errors are printed as file:line: message, the rest
of the file is imported, and the exit status is 1. Importing the same list and date again replaces
that snapshot whole.

Example:
  porteiro reputation import cbl-list.txt.gz --list cbl --date 2026-01-15 --format cbl --data data`;

async function runImport(
  file: string,
  options: {
    data?: string;
    config?: string;
    list: string;
    date: Day;
    format: ListingFormat;
    zoneType?: ZoneType;
    maxErrors: number;
  },
): Promise<void> {
  const data = dataDir(options);
  const store = openStore(data);
  const progress = importProgress(file, { unit: "lines", logName: "reputation-import" });
  try {
    const result = await importListing(store, data, file, {
      list: options.list,
      date: options.date,
      format: options.format,
      ...(options.zoneType ? { zoneType: options.zoneType } : {}),
      maxDiagnostics: options.maxErrors,
      onProgress: (p) =>
        progress.update({ bytesRead: p.bytesRead, totalBytes: p.totalBytes, count: p.lines }),
    });
    progress.stop();
    const s = result.snapshot;
    process.stdout.write(
      `${file} (${s.format}): ${counted(result.lines, "line")}, ${counted(s.v4Addresses, "IPv4 address", "IPv4 addresses")}, ` +
        `${counted(s.v6Ranges, "IPv6 range")} listed; snapshot ${s.list} ${s.date}; ${counted(result.skipped, "bad line")} skipped\n`,
    );
    if (result.skipped > 0) {
      const messages = result.diagnostics.map(formatDiagnostic);
      const more = result.skipped - result.diagnostics.length;
      if (more > 0) messages.push(`… and ${counted(more, "more bad line")}`);
      messages.push(`${file}: ${counted(result.skipped, "bad line")} skipped; the rest is imported`);
      throw new UserError(messages.join("\n"));
    }
  } finally {
    progress.stop();
    store.close();
  }
}

function printLists(options: { data?: string; config?: string; list?: string; format: OutputFormat }): void {
  const store = openExistingStore(dataDir(options));
  let snapshots: ReturnType<typeof listSnapshots>;
  try {
    snapshots = listSnapshots(store, options.list);
  } finally {
    store.close();
  }
  const rows = snapshots.map((s) => ({
    list: s.list,
    date: s.date,
    v4_addresses: s.v4Addresses,
    v6_ranges: s.v6Ranges,
    format: s.format,
    source: s.source,
    imported_at: s.importedAt,
  }));
  if (options.format === "json") process.stdout.write(`${toJson({ snapshots: rows })}\n`);
  else if (options.format === "csv") {
    const lines = ["list,date,v4_addresses,v6_ranges,format,source,imported_at"];
    for (const r of rows) lines.push(Object.values(r).map(String).map(csvField).join(","));
    process.stdout.write(`${lines.join("\n")}\n`);
  } else if (rows.length === 0) process.stdout.write("no snapshots\n");
  else {
    const header = ["list", "date", "IPv4 addresses", "IPv6 ranges", "format", "source"];
    const body = rows.map((r) => [
      r.list,
      r.date,
      String(r.v4_addresses),
      String(r.v6_ranges),
      r.format,
      r.source,
    ]);
    process.stdout.write(`${table([header, ...body])}\n`);
  }
}

export function registerReputationCommands(program: Command): void {
  const reputation = reputationCommand(program);

  storeOptions(reputation.command("import"))
    .description("read a blacklist zone or list into the snapshot of a list on a date")
    .argument("<file>", "the zone or list file, plain or .gz")
    .requiredOption("--list <name>", "the list's name, e.g. cbl (letters, digits, . _ -)")
    .requiredOption("--date <YYYY-MM-DD>", "the day the file describes", dayOption)
    .requiredOption(
      "--format <format>",
      `one of ${LISTING_FORMATS.join(", ")}`,
      choiceOption(LISTING_FORMATS),
    )
    .option(
      "--zone-type <type>",
      `rbldnsd: ${ZONE_TYPES.join(", ")} (default ip4set)`,
      choiceOption(ZONE_TYPES),
    )
    .option("--max-errors <n>", "how many bad lines to print; all are counted", countOption, 10)
    .addHelpText("after", IMPORT_HELP)
    .action(runImport);

  storeOptions(reputation.command("lists"))
    .description("the snapshots stored, by list then date")
    .option("--list <name>", "only this list")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action(printLists);

  registerReputationQuery(reputation);
}

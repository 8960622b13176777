import { type Command, InvalidArgumentError, Option } from "commander";
import { type Day, formatDiagnostic, UserError } from "../core/index.js";
import { loadPlan, type Plan } from "../plan/index.js";
import {
  type DatedRow,
  type Grouping,
  listingOn,
  listSnapshots,
  loadNetworkMap,
  type NetworkMap,
  networkGrouping,
  planCountry,
  planGrouping,
  type ReportRow,
  rankingRows,
  readSnapshot,
  reportRows,
  type SnapshotSource,
  seriesRows,
  snapshotDates,
} from "../reputation/index.js";
import { openExistingStore, type Store } from "../store/index.js";
import { dataDir, planPath } from "./config.js";
import { choiceOption, dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, printable, table, toJson } from "./output.js";

const KEYS = ["country", "asn", "isp", "pool", "region"] as const;
type Key = (typeof KEYS)[number];

interface ReportOptions {
  data?: string;
  config?: string;
  plan?: string;
  date?: Day;
  by: Key;
  list?: string;
  series?: string;
  rank?: boolean;
  country?: string;
  limit?: number;
  format: OutputFormat;
  asnTable?: string[];
  countryTable?: string[];
  pfx2as?: string[];
  iptoasn?: string[];
  delegated?: string[];
}

const HELP = `
Counts are exact for IPv4. IPv6 is counted as listing ranges reaching into a key's space
(listed_v6_ranges), not as addresses. infect_pct is listed ÷ allocated × 100, where allocated is the
IPv4 space the network tables give an AS or country, or a pool's size in the plan; unknown space
and the addresses outside the plan (key "other") have no allocation. rank orders by listed count,
1-based, ties sharing a rank. change is against the previous snapshot (null when there is none).

Without --list every list is counted as one: the union of the snapshots taken on a date, so an
address on two lists counts once.

--series KEY  the key (BR, AS64496 or 64496, a pool, a region) on every snapshot date.
--rank        the country ranking on every snapshot date, as the CBL published it: the top
              --limit countries (default 10) and the followed country (--country, default the
              country holding most of the --plan's space); without either, every country.

Address to network: ASN and country come from the embedded tables of ip-location-db
(@ip-location-db/asn and asn-country: RouteViews, DB-IP and the RIRs' data, CC BY 4.0,
https://github.com/sapics/ip-location-db; IP to ASN by DB-IP, https://db-ip.com) unless tables
are given: ip-location-db style CSVs (--asn-table, --country-table), CAIDA pfx2as, iptoasn TSV,
RIR delegated-extended stats (which also give each country's allocation). The built map is kept
under the data folder's cache/ so the next report loads it in milliseconds.

Examples:
  porteiro reputation report --data data --date 2026-11-28 --by country --format json
  porteiro reputation report --data data --by isp --plan examples/plan.yaml
  porteiro reputation report --data data --by asn --series AS64496 --list cbl
  porteiro reputation report --data data --rank --country BR --limit 5`;

function limitOption(text: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new InvalidArgumentError("expected a whole number from 1.");
  return Number(text);
}

function countryOption(text: string): string {
  if (!/^[A-Za-z]{2}$/.test(text)) throw new InvalidArgumentError("expected a two-letter country code.");
  return text.toUpperCase();
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `porteiro reputation report`, attached to the `reputation` command group. */
export function registerReputationReport(group: Command): Command {
  return group
    .command("report")
    .description("listed addresses per country, AS, ISP, pool or region, with infect %, rank and change")
    .option("--data <dir>", "data folder holding porteiro.db (default: from -c, else ./data)")
    .option("-c, --config <file>", "porteiro.yaml naming the data folder and the plan")
    .option("--plan <file>", "plan file, for --by isp|pool|region (default: from -c)")
    .option("--date <date>", "snapshot date YYYY-MM-DD (default: the latest)", dayOption)
    .addOption(
      new Option("--by <key>", "group by country, asn, isp, pool or region")
        .default("country")
        .argParser(choiceOption(KEYS)),
    )
    .option("--list <name>", "one list (default: the union of every list)")
    .option("--series <key>", "one key over every snapshot date")
    .option("--rank", "the country ranking on every snapshot date")
    .option("--country <cc>", "with --rank: the country to follow", countryOption)
    .option("--limit <n>", "at most this many rows (per date with --rank)", limitOption)
    .addOption(
      new Option("--format <format>", "table, json or csv").default("table").argParser(outputFormatOption),
    )
    .option("--asn-table <file>", "ip-location-db style start,end,asn,organization CSV (repeatable)", collect)
    .option("--country-table <file>", "ip-location-db style start,end,country_code CSV (repeatable)", collect)
    .option("--pfx2as <file>", "CAIDA RouteViews prefix-to-AS table, .gz or not (repeatable)", collect)
    .option("--iptoasn <file>", "iptoasn.com TSV, .gz or not (repeatable)", collect)
    .option("--delegated <file>", "RIR delegated-extended statistics (repeatable)", collect)
    .addHelpText("after", HELP)
    .action(async (options: ReportOptions) => {
      if (options.rank && options.series)
        throw new UserError("--rank and --series are two different reports; give one");
      if (options.rank && options.by !== "country")
        throw new UserError("--rank ranks countries; leave out --by");
      const dir = dataDir(options);
      const store = openExistingStore(dir);
      try {
        const source = storeSnapshots(store, dir);
        const lists = listsOf(source, options.list, dir);
        const plan =
          options.by === "isp" ||
          options.by === "pool" ||
          options.by === "region" ||
          (options.rank && !options.country && (options.plan || options.config))
            ? loadedPlan(options)
            : undefined;
        const map =
          options.by === "asn" || options.by === "country" ? await networkMap(options, dir) : undefined;
        const grouping = map
          ? networkGrouping(map, options.by as "asn" | "country")
          : planGrouping(plan as Plan, options.by as "isp" | "pool" | "region");
        if (options.series !== undefined) {
          print(
            seriesRows(source, lists, grouping, seriesKey(options.by, options.series, grouping)),
            options.format,
          );
        } else if (options.rank) {
          const followed = options.country ?? (plan && map ? planCountry(plan, map) : undefined);
          const limit = options.limit ?? (followed ? 10 : Number.MAX_SAFE_INTEGER);
          print(rankingRows(source, lists, grouping, limit, followed), options.format);
        } else {
          const rows = reportOn(source, lists, grouping, options.date);
          print(options.limit ? rows.slice(0, options.limit) : rows, options.format);
        }
      } finally {
        store.close();
      }
    });
}

/** The snapshots the other reputation commands keep in the store. */
function storeSnapshots(store: Store, dir: string): SnapshotSource {
  return {
    lists: () => [...new Set(listSnapshots(store).map((s) => s.list))].sort(),
    dates: (list) =>
      listSnapshots(store, list)
        .map((s) => s.date)
        .sort(),
    read: (list, date) => readSnapshot(store, dir, list, date),
  };
}

function listsOf(source: SnapshotSource, list: string | undefined, dir: string): string[] {
  const all = source.lists();
  if (all.length === 0)
    throw new UserError(`${dir}: no listing snapshots yet; add one with porteiro reputation import`);
  if (list === undefined) return all;
  if (!all.includes(list)) throw new UserError(`no list "${list}" in ${dir}; there are: ${all.join(", ")}`);
  return [list];
}

function reportOn(
  source: SnapshotSource,
  lists: readonly string[],
  grouping: Grouping,
  date: Day | undefined,
): ReportRow[] {
  const dates = snapshotDates(source, lists);
  const day = date ?? (dates[dates.length - 1] as string);
  const current = listingOn(source, lists, day);
  if (!current) throw new UserError(`no snapshot on ${day}; there are snapshots on ${summarizeDates(dates)}`);
  const earlier = dates.filter((d) => d < day);
  const previous =
    earlier.length > 0 ? listingOn(source, lists, earlier[earlier.length - 1] as string) : undefined;
  return reportRows(grouping, current, previous);
}

function summarizeDates(dates: readonly string[]): string {
  return dates.length <= 5
    ? dates.join(", ")
    : `${dates.slice(0, 2).join(", ")} … ${dates.slice(-2).join(", ")}`;
}

/** `64496` or `as64496` for an AS, `br` for a country: the spellings a user reaches for. */
function seriesKey(by: Key, text: string, grouping: Grouping): string {
  const key = by === "asn" ? `AS${text.replace(/^as/i, "")}` : by === "country" ? text.toUpperCase() : text;
  if ((by === "pool" || by === "region") && !grouping.keys.includes(key))
    throw new UserError(`no ${by} "${text}" in the plan; there are: ${grouping.keys.join(", ")}`);
  return key;
}

function loadedPlan(options: ReportOptions): Plan {
  const loaded = loadPlan(planPath(options));
  for (const warning of loaded.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
  return loaded.plan;
}

function networkMap(options: ReportOptions, dir: string): Promise<NetworkMap> {
  return loadNetworkMap({
    asn: options.asnTable,
    country: options.countryTable,
    pfx2as: options.pfx2as,
    iptoasn: options.iptoasn,
    delegated: options.delegated,
    dataDir: dir,
  });
}

const COLUMNS = [
  "date",
  "key",
  "as_name",
  "kind",
  "region",
  "listed",
  "listed_v6_ranges",
  "allocated",
  "infect_pct",
  "rank",
  "change",
] as const;

function print(rows: readonly (ReportRow | DatedRow)[], format: OutputFormat): void {
  if (format === "json") {
    process.stdout.write(`${toJson({ rows })}\n`);
    return;
  }
  const present = COLUMNS.filter(
    (column) =>
      rows.some((row) => column in row) &&
      (column !== "listed_v6_ranges" || rows.some((row) => row.listed_v6_ranges > 0)),
  );
  const cell = (row: ReportRow | DatedRow, column: (typeof COLUMNS)[number]): string => {
    const value = (row as unknown as Record<string, string | number | null | undefined>)[column];
    if (value === null || value === undefined) return format === "csv" ? "" : "-";
    if (column === "infect_pct") return format === "csv" ? String(value) : (value as number).toFixed(3);
    if (column === "change" && format === "table" && (value as number) > 0) return `+${value}`;
    // AS names come from outside tables: never raw control characters on a terminal.
    return format === "table" ? printable(String(value)) : String(value);
  };
  if (format === "csv") {
    const lines = [
      present.join(","),
      ...rows.map((row) => present.map((c) => csvField(cell(row, c))).join(",")),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  const header = present.map((c) =>
    c === "infect_pct" ? "infect %" : c === "listed_v6_ranges" ? "v6 ranges" : c,
  );
  process.stdout.write(`${table([header, ...rows.map((row) => present.map((c) => cell(row, c)))])}\n`);
}

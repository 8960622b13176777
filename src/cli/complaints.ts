import { join } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import {
  complaintReport,
  complaintSeries,
  DEFAULT_MAX_MESSAGE_BYTES,
  getComplaint,
  INTERVALS,
  type Interval,
  importComplaints,
  type Key,
  listComplaints,
  type NetworkLookup,
  REPORT_KEYS,
  type ReportKey,
  reattributeComplaints,
  type StoredComplaint,
} from "../complaints/index.js";
import { addDays, type Day, UserError } from "../core/index.js";
import { loadPlan, type Plan } from "../plan/index.js";
import { loadNetworkMap } from "../reputation/index.js";
import { openExistingStore, openStore, type Store } from "../store/index.js";
import { dataDir } from "./config.js";
import { bytesUnder, importProgress } from "./import-progress.js";
import { choiceOption, countOption, dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, printable, table, toJson } from "./output.js";

interface CommonOptions {
  data?: string;
  config?: string;
  plan?: string;
}

interface NetworkOptions {
  asnTable?: string[];
  countryTable?: string[];
}

function common(command: Command): Command {
  return command
    .option("--data <dir>", "data folder holding porteiro.db and complaints/ (default: from -c, else ./data)")
    .option("-c, --config <file>", "porteiro.yaml naming the data folder");
}

function withNetworks(command: Command): Command {
  return command
    .option("--plan <file>", "the ISP's plan: pool, kind and region of each source (optional)")
    .option(
      "--asn-table <file>",
      "an ip-location-db style start,end,asn,organization CSV (repeatable; default: the embedded table)",
      collect,
    )
    .option(
      "--country-table <file>",
      "an ip-location-db style start,end,country CSV (repeatable; default: the embedded table)",
      collect,
    );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function idOption(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text))
    throw new InvalidArgumentError("expected a complaint id (a positive number).");
  return Number(text);
}

/** For the commands that work on stored complaints: a missing store is an error, not made. */
function withStore<T>(options: CommonOptions, work: (store: Store, data: string) => T): T {
  const data = dataDir(options);
  const store = openExistingStore(data);
  try {
    return work(store, data);
  } finally {
    store.close();
  }
}

const planOf = (options: CommonOptions): Plan | undefined =>
  options.plan ? loadPlan(options.plan).plan : undefined;

async function networksOf(options: NetworkOptions, data: string): Promise<NetworkLookup> {
  return loadNetworkMap({
    dataDir: data,
    ...(options.asnTable ? { asn: options.asnTable } : {}),
    ...(options.countryTable ? { country: options.countryTable } : {}),
  });
}

const iso = (ms: number) => new Date(ms).toISOString();
const cell = (value: Key | undefined) => (value === null || value === undefined ? "" : String(value));
const shown = (value: Key | undefined) =>
  value === null || value === undefined ? "-" : printable(String(value));

function csv(header: readonly string[], rows: readonly (readonly Key[])[]): string {
  return [header.join(","), ...rows.map((r) => r.map((v) => csvField(cell(v))).join(","))].join("\n");
}

const IMPORT_HELP = `
PATH may be:
  a Maildir        its cur/ and new/ messages (tmp/ holds mail still being delivered)
  an mbox file     split at "From " lines, ">From " unquoted (mboxrd, mboxo); read as a stream
  a .eml file      one message
  a folder         its .eml, .json and .mbox files
  a .json file     an X-ARF v4 report (xarf_version 4.x)

A message is an ARF report (RFC 5965: multipart/report; report-type=feedback-report, with the
message/feedback-report part and the original message or its headers; found also when nested
or forwarded inside another message) or an X-ARF mail (a v4 JSON part, or the legacy X-XARF
report part with Source and Source-Type).

The source address is ARF's Source-IP, else the reported message's X-Originating-IP or its
first Received: from outside the reporter; X-ARF's source_identifier or Source. The time is
Arrival-Date, else Received-Date, else the date of that Received:, else the report's own Date;
X-ARF's timestamp or Date. Each complaint records which rule gave them (source_rule, time_rule).

A complaint is attributed to the ASN and country of its source address, the plan's pool and
region (--plan), and the subscriber who held the address then (leases from \`porteiro leases
import\`). A CGNAT address (port blocks in the leases) is attributed by the report's source port
to the one subscriber whose block held it; without a port, or with one no single block held, it
is a "shared-address" complaint attributed to no subscriber.

Each report's raw bytes are kept once under DATA/complaints/raw/. Reports about an original
message already stored (same Message-ID, else same headers) count once, as duplicates of it;
a report imported again changes nothing.

Exit status: 0 when every item was imported; 1 when any was rejected. Rejected items (not a
report, no feedback-report part, no source address by any rule, a bad Arrival-Date, bad JSON,
larger than --max-size) are copied to DATA/complaints/rejected/ with a .reason file and listed as
file[:message-index]: reason; the good ones are imported all the same.

Example:
  porteiro complaints import ~/Maildir/.abuse --data data --plan examples/plan.yaml`;

export function registerComplaintsCommands(program: Command): void {
  const complaints = program
    .command("complaints")
    .description("abuse reports (ARF, X-ARF): import them, see where they come from");

  withNetworks(common(complaints.command("import")))
    .description("read abuse reports from a Maildir, mbox, .eml files or X-ARF JSON")
    .argument("<path>", "a Maildir, mbox, .eml or .json file, or a folder of them")
    .option(
      "--max-size <bytes>",
      `reject reports larger than this, unread (default ${DEFAULT_MAX_MESSAGE_BYTES})`,
      countOption,
      DEFAULT_MAX_MESSAGE_BYTES,
    )
    .option("--max-errors <n>", "how many rejected items to name; all are counted", countOption, 20)
    .addHelpText("after", IMPORT_HELP)
    .action(
      async (
        path: string,
        options: CommonOptions & NetworkOptions & { maxSize: number; maxErrors: number },
      ) => {
        const plan = planOf(options);
        const data = dataDir(options);
        const networks = await networksOf(options, data);
        const store = openStore(data);
        const totalBytes = bytesUnder(path);
        const progress = importProgress(path, { unit: "reports", logName: "complaints-import" });
        try {
          const result = await importComplaints(store, data, path, {
            onProgress: ({ items, bytesRead }) => progress.update({ bytesRead, totalBytes, count: items }),
            networks,
            ...(plan ? { plan } : {}),
            maxMessageBytes: options.maxSize,
            maxRejections: options.maxErrors,
          });
          progress.stop();
          process.stdout.write(
            `${path}: ${result.items} reports read: ${result.imported} new complaints, ` +
              `${result.duplicates} duplicates of known ones, ${result.alreadyImported} already imported, ` +
              `${result.rejected} rejected\n`,
          );
          if (result.rejected > 0) {
            const lines = result.rejections.map((r) => `${printable(r.source)}: ${printable(r.reason)}`);
            const more = result.rejected - result.rejections.length;
            if (more > 0) lines.push(`… and ${more} more rejected`);
            lines.push(
              `${result.rejected} rejected, kept with the reason in ${join(data, "complaints", "rejected")}`,
            );
            throw new UserError(lines.join("\n"));
          }
        } finally {
          progress.stop();
          store.close();
        }
      },
    );

  withNetworks(common(complaints.command("reattribute")))
    .description(
      "attribute every stored complaint again (new leases, a corrected plan, other network tables)",
    )
    .action(async (options: CommonOptions & NetworkOptions) => {
      const plan = planOf(options);
      const data = dataDir(options);
      // The store first: without one there is nothing to attribute, and no network cache to build.
      const store = openExistingStore(data);
      let count: number;
      try {
        const networks = await networksOf(options, data);
        count = reattributeComplaints(store, { networks, ...(plan ? { plan } : {}) });
      } finally {
        store.close();
      }
      process.stdout.write(`${count} complaints attributed again\n`);
    });

  common(complaints.command("report"))
    .description(
      "complaints per network, plan pool, region, subscriber, attribution, feedback type or reported domain",
    )
    .requiredOption("--by <key>", REPORT_KEYS.join(", "), choiceOption(REPORT_KEYS))
    .option("--since <date>", "from this day, 00:00 UTC (arrival time)", dayOption)
    .option("--until <date>", "through this day, 24:00 UTC", dayOption)
    .option("--series", "counts per interval for each key")
    .option("--interval <period>", INTERVALS.join(", "), choiceOption(INTERVALS), "day")
    .option("--key <key>", "with --series: only this key (as printed)")
    .option(
      "--plan <file>",
      "take isp, pool and region from this plan instead of the import-time attribution",
    )
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .addHelpText(
      "after",
      "\nA complaint is one reported original message: further reports about it are counted as duplicates.\n" +
        "--by attribution counts how subscribers were found: address, port-block, shared-address (a CGNAT\n" +
        "address and no port naming one subscriber) or none (no lease).\n" +
        'JSON: {"rows": [{"key", "complaints", "duplicates", "first", "last"}]}, with --series\n' +
        '{"rows": [{"key", "interval", "complaints", "duplicates"}]}; key is null where unknown.\n\n' +
        "Example:\n  porteiro complaints report --data data --by subscriber --since 2026-01-01 --format json",
    )
    .action(
      (
        options: CommonOptions & {
          by: ReportKey;
          since?: Day;
          until?: Day;
          series?: boolean;
          interval: Interval;
          key?: string;
          format: OutputFormat;
        },
      ) => {
        if (options.since && options.until && options.until < options.since) {
          throw new UserError(`--until ${options.until} is before --since ${options.since}`);
        }
        if (options.key !== undefined && !options.series) throw new UserError("--key goes with --series");
        const plan = planOf(options);
        const window = {
          by: options.by,
          ...(options.since ? { sinceMs: Date.parse(`${options.since}T00:00:00Z`) } : {}),
          ...(options.until ? { untilMs: Date.parse(`${addDays(options.until, 1)}T00:00:00Z`) } : {}),
          ...(plan ? { plan } : {}),
        };
        withStore(options, (store) => {
          if (options.series) {
            const rows = complaintSeries(store, {
              ...window,
              interval: options.interval,
              ...(options.key !== undefined ? { key: options.key } : {}),
            });
            writeRows(options.format, rows, ["key", "interval", "complaints", "duplicates"], "no complaints");
          } else {
            const rows = complaintReport(store, window);
            writeRows(
              options.format,
              rows,
              ["key", "complaints", "duplicates", "first", "last"],
              "no complaints",
            );
          }
        });
      },
    );

  common(complaints.command("list"))
    .description("the stored complaints, latest arrival first")
    .option("--limit <n>", "at most this many", countOption, 50)
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: CommonOptions & { limit: number; format: OutputFormat }) => {
      const all = withStore(options, (store) => listComplaints(store, { limit: options.limit }));
      if (options.format === "json") {
        process.stdout.write(`${toJson({ complaints: all.map(jsonOf) })}\n`);
        return;
      }
      const rows = all.map((c) => [
        c.id,
        iso(c.arrivalMs),
        c.sourceIp,
        c.feedbackType,
        c.attribution.asn === null ? null : `AS${c.attribution.asn}`,
        c.attribution.country,
        c.attribution.subscriber,
        c.attribution.subscriberMatch,
        c.reportedDomain,
        c.duplicates,
        c.subject,
      ]);
      const header = [
        "id",
        "arrival",
        "source",
        "type",
        "asn",
        "country",
        "subscriber",
        "attribution",
        "domain",
        "dups",
        "subject",
      ];
      if (options.format === "csv") process.stdout.write(`${csv(header, rows)}\n`);
      else if (rows.length === 0) process.stdout.write("no complaints\n");
      else process.stdout.write(`${table([header, ...rows.map((r) => r.map(shown))])}\n`);
    });

  common(complaints.command("show"))
    .description("one complaint: its fields, attribution and the raw evidence")
    .argument("<id>", "the complaint id, as `complaints list` prints it", idOption)
    .option("--format <format>", "table or json", outputFormatOption, "table")
    .action((id: number, options: CommonOptions & { format: OutputFormat }) => {
      withStore(options, (store, data) => {
        const complaint = getComplaint(store, id);
        if (!complaint) throw new UserError(`no complaint ${id}`);
        if (options.format === "json") {
          process.stdout.write(
            `${toJson({ ...jsonOf(complaint), evidence: evidenceOf(complaint, data) })}\n`,
          );
          return;
        }
        process.stdout.write(`${showText(complaint, data)}\n`);
      });
    });
}

function writeRows<R extends object>(
  format: OutputFormat,
  rows: readonly R[],
  header: readonly string[],
  none: string,
) {
  const values = rows.map((r) => header.map((h) => (r as Record<string, Key>)[h] ?? null));
  if (format === "json") process.stdout.write(`${toJson({ rows })}\n`);
  else if (format === "csv") process.stdout.write(`${csv(header, values)}\n`);
  else if (rows.length === 0) process.stdout.write(`${none}\n`);
  else process.stdout.write(`${table([[...header], ...values.map((r) => r.map(shown))])}\n`);
}

function evidenceOf(c: StoredComplaint, data: string) {
  return c.reports.map((r) => ({ path: join(data, r.rawPath), sha256: r.sha256, source: r.source }));
}

function jsonOf(c: StoredComplaint) {
  return {
    id: c.id,
    arrival: iso(c.arrivalMs),
    source_ip: c.sourceIp,
    source_port: c.sourcePort,
    source_rule: c.sourceRule,
    time_rule: c.timeRule,
    format: c.format,
    feedback_type: c.feedbackType,
    user_agent: c.userAgent,
    version: c.version,
    incidents: c.incidents,
    reported_domain: c.reportedDomain,
    original_mail_from: c.originalMailFrom,
    original_rcpt_to: c.originalRcptTo,
    reporting_mta: c.reportingMta,
    reporter: c.reporter,
    subject: c.subject,
    original_message_id: c.originalMessageId,
    original_key: c.originalKey,
    duplicates: c.duplicates,
    asn: c.attribution.asn,
    as_name: c.attribution.asName,
    country: c.attribution.country,
    isp: c.attribution.isp,
    pool: c.attribution.pool,
    pool_kind: c.attribution.poolKind,
    region: c.attribution.region,
    subscriber: c.attribution.subscriber,
    attribution: c.attribution.subscriberMatch,
    imported_at: c.importedAt,
    fields: c.fields.map(([name, value]) => ({ name, value })),
  };
}

function showText(c: StoredComplaint, data: string): string {
  const a = c.attribution;
  const lines: [string, Key][] = [
    ["complaint", c.id],
    ["arrival", `${iso(c.arrivalMs)} (${c.timeRule})`],
    [
      "source",
      `${c.sourcePort === null ? c.sourceIp : `${c.sourceIp} port ${c.sourcePort}`} (${c.sourceRule})`,
    ],
    ["format", c.format],
    ["feedback type", c.feedbackType],
    ["reporter", c.reporter],
    ["user agent", c.userAgent],
    ["reported domain", c.reportedDomain],
    ["original from", c.originalMailFrom],
    ["original to", c.originalRcptTo],
    ["subject", c.subject],
    ["message-id", c.originalMessageId],
    ["duplicates", c.duplicates],
    ["asn", a.asn === null ? null : `AS${a.asn}${a.asName ? ` ${a.asName}` : ""}`],
    ["country", a.country],
    ["isp", a.isp],
    ["pool", a.pool === null ? null : `${a.pool} (${a.poolKind}${a.region ? `, region ${a.region}` : ""})`],
    ["subscriber", a.subscriber],
    ["attribution", a.subscriberMatch],
  ];
  const out = lines.map(([name, value]) => `${`${name}:`.padEnd(17)}${shown(value)}`);
  out.push("fields:");
  for (const [name, value] of c.fields) out.push(`  ${printable(name)}: ${printable(value)}`);
  out.push("evidence:");
  for (const e of evidenceOf(c, data)) out.push(`  ${e.path} (from ${printable(e.source)})`);
  return out.join("\n");
}

import { writeFileSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import {
  createLogger,
  type Day,
  type Endpoint,
  parseAddress,
  parseEndpoint,
  UserError,
} from "../core/index.js";
import {
  abusingSources,
  defaultHoneypotConfig,
  EXPORT_FORMATS,
  type ExportFormat,
  escapeText,
  type HoneypotConfig,
  honeypotReport,
  listSessions,
  type NetworkLookup,
  NO_NETWORK_MAP,
  REPORT_KEYS,
  type ReportKey,
  type ReportRow,
  renderZone,
  sensorCounters,
  sessionDetail,
  startSensor,
} from "../honeypot/index.js";
import { loadNetworkMap } from "../reputation/index.js";
import { dataDir, loadConfig } from "./config.js";
import { choiceOption, dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";
import { shutdownSignal } from "./signals.js";
import { type StoreOptions, storeOptions, withExistingStore } from "./store-options.js";

function endpointOption(text: string): Endpoint {
  try {
    return parseEndpoint(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function countryOption(text: string): string {
  if (!/^[A-Za-z]{2}$/.test(text)) throw new InvalidArgumentError("expected a two-letter country code.");
  return text.toUpperCase();
}

const dayStart = (day: Day) => Date.parse(`${day}T00:00:00Z`);
const showEndpoint = (e: Endpoint) =>
  e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;

interface ServeOptions extends StoreOptions {
  http?: Endpoint;
  socks?: Endpoint;
  smtp?: Endpoint;
  name?: string;
}

async function serve(options: ServeOptions): Promise<void> {
  const file = options.config ? loadConfig(options.config) : undefined;
  const section = file?.honeypot ?? defaultHoneypotConfig();
  // Listeners named on the command line replace the configured set: only those run.
  const chosen = options.http || options.socks || options.smtp;
  const config: HoneypotConfig = {
    ...section,
    ...(options.name ? { name: options.name } : {}),
    ...(chosen
      ? { http: options.http ?? null, socks: options.socks ?? null, smtp: options.smtp ?? null }
      : {}),
  };
  if (!config.http && !config.socks && !config.smtp) throw new UserError("no listener enabled");
  const logger = createLogger("honeypot");
  const sensor = await startSensor({ config, dataDir: options.data ?? file?.data ?? "data", logger });
  for (const [name, endpoint] of Object.entries(sensor.endpoints)) {
    process.stdout.write(`honeypot ${name} listening on ${showEndpoint(endpoint)}\n`);
  }
  const signal = await shutdownSignal();
  logger.info({ signal }, "shutting down: closing sessions and writing captures");
  await sensor.stop();
}

/** The reputation capability's address → network map, adapted to the report's text addresses. */
async function networkMap(data: string): Promise<NetworkLookup> {
  const map = await loadNetworkMap({ dataDir: data });
  return { lookup: (text) => map.lookup(parseAddress(text)) };
}

const REPORT_HELP = `
Keys:
  country             origin country of the source address (reputation's network map)
  asn                 origin AS of the source address, with its name
  destination-domain  recipient domains; a session counts once per domain it wrote to
  campaign            messages grouped by normalised body hash, subject pattern or shared URL
  listener            http, socks4, socks5 or smtp (the port the abuse arrived on)

Every row has key, sessions, messages and recipients (with --series also day, UTC). JSON is
{"by", "rows", "home_country", "origin": {"home", "abroad", "unknown"}, "abroad_share"}:
abroad_share is messages from countries other than the home country ÷ messages of known origin
(null without --home-country or the config's honeypot.country).

Example:
  porteiro honeypot report --data data --by country --home-country BR --format json`;

function printRows(rows: readonly ReportRow[], by: ReportKey, format: OutputFormat, extra: string[]): void {
  const series = rows.some((r) => r.day !== undefined);
  const columns = [...(series ? ["day"] : []), "key", "sessions", "messages", "recipients"];
  if (by === "asn") columns.push("as_name");
  if (by === "campaign") columns.push("subject", "urls");
  const cell = (row: ReportRow, column: string): string => {
    const value = (row as unknown as Record<string, unknown>)[column];
    if (Array.isArray(value)) return value.join(" ");
    return value === undefined || value === null ? "" : String(value);
  };
  if (format === "csv") {
    const lines = [columns.join(",")];
    for (const row of rows) lines.push(columns.map((c) => csvField(escapeText(cell(row, c)))).join(","));
    process.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  const body = rows.map((row) => columns.map((c) => escapeText(cell(row, c))));
  process.stdout.write(
    `${rows.length === 0 ? "no sessions\n" : `${table([columns, ...body])}\n`}${extra.join("")}`,
  );
}

function percent(share: number | null): string {
  return share === null ? "unknown" : `${(share * 100).toFixed(1)} %`;
}

export function registerHoneypotCommands(program: Command): void {
  const honeypot = program
    .command("honeypot")
    .description(
      "spam honeypot sensor: emulated open proxies and relay that capture abuse and deliver nothing",
    );

  storeOptionsWith(honeypot.command("serve"))
    .description("run the sensor: HTTP proxy, SOCKS 4/4a/5 proxy and open SMTP relay, all emulated")
    .option("--http <host:port>", "HTTP proxy listener (CONNECT and absolute-URI requests)", endpointOption)
    .option("--socks <host:port>", "SOCKS listener; SOCKS4, 4a and 5 on one port", endpointOption)
    .option("--smtp <host:port>", "open relay listener", endpointOption)
    .option("--name <name>", "sensor name recorded with every capture (default: config, else host name)")
    .addHelpText(
      "after",
      "\nListeners named here replace the configured ones: only those run. Without any, the config's\n" +
        "(defaults 127.0.0.1:8080, :1080, :2525). A proxy request for port 25, 587 or 465 meets an\n" +
        "emulated mail server that accepts and stores every message; any other port is refused. No\n" +
        "connection ever leaves the sensor. SIGTERM or SIGINT closes the sessions, writes them, exits 0.\n\n" +
        "Example:\n  porteiro honeypot serve --data data --http 0.0.0.0:8080 --socks 0.0.0.0:1080 --smtp 0.0.0.0:25",
    )
    .action(serve);

  storeOptionsWith(honeypot.command("report"))
    .description(
      "sessions, messages and recipients by country, ASN, destination domain, campaign or listener",
    )
    .requiredOption("--by <key>", REPORT_KEYS.join(", "), choiceOption(REPORT_KEYS))
    .option("--series", "one row per UTC day and key")
    .option(
      "--home-country <cc>",
      "the sensor's own country (default: config honeypot.country)",
      countryOption,
    )
    .option("--since <date>", "sessions from this UTC day on", dayOption)
    .option("--until <date>", "sessions before this UTC day", dayOption)
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .addHelpText("after", REPORT_HELP)
    .action(
      async (
        options: StoreOptions & {
          by: ReportKey;
          series?: boolean;
          homeCountry?: string;
          since?: Day;
          until?: Day;
          format: OutputFormat;
        },
      ) => {
        const data = dataDir(options);
        const home =
          options.homeCountry ?? (options.config ? loadConfig(options.config).honeypot.country : undefined);
        const needsOrigin = options.by === "country" || options.by === "asn" || home !== undefined;
        const network = needsOrigin ? await networkMap(data) : NO_NETWORK_MAP;
        const report = withExistingStore(options, (store) =>
          honeypotReport(store, {
            by: options.by,
            ...(options.series ? { series: true } : {}),
            ...(home ? { homeCountry: home } : {}),
            ...(options.since ? { sinceMs: dayStart(options.since) } : {}),
            ...(options.until ? { untilMs: dayStart(options.until) } : {}),
            network,
          }),
        );
        if (options.format === "json") {
          process.stdout.write(`${toJson(report)}\n`);
          return;
        }
        const { home: inHome, abroad, unknown } = report.origin;
        printRows(report.rows, options.by, options.format, [
          options.format === "table" && report.home_country
            ? `\nfrom abroad: ${percent(report.abroad_share)} of messages of known origin ` +
              `(${abroad.messages} abroad, ${inHome.messages} from ${report.home_country}, ${unknown.messages} unknown)\n`
            : "",
        ]);
      },
    );

  storeOptionsWith(honeypot.command("export"))
    .description("write the abusing source addresses as an rbldnsd zone or a plain list")
    .option("--format <format>", EXPORT_FORMATS.join(" or "), choiceOption(EXPORT_FORMATS), "rbldnsd")
    .option("--since <date>", "sources seen from this UTC day on", dayOption)
    .option("-o, --output <file>", "write here instead of standard output")
    .addHelpText(
      "after",
      "\nListed: every source that sent a message through the sensor or asked a proxy for a destination.\n" +
        "rbldnsd: a combined dataset (ip4set and ip6trie sections answering 127.0.0.2); load it with\n" +
        "  rbldnsd -b 127.0.0.1/5353 honeypot.example:combined:honeypot.zone\n\n" +
        "Example:\n  porteiro honeypot export --data data --format rbldnsd --since 2026-11-01 -o honeypot.zone",
    )
    .action((options: StoreOptions & { format: ExportFormat; since?: Day; output?: string }) => {
      const sources = withExistingStore(options, (store) =>
        abusingSources(store, options.since ? dayStart(options.since) : 0),
      );
      const text = renderZone(sources, options.format, new Date());
      if (options.output) writeFileSync(options.output, text);
      else process.stdout.write(text);
    });

  storeOptionsWith(honeypot.command("sessions"))
    .description("list captured sessions, newest first, attacker text escaped")
    .option("--source <address>", "only this source address")
    .option("--limit <n>", "at most this many", (t) => Number.parseInt(t, 10), 50)
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: StoreOptions & { source?: string; limit: number; format: OutputFormat }) => {
      const rows = withExistingStore(options, (store) =>
        listSessions(store, { ...(options.source ? { source: options.source } : {}), limit: options.limit }),
      );
      if (options.format === "json") {
        process.stdout.write(`${toJson({ rows })}\n`);
        return;
      }
      const columns = [
        "id",
        "started",
        "source",
        "path",
        "destination",
        "helo",
        "messages",
        "recipients",
        "outcome",
      ] as const;
      const cells = rows.map((r) => columns.map((c) => escapeText(String(r[c] ?? ""))));
      if (options.format === "csv") {
        process.stdout.write(
          `${[columns.join(","), ...cells.map((c) => c.map(csvField).join(","))].join("\n")}\n`,
        );
      } else
        process.stdout.write(rows.length === 0 ? "no sessions\n" : `${table([[...columns], ...cells])}\n`);
    });

  storeOptionsWith(honeypot.command("show"))
    .description("one session in full: envelope, recipients, message hashes; attacker text escaped")
    .argument("<id>", "session id (from honeypot sessions)")
    .option("--format <format>", "table or json", outputFormatOption, "table")
    .action((id: string, options: StoreOptions & { format: OutputFormat }) => {
      const detail = withExistingStore(options, (store) => sessionDetail(store, Number.parseInt(id, 10)));
      if (!detail) throw new UserError(`no honeypot session ${id}`);
      if (options.format === "json") {
        process.stdout.write(`${toJson(detail)}\n`);
        return;
      }
      const { message_list, ...session } = detail;
      const lines = Object.entries(session).map(([k, v]) => `${k}: ${escapeText(String(v ?? ""))}`);
      for (const m of message_list) {
        lines.push(
          `message ${m.id}: from <${escapeText(m.mail_from)}> to ${m.recipients.map((r) => `<${escapeText(r)}>`).join(" ")}`,
          `  sha256 ${m.sha256}, ${m.size} bytes${m.truncated ? " (truncated)" : ""}${m.body_stored ? "" : " (body evicted)"}`,
          `  subject pattern: ${escapeText(m.subject_pattern)}; campaign fingerprint ${m.fingerprint}`,
        );
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    });

  storeOptionsWith(honeypot.command("counters"))
    .description(
      "the sensor's running totals: sessions shed per bound, proxy requests refused, outbound attempts",
    )
    .action((options: StoreOptions) => {
      process.stdout.write(`${toJson(withExistingStore(options, sensorCounters))}\n`);
    });
}

const storeOptionsWith = (command: Command) =>
  storeOptions(command, "porteiro.yaml naming the data folder and the honeypot: section");

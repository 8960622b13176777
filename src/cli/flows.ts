import { type Command, InvalidArgumentError, Option } from "commander";
import {
  addDays,
  createLogger,
  type Day,
  formatDiagnostic,
  type Logger,
  parseEndpoint,
  today,
  UserError,
} from "../core/index.js";
import {
  ADOPTION_GROUPS,
  ADOPTION_INTERVALS,
  type AdoptionGroup,
  type AdoptionInterval,
  DEFAULT_THRESHOLDS,
  type DirectSender,
  directSenders,
  type FlowWindow,
  impactOn,
  loadThresholds,
  observeHitTotals,
  plural,
  SENDER_CLASSES,
  type SubscriberLookup,
  submissionAdoption,
  type Thresholds,
  thresholdsSchema,
} from "../flows/index.js";
import { loadPlan, type Plan } from "../plan/index.js";
import { openStore, type Store } from "../store/index.js";
import { LeaseIndex } from "../subscribers/index.js";
import { type CollectorRuntime, startCollectorRuntime } from "./collector-runtime.js";
import { dataDir, planPath } from "./config.js";
import { registerHitsCommand } from "./flows-hits.js";
import { registerImportCommands } from "./flows-import.js";
import { choiceOption, dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";
import { startScheduler } from "./scheduler.js";
import { shutdownSignal } from "./signals.js";
import { type StoreOptions, storeOptions, withExistingStore } from "./store-options.js";

interface AnalysisOptions extends StoreOptions {
  plan?: string;
  since?: Day;
  until?: Day;
  region?: string;
  thresholds?: string;
  timezone?: string;
  format: OutputFormat;
}

function analysisOptions(command: Command): Command {
  return storeOptionsWith(command)
    .option("--plan <file>", "plan file (default: from -c)")
    .option("--since <date>", "from this day, 00:00 UTC (default: the first flows stored)", dayOption)
    .option("--until <date>", "through this day, 24:00 UTC (default: the last flows stored)", dayOption)
    .option("--region <id>", "only this region's pools")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table");
}

function classOptions(command: Command): Command {
  return command
    .option("--thresholds <file>", "YAML file overriding the class thresholds (see the README)")
    .option("--timezone <zone>", `where office hours are reckoned (default ${DEFAULT_THRESHOLDS.timezone})`);
}

function loadedPlan(options: AnalysisOptions): Plan {
  const loaded = loadPlan(planPath(options));
  for (const warning of loaded.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
  return loaded.plan;
}

function windowOf(options: AnalysisOptions): FlowWindow {
  if (options.since && options.until && options.until < options.since) {
    throw new UserError(`--until ${options.until} is before --since ${options.since}`);
  }
  return {
    ...(options.since ? { sinceMs: Date.parse(`${options.since}T00:00:00Z`) } : {}),
    ...(options.until ? { untilMs: Date.parse(`${addDays(options.until, 1)}T00:00:00Z`) } : {}),
  };
}

function thresholdsOf(options: AnalysisOptions): Thresholds {
  const thresholds = options.thresholds ? loadThresholds(options.thresholds) : DEFAULT_THRESHOLDS;
  if (options.timezone === undefined) return thresholds;
  const zone = thresholdsSchema.shape.timezone.safeParse(options.timezone);
  if (!zone.success)
    throw new UserError(`--timezone ${options.timezone}: not an IANA time zone (e.g. America/Sao_Paulo)`);
  return { ...thresholds, timezone: zone.data };
}

/** Subscribers from the leases in the store (`porteiro leases import`); none when there are none. */
function subscriberLookup(store: Store, window: FlowWindow): SubscriberLookup {
  const leases = LeaseIndex.load(store, window);
  return (address, fromMs, toMs) => leases.subscribersDuring(address, fromMs, toMs)[0]?.subscriber ?? null;
}

function csv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null)[])[],
): string {
  return [
    header.join(","),
    ...rows.map((row) => row.map((v) => csvField(v === null ? "" : String(v))).join(",")),
  ]
    .map((line) => `${line}\n`)
    .join("");
}

const percent = (share: number | null) => (share === null ? "-" : `${(share * 100).toFixed(1)}%`);

function printSenders(senders: readonly DirectSender[], format: OutputFormat): void {
  if (format === "json") {
    process.stdout.write(`${toJson({ senders })}\n`);
    return;
  }
  if (format === "csv") {
    const header = [
      "address",
      "subscriber",
      "class",
      "region",
      "pool",
      "flows",
      "distinct_destinations",
      "distinct_destinations_estimated",
      "first_seen",
      "last_seen",
      "packets",
      "bytes",
      "short_flows",
      "syn_only_flows",
      "relay_flows",
      "submission_flows",
      "hours_active",
      "days_active",
      "exception",
      "reasons",
    ] as const;
    const rows = senders.map((s) =>
      header.map((key) =>
        key === "reasons" ? s.reasons.join("; ") : (s[key] as string | number | boolean | null),
      ),
    );
    process.stdout.write(csv(header, rows));
    return;
  }
  if (senders.length === 0) {
    process.stdout.write("no direct-to-MX senders in dynamic space\n");
    return;
  }
  process.stdout.write(
    `${table([
      [
        "address",
        "subscriber",
        "class",
        "region",
        "pool",
        "flows",
        "destinations",
        "first seen",
        "last seen",
        "why",
      ],
      ...senders.map((s) => [
        s.address,
        s.subscriber ?? "-",
        s.class,
        s.region ?? "-",
        s.pool,
        String(s.flows),
        `${s.distinct_destinations_estimated ? "≥" : ""}${s.distinct_destinations}`,
        s.first_seen.slice(0, 16).replace("T", " "),
        s.last_seen.slice(0, 16).replace("T", " "),
        [...s.reasons, ...(s.exception ? [`exception: ${s.exception}`] : [])].join("; "),
      ]),
    ])}\n`,
  );
  const counts = SENDER_CLASSES.map((c) => `${senders.filter((s) => s.class === c).length} ${c}`).join(", ");
  process.stdout.write(`\n${plural(senders.length, "direct-to-MX sender")}: ${counts}\n`);
}

function positiveIntegerOption(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1.");
  return n;
}

/** `udp://HOST:PORT`, an IPv6 host in brackets. */
function listenOption(text: string): { host: string; port: number } {
  if (!text.startsWith("udp://")) throw new InvalidArgumentError("expected udp://HOST:PORT.");
  try {
    return parseEndpoint(text.slice("udp://".length));
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

async function collect(
  options: StoreOptions & {
    listen: { host: string; port: number };
    flushSeconds: number;
    statsSeconds: number;
  },
  log: Logger,
): Promise<void> {
  const store = openStore(dataDir(options));
  let runtime: CollectorRuntime;
  try {
    runtime = await startCollectorRuntime({ listen: options.listen, store, logger: log });
  } catch (error) {
    store.close();
    throw error;
  }
  const scheduler = startScheduler(runtime.jobs(options.flushSeconds, options.statsSeconds), log);
  const signal = await shutdownSignal();
  log.info({ signal }, "shutting down: writing the aggregates held");
  await scheduler.stop();
  await runtime.stop();
  store.close();
}

export function registerFlowsCommands(program: Command): void {
  const flows = program
    .command("flows")
    .description("port-25 flows: collect or import them, see who sends direct to MX, plan the blocking");

  storeOptionsWith(flows.command("collect"))
    .description("receive NetFlow v5/v9 and IPFIX, keep hourly port-25/587/465 aggregates in the store")
    .addOption(
      new Option("--listen <url>", "where to listen, udp://HOST:PORT (IPv6 host in brackets)")
        .argParser(listenOption)
        .default(listenOption("udp://127.0.0.1:2055"), "udp://127.0.0.1:2055"),
    )
    .option("--flush-seconds <n>", "write aggregates to the store this often", positiveIntegerOption, 5)
    .option("--stats-seconds <n>", "log the collector's counters this often", positiveIntegerOption, 60)
    .addHelpText(
      "after",
      "\nRuns until SIGTERM or SIGINT, then writes what it holds and exits 0. Logs go to stderr (--log-format).\n" +
        "Example:\n  porteiro flows collect --data data --listen udp://0.0.0.0:2055",
    )
    .action((options) => collect(options, createLogger("flows")));

  registerImportCommands(flows);

  classOptions(analysisOptions(flows.command("report")))
    .description("sources in dynamic space sending TCP/25 to hosts other than the relays, with their class")
    .addHelpText(
      "after",
      "\nClasses: bot-like (fan-out, short or failed flows, around the clock), mail-client (few destinations,\n" +
        "low volume, office hours, often also 587/465), server (steady, many destinations, sessions complete).\n" +
        "Example:\n  porteiro flows report --data data --plan examples/plan.yaml --format json",
    )
    .action((options: AnalysisOptions) => {
      const plan = loadedPlan(options);
      const window = windowOf(options);
      const thresholds = thresholdsOf(options);
      const senders = withExistingStore(options, (store) =>
        directSenders(store, plan, {
          window,
          ...(options.region ? { region: options.region } : {}),
          thresholds,
          subscriberAt: subscriberLookup(store, window),
          exceptionsOn: options.until ?? today(),
        }),
      );
      printSenders(senders, options.format);
    });

  classOptions(analysisOptions(flows.command("impact")))
    .description("who loses port 25 on a day: direct-to-MX senders in the regions enforcing then, by class")
    .requiredOption("--at <date>", "the day (YYYY-MM-DD)", dayOption)
    .addHelpText(
      "after",
      "\nExceptions in force on the day are left out. --format csv prints the list to notify:\n" +
        "subscriber,address,class,region,pool,evidence. With readings of the router's observe-phase counters\n" +
        "(`porteiro flows hits`), the evidence says how many connections the router counted from each address,\n" +
        "and the table and JSON list the blocked addresses the router counted but the flows do not show.\n" +
        "Example:\n  porteiro flows impact --data data --plan examples/plan.yaml --at 2026-12-01 --format csv",
    )
    .action((options: AnalysisOptions & { at: Day }) => {
      const plan = loadedPlan(options);
      const window = windowOf(options);
      const thresholds = thresholdsOf(options);
      const impact = withExistingStore(options, (store) =>
        impactOn(store, plan, options.at, {
          window,
          ...(options.region ? { region: options.region } : {}),
          thresholds,
          subscriberAt: subscriberLookup(store, window),
          observeHits: observeHitTotals(store, {
            ...(window.sinceMs === undefined ? {} : { since: new Date(window.sinceMs).toISOString() }),
            ...(window.untilMs === undefined ? {} : { until: new Date(window.untilMs).toISOString() }),
          }),
        }),
      );
      if (options.format === "json") {
        process.stdout.write(`${toJson(impact)}\n`);
        return;
      }
      if (options.format === "csv") {
        process.stdout.write(
          csv(
            ["subscriber", "address", "class", "region", "pool", "evidence"],
            impact.notify.map((n) => [n.subscriber, n.address, n.class, n.region, n.pool, n.evidence]),
          ),
        );
        return;
      }
      const regions = impact.regions.map((r) => `${r.id} (since ${r.enforce_from})`).join(", ") || "none";
      const lines = [
        `On ${impact.day}, regions enforcing: ${regions}`,
        ...SENDER_CLASSES.map(
          (c) =>
            `  ${c}: ${plural(impact.by_class[c].senders, "sender")}, ${plural(impact.by_class[c].subscribers, "known subscriber")}`,
        ),
        `  not blocked that day (open or observe phase, or an exception): ${impact.not_blocked}`,
      ];
      const hits = impact.observe_hits;
      if (hits && hits.readings > 0) {
        lines.push(
          `  router observe-phase counters: ${plural(hits.readings, "reading")} to ${hits.last_reading}, ` +
            `${plural(hits.sources, "source")} counted, ${hits.blocked_sources} of them blocked that day, ` +
            `${hits.without_flows.length} of those not in the flow data`,
        );
        if (hits.without_flows.length > 0) {
          lines.push(
            "",
            table([
              ["address (router counters only)", "region", "pool", "connections counted"],
              ...hits.without_flows.map((h) => [h.address, h.region ?? "-", h.pool, String(h.hits)]),
            ]),
          );
        }
      }
      if (impact.notify.length > 0) {
        lines.push(
          "",
          table([
            ["subscriber", "address", "class", "region", "pool", "evidence"],
            ...impact.notify.map((n) => [
              n.subscriber ?? "-",
              n.address,
              n.class,
              n.region ?? "-",
              n.pool,
              n.evidence,
            ]),
          ]),
        );
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    });

  registerHitsCommand(flows);

  analysisOptions(flows.command("adoption"))
    .description("share of mail on 587/465 rather than 25 in dynamic space, per region or pool over time")
    .option("--by <group>", ADOPTION_GROUPS.join(" or "), choiceOption(ADOPTION_GROUPS), "region")
    .option("--interval <period>", ADOPTION_INTERVALS.join(", "), choiceOption(ADOPTION_INTERVALS), "week")
    .addHelpText(
      "after",
      "\nflow share: flows on 587/465 ÷ flows on 25, 587 and 465 (relays included).\n" +
        "source share: sources using only 587/465 ÷ sources using any of them. Periods are UTC; weeks start on Monday.",
    )
    .action((options: AnalysisOptions & { by: AdoptionGroup; interval: AdoptionInterval }) => {
      const plan = loadedPlan(options);
      const rows = withExistingStore(options, (store) =>
        submissionAdoption(store, plan, {
          window: windowOf(options),
          ...(options.region ? { region: options.region } : {}),
          by: options.by,
          interval: options.interval,
        }),
      );
      if (options.format === "json") {
        process.stdout.write(`${toJson({ adoption: rows })}\n`);
        return;
      }
      const header = [
        "period",
        "region",
        "pool",
        "flows_25",
        "flows_587",
        "flows_465",
        "flow_share",
        "sources",
        "submission_only_sources",
        "source_share",
      ] as const;
      if (options.format === "csv") {
        process.stdout.write(
          csv(
            header,
            rows.map((r) => header.map((key) => r[key])),
          ),
        );
        return;
      }
      if (rows.length === 0) {
        process.stdout.write("no mail flows from dynamic space\n");
        return;
      }
      process.stdout.write(
        `${table([
          [
            "period",
            options.by,
            "on 25",
            "on 587",
            "on 465",
            "flow share",
            "sources",
            "587/465 only",
            "source share",
          ],
          ...rows.map((r) => [
            r.period,
            (options.by === "pool" ? r.pool : r.region) ?? "-",
            String(r.flows_25),
            String(r.flows_587),
            String(r.flows_465),
            percent(r.flow_share),
            String(r.sources),
            String(r.submission_only_sources),
            percent(r.source_share),
          ]),
        ])}\n`,
      );
    });
}

const storeOptionsWith = (command: Command) =>
  storeOptions(command, "porteiro.yaml naming the data folder and the plan");

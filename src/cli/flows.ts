import { type Command, InvalidArgumentError, Option } from "commander";
import { createLogger, type Logger, parseEndpoint } from "../core/index.js";
import {
  ADOPTION_GROUPS,
  ADOPTION_INTERVALS,
  type AdoptionGroup,
  type AdoptionInterval,
  startCollectorRuntime,
  submissionAdoption,
} from "../flows/index.js";
import { dataDir, loadConfig } from "./config.js";
import { type FlowStoreOptions, withFlowStore } from "./flow-store-options.js";
import {
  type AnalysisOptions,
  analysisOptions,
  csv,
  loadedPlan,
  positiveIntegerOption,
  storeOptionsWith,
  windowOf,
} from "./flows-analysis.js";
import { registerCopyCommand } from "./flows-copy.js";
import { registerHitsCommand } from "./flows-hits.js";
import { registerImpactCommand } from "./flows-impact.js";
import { registerImportCommands } from "./flows-import.js";
import { registerReportCommand } from "./flows-report.js";
import { choiceOption } from "./options.js";
import { table, toJson } from "./output.js";
import { startScheduler } from "./scheduler.js";
import { shutdownSignal } from "./signals.js";

const percent = (share: number | null) => (share === null ? "-" : `${(share * 100).toFixed(1)}%`);

/** `udp://HOST:PORT`, an IPv6 host in brackets. */
function listenOption(text: string): { host: string; port: number } {
  if (!text.startsWith("udp://")) throw new InvalidArgumentError("expected udp://HOST:PORT.");
  try {
    return parseEndpoint(text.slice("udp://".length));
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** flows.retention_days from -c, if the config sets it. */
function retentionOf(options: { config?: string }): { retentionDays?: number } {
  const days = options.config ? loadConfig(options.config).flows.retention_days : undefined;
  return days === undefined ? {} : { retentionDays: days };
}

async function collect(
  options: FlowStoreOptions & {
    listen: { host: string; port: number };
    flushSeconds: number;
    statsSeconds: number;
  },
  log: Logger,
): Promise<void> {
  await withFlowStore(
    options,
    async (flows, store) => {
      const runtime = await startCollectorRuntime({
        listen: options.listen,
        flows,
        store,
        logger: log,
        dataDir: dataDir(options),
        ...retentionOf(options),
      });
      log.info({ flowsStore: flows.location }, "flow collector writing");
      const scheduler = startScheduler(runtime.jobs(options.flushSeconds, options.statsSeconds), log);
      const signal = await shutdownSignal();
      log.info({ signal }, "shutting down: writing the aggregates held");
      await scheduler.stop();
      await runtime.stop();
    },
    { log },
  );
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
    .option("--flush-seconds <n>", "write aggregates to the flow store this often", positiveIntegerOption, 5)
    .option("--stats-seconds <n>", "log the collector's counters this often", positiveIntegerOption, 60)
    .addHelpText(
      "after",
      "\nRuns until SIGTERM or SIGINT, then writes what it holds and exits 0. Logs go to stderr (--log-format).\n" +
        "Example:\n  porteiro flows collect --data data --listen udp://0.0.0.0:2055",
    )
    .action((options) => collect(options, createLogger("flows")));

  registerImportCommands(flows);
  registerReportCommand(flows);
  registerImpactCommand(flows);
  registerHitsCommand(flows);
  registerCopyCommand(flows);

  analysisOptions(flows.command("adoption"))
    .description("share of mail on 587/465 rather than 25 in dynamic space, per region or pool over time")
    .option("--by <group>", ADOPTION_GROUPS.join(" or "), choiceOption(ADOPTION_GROUPS), "region")
    .option("--interval <period>", ADOPTION_INTERVALS.join(", "), choiceOption(ADOPTION_INTERVALS), "week")
    .addHelpText(
      "after",
      "\nflow share: flows on 587/465 ÷ flows on 25, 587 and 465 (relays included).\n" +
        "source share: sources using only 587/465 ÷ sources using any of them. Periods are UTC; weeks start on Monday.",
    )
    .action(async (options: AnalysisOptions & { by: AdoptionGroup; interval: AdoptionInterval }) => {
      const plan = loadedPlan(options);
      const rows = await withFlowStore(
        options,
        (flows) =>
          submissionAdoption(flows, plan, {
            window: windowOf(options),
            ...(options.region ? { region: options.region } : {}),
            by: options.by,
            interval: options.interval,
          }),
        { existing: true },
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

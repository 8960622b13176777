import { hostname as systemHostname } from "node:os";
import { join, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { Registry } from "prom-client";
import { createLogger, type Endpoint, type Logger, parseEndpoint } from "../core/index.js";
import {
  type CollectorRuntime,
  type FlowStore,
  openFlowStore,
  parseFlowStoreUrl,
  registerCollectorMetrics,
  startCollectorRuntime,
} from "../flows/index.js";
import { defaultHoneypotConfig, type Sensor, startSensor } from "../honeypot/index.js";
import { openStore, type Store } from "../store/index.js";
import { SubmissionMetrics } from "../submission/index.js";
import {
  AUTOCONFIG_OFF,
  autoconfigOn,
  DemoProgress,
  defaultWebConfig,
  startWeb,
  type WebServer,
} from "../web/index.js";
import { type Config, loadConfig } from "./config.js";
import {
  DEMO_OPERATOR,
  type DemoSeeding,
  demoWebConfig,
  ensureDemoOperator,
  seedInBackground,
} from "./demo.js";
import { flowStoreOption } from "./flow-store-options.js";
import { type Job, type Scheduler, startScheduler } from "./scheduler.js";
import { shutdownSignal } from "./signals.js";
import { endpointOption } from "./submission.js";
import {
  formatEndpoint,
  listeningLine,
  type SubmissionRuntime,
  startSubmissionRuntime,
  withSubmissionFlags,
} from "./submission-runtime.js";

interface ServeOptions {
  config?: string;
  data?: string;
  plan?: string;
  web?: Endpoint;
  listen?: Endpoint;
  listenTls?: Endpoint;
  smarthost?: Endpoint;
  cert?: string;
  key?: string;
  hostname?: string;
  collect?: Endpoint;
  flowsStore?: string;
  submission: boolean;
  collector: boolean;
  honeypot?: boolean;
  demo?: boolean;
}

const FLOWS_FLUSH_SECONDS = 5;
const FLOWS_STATS_SECONDS = 60;
const SESSION_PURGE_MS = 3_600_000;
/** How long after its shutdown serve waits for leftover handles before exiting anyway. */
const EXIT_GRACE_MS = 2000;

function collectOption(text: string): Endpoint {
  if (!text.startsWith("udp://")) throw new InvalidArgumentError("expected udp://HOST:PORT.");
  try {
    return parseEndpoint(text.slice("udp://".length));
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** What runs, stopped in the reverse order of starting. */
interface Running {
  flows?: FlowStore;
  web?: WebServer;
  submission?: SubmissionRuntime;
  collector?: CollectorRuntime;
  honeypot?: Sensor;
  scheduler?: Scheduler;
  seeding?: DemoSeeding;
}

/**
 * Stops every service, in the reverse order of starting, and closes the store: one that fails to
 * stop is logged and the rest still stop. Returns the error of the first that failed.
 */
async function stopAll(running: Running, store: Store, logger: Logger): Promise<Error | undefined> {
  const stops: [string, () => unknown][] = [
    ["demo", () => running.seeding?.stop()],
    ["scheduler", () => running.scheduler?.stop()],
    ["web", () => running.web?.close()],
    ["submission", () => running.submission?.stop()],
    ["flows", () => running.collector?.stop()],
    ["honeypot", () => running.honeypot?.stop()],
    ["flow store", () => running.flows?.close()],
    ["store", () => store.close()],
  ];
  let failure: Error | undefined;
  for (const [service, stop] of stops) {
    try {
      await stop();
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      logger.error({ service, err: err.message }, "failed to stop");
      failure ??= new Error(`${service} did not stop cleanly: ${err.message}`);
    }
  }
  logger.info("stopped");
  return failure;
}

/**
 * Ends the process once serve has stopped everything, should a handle a failed stop left open
 * (a socket, a thread) still hold it: SIGTERM must end it.
 */
function exitSoon(): void {
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}

/** Where the plan is: --plan, the config's, or for the demo the one its generator writes in the data folder. */
function planFileOf(options: ServeOptions, config: Config | undefined, data: string): string | undefined {
  if (options.plan) return resolve(options.plan);
  if (config) return config.plan;
  return options.demo ? join(data, "demo", "plan.yaml") : undefined;
}

async function serve(options: ServeOptions): Promise<void> {
  const config = options.config ? loadConfig(options.config) : undefined;
  const data = resolve(options.data ?? config?.data ?? "data");
  const configured = config?.web ?? defaultWebConfig();
  const web = options.demo ? await demoWebConfig(configured) : configured;
  const section = withSubmissionFlags(config?.submission, options);
  const smarthost = options.smarthost ?? section.smarthost;
  const hostname = options.hostname ?? section.hostname ?? systemHostname();
  const planFile = planFileOf(options, config, data);
  const logger = createLogger("porteiro");
  const store = openStore(data);
  const running: Running = {};
  const stopped = shutdownSignal();
  try {
    const flowsUrl = options.flowsStore ?? config?.flows.store ?? "sqlite";
    const flows = await openFlowStore(parseFlowStoreUrl(flowsUrl), store, { log: logger });
    running.flows = flows;
    const submissionMetrics = options.submission ? new SubmissionMetrics() : undefined;
    const registries: Registry[] = submissionMetrics ? [submissionMetrics.registry] : [];
    if (options.collector) {
      // Registered before the web server merges the registries; read once the collector runs.
      const flows = new Registry();
      registerCollectorMetrics(flows, () => running.collector?.readings());
      registries.push(flows);
    }
    const demo = new DemoProgress(options.demo ? "seeding" : "off", options.demo ? "starting" : "");
    // The web server first: it answers while the rest starts and the demo data loads.
    const listen = options.web ?? web.listen;
    running.web = await startWeb({
      host: listen.host,
      port: listen.port,
      store,
      flows: { store: flows, url: flowsUrl },
      dataDir: data,
      ...(planFile ? { planFile } : {}),
      config: web,
      submissionHost: web.submission_host ?? hostname,
      logger: logger.child({ service: "web" }),
      registries,
      demo,
    });
    process.stdout.write(
      `porteiro: web console and help site on ${running.web.url} (console: ${running.web.url}console/)\n`,
    );
    if (!autoconfigOn(web)) process.stdout.write(`porteiro: ${AUTOCONFIG_OFF}\n`);
    const jobs: Job[] = [
      {
        name: "web-sessions-expiry",
        everyMs: SESSION_PURGE_MS,
        run: () => void running.web?.context.sessions.purgeExpired(),
      },
    ];
    if (options.demo) {
      const password = await ensureDemoOperator(running.web.context.operators);
      process.stdout.write(`demo login: ${DEMO_OPERATOR} / ${password}\n`);
    }
    if (submissionMetrics) {
      running.submission = await startSubmissionRuntime({
        section,
        ...(smarthost ? { smarthost } : {}),
        hostname,
        dataDir: data,
        store,
        logger: logger.child({ service: "submission" }),
        metrics: submissionMetrics,
      });
      process.stdout.write(listeningLine(hostname, running.submission, smarthost));
    }
    if (options.collector) {
      running.collector = await startCollectorRuntime({
        listen: options.collect ?? { host: "127.0.0.1", port: 2055 },
        flows,
        store,
        logger: logger.child({ service: "flows" }),
        dataDir: data,
        ...(config?.flows.retention_days === undefined ? {} : { retentionDays: config.flows.retention_days }),
      });
      jobs.push(...running.collector.jobs(FLOWS_FLUSH_SECONDS, FLOWS_STATS_SECONDS));
      process.stdout.write(
        `porteiro flows: collecting on udp://${formatEndpoint(running.collector.endpoint)}\n`,
      );
    }
    if (options.honeypot || config?.honeypotEnabled) {
      running.honeypot = await startSensor({
        config: config?.honeypot ?? defaultHoneypotConfig(),
        dataDir: data,
        logger: logger.child({ service: "honeypot" }),
      });
      for (const [listener, endpoint] of Object.entries(running.honeypot.endpoints)) {
        process.stdout.write(`porteiro honeypot: ${listener} listening on ${formatEndpoint(endpoint)}\n`);
      }
    }
    running.scheduler = startScheduler(jobs, logger);
    if (options.demo) {
      if (!planFile) throw new Error("the demo has no plan file");
      running.seeding = seedInBackground(
        {
          store,
          flows,
          dataDir: data,
          planFile,
          ...(running.collector
            ? { collector: running.collector.endpoint, flushCollector: running.collector.flush }
            : {}),
          logger: logger.child({ service: "demo" }),
        },
        demo,
        logger,
      );
      process.stdout.write(
        `demo data: loading in the background; progress at ${running.web.url}api/demo/progress\n`,
      );
    }
  } catch (error) {
    await stopAll(running, store, logger);
    exitSoon();
    throw error;
  }
  const signal = await stopped;
  logger.info({ signal }, "shutting down");
  const failure = await stopAll(running, store, logger);
  exitSoon();
  if (failure) throw failure;
}

export function registerServeCommand(program: Command): void {
  flowStoreOption(program.command("serve"))
    .description(
      "run the whole platform in one process: web console and help site, submission, flow collector",
    )
    .option(
      "-c, --config <file>",
      "porteiro.yaml (its web:, submission: sections, plan and data); flags override it",
    )
    .option("--data <dir>", "data folder (default: from -c, else ./data)")
    .option("--plan <file>", "plan file (default: from -c; with --demo, DATA/demo/plan.yaml)")
    .option("--web <host:port>", "web server (default 127.0.0.1:8025)", endpointOption)
    .option("--listen <host:port>", "submission STARTTLS listener (default 127.0.0.1:2587)", endpointOption)
    .option(
      "--listen-tls <host:port>",
      "submission implicit-TLS listener (default 127.0.0.1:2465)",
      endpointOption,
    )
    .option(
      "--smarthost <host:port>",
      "deliver every message to this MTA instead of each domain's MX",
      endpointOption,
    )
    .option(
      "--cert <file>",
      "TLS certificate chain for submission, PEM (default: self-signed under DATA/tls/)",
    )
    .option("--key <file>", "the certificate's private key, PEM")
    .option("--hostname <name>", "submission's name in the greeting, Received lines and Message-IDs")
    .option(
      "--collect <url>",
      "flow collector, udp://HOST:PORT (default udp://127.0.0.1:2055)",
      collectOption,
    )
    .option("--no-submission", "do not run the submission service")
    .option("--no-collector", "do not run the flow collector")
    .option(
      "--honeypot",
      "also run the spam honeypot sensor (on by itself when porteiro.yaml has a honeypot: section)",
    )
    .option(
      "--demo",
      "create the demo operator (admin), load the demo data in the background, and (unless web.incoming is set) serve autoconfig for the demo ISP's domain aurora.example",
    )
    .addHelpText(
      "after",
      "\nSIGTERM or SIGINT stops everything and exits 0 (2 when a service failed to stop: the log says which).\n" +
        "PORTEIRO_DEMO_PASSWORD sets the demo login's password.\n" +
        "Examples:\n  porteiro serve -c porteiro.yaml\n  porteiro serve --demo --data demo-data --web 127.0.0.1:8025",
    )
    .action((options: ServeOptions) => serve(options));
}

import { hostname as systemHostname } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import { createLogger, type Endpoint, parseEndpoint } from "../core/index.js";
import { openStore } from "../store/index.js";
import { type MetricsEndpoint, serveMetrics } from "../submission/index.js";
import { loadConfig } from "./config.js";
import { shutdownSignal } from "./signals.js";
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
  listen?: Endpoint;
  listenTls?: Endpoint;
  smarthost?: Endpoint;
  cert?: string;
  key?: string;
  hostname?: string;
  metrics?: Endpoint;
}

export function endpointOption(text: string): Endpoint {
  try {
    return parseEndpoint(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

async function serve(options: ServeOptions): Promise<void> {
  const file = options.config ? loadConfig(options.config) : undefined;
  const section = withSubmissionFlags(file?.submission, options);
  // A smarthost on the command line replaces the configured one whole, credentials included.
  const smarthost = options.smarthost ?? section.smarthost;
  const data = options.data ?? file?.data ?? "data";
  const hostname = options.hostname ?? section.hostname ?? systemHostname();
  const logger = createLogger("submission");

  const db = openStore(data);
  const stopped = shutdownSignal();
  let runtime: SubmissionRuntime | undefined;
  let scrape: MetricsEndpoint | undefined;
  try {
    runtime = await startSubmissionRuntime({
      section,
      ...(smarthost ? { smarthost } : {}),
      hostname,
      dataDir: data,
      store: db,
      logger,
    });
    scrape = options.metrics ? await serveMetrics(runtime.metrics.registry, options.metrics) : undefined;
  } catch (error) {
    await runtime?.stop();
    db.close();
    throw error;
  }
  const service = runtime;
  process.stdout.write(listeningLine(hostname, service, smarthost));
  if (scrape) {
    logger.info({ metrics: scrape.endpoint }, "serving metrics");
    process.stdout.write(`metrics on http://${formatEndpoint(scrape.endpoint)}/metrics\n`);
  }

  const signal = await stopped;
  logger.info({ signal }, "shutting down: finishing messages in flight");
  await service.stop();
  await scrape?.stop();
  db.close();
  logger.info("stopped");
}

export function registerSubmissionCommands(program: Command): void {
  const submission = program
    .command("submission")
    .description("the authenticated submission service (RFC 6409) on 587/465, its spool and delivery");

  submission
    .command("serve")
    .description("accept authenticated mail over STARTTLS and implicit TLS, spool it, deliver it")
    .option("-c, --config <file>", "porteiro.yaml (its submission: section); flags override it")
    .option("--data <dir>", "data folder holding porteiro.db and the spool (default: from -c, else ./data)")
    .option("--listen <host:port>", "STARTTLS listener (default 127.0.0.1:2587)", endpointOption)
    .option("--listen-tls <host:port>", "implicit-TLS listener (default 127.0.0.1:2465)", endpointOption)
    .option(
      "--smarthost <host:port>",
      "send every message to this MTA instead of each domain's MX",
      endpointOption,
    )
    .option("--cert <file>", "TLS certificate chain, PEM (default: a self-signed one under DATA/tls/)")
    .option("--key <file>", "the certificate's private key, PEM")
    .option("--hostname <name>", "our name in the greeting, Received lines and Message-IDs")
    .option(
      "--metrics <host:port>",
      "serve Prometheus metrics at http://HOST:PORT/metrics (default: off)",
      endpointOption,
    )
    .addHelpText(
      "after",
      "\nSIGTERM or SIGINT stops accepting, lets messages being received finish, then exits 0.\n" +
        "Example:\n  porteiro submission serve --data data --listen 0.0.0.0:587 --listen-tls 0.0.0.0:465 \\\n" +
        "    --cert /etc/ssl/mail.crt --key /etc/ssl/mail.key --smarthost 192.0.2.25:25",
    )
    .action((options: ServeOptions) => serve(options));
}

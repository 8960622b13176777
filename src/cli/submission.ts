import { hostname as systemHostname } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import { createLogger } from "../core/index.js";
import { openStore } from "../store/index.js";
import {
  defaultSubmissionConfig,
  type Endpoint,
  loadCertificate,
  type MetricsEndpoint,
  parseEndpoint,
  Spool,
  type SubmissionConfig,
  SubmissionMetrics,
  serveMetrics,
  startDelivery,
  startSubmission,
  UserStore,
} from "../submission/index.js";
import { loadConfig } from "./config.js";

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

function endpointOption(text: string): Endpoint {
  try {
    return parseEndpoint(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const format = (endpoint: Endpoint) =>
  endpoint.host.includes(":") ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;

/** Resolves on the first SIGTERM or SIGINT. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      resolve(signal);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}

async function serve(options: ServeOptions): Promise<void> {
  const file = options.config ? loadConfig(options.config) : undefined;
  const section: SubmissionConfig = {
    ...(file?.submission ?? defaultSubmissionConfig()),
    ...(options.listen ? { listen: options.listen } : {}),
    ...(options.listenTls ? { listen_tls: options.listenTls } : {}),
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.key ? { key: options.key } : {}),
  };
  // A smarthost on the command line replaces the configured one whole, credentials included.
  const smarthost = options.smarthost ?? section.smarthost;
  const data = options.data ?? file?.data ?? "data";
  const hostname = options.hostname ?? section.hostname ?? systemHostname();
  const logger = createLogger("submission");

  const tls = loadCertificate({ cert: section.cert, key: section.key, dataDir: data, hostname });
  if (tls.source === "generated") {
    logger.warn(
      { file: tls.certFile, serverName: hostname },
      "no certificate configured: generated a self-signed one",
    );
    process.stdout.write(
      `generated a self-signed certificate for ${hostname} in ${tls.certFile}; clients will warn until --cert/--key name a real one\n`,
    );
  }
  const db = openStore(data);
  const spool = new Spool(db, data);
  const metrics = new SubmissionMetrics();
  logger.info(spool.recover(), "spool recovered (temp files and unindexed files removed)");
  const delivery = startDelivery({
    spool,
    hostname,
    ...(smarthost ? { smarthost } : {}),
    ...(section.mx ? { mx: section.mx } : {}),
    concurrency: section.delivery_concurrency,
    connectionsPerDestination: section.delivery_connections_per_destination,
    lifetimeMs: section.queue_lifetime_hours * 3_600_000,
    logger,
    metrics,
  });
  const stopped = shutdownSignal();
  let service: Awaited<ReturnType<typeof startSubmission>>;
  let scrape: MetricsEndpoint | undefined;
  try {
    scrape = options.metrics ? await serveMetrics(metrics.registry, options.metrics) : undefined;
    service = await startSubmission({
      config: section,
      hostname,
      tls,
      spool,
      users: new UserStore(db),
      logger,
      metrics,
      onQueued: (message, recipients) => delivery.enqueue(message, recipients),
    });
  } catch (error) {
    await scrape?.stop();
    await delivery.stop();
    db.close();
    throw error;
  }
  const where = `${format(service.starttls)} (STARTTLS) and ${format(service.implicitTls)} (implicit TLS)`;
  logger.info(
    { starttls: service.starttls, implicitTls: service.implicitTls, serverName: hostname },
    "listening",
  );
  process.stdout.write(
    `porteiro submission: ${hostname} listening on ${where}; delivering to ${smarthost ? `smarthost ${format(smarthost)}` : "each domain's MX"}\n`,
  );
  if (scrape) {
    logger.info({ metrics: scrape.endpoint }, "serving metrics");
    process.stdout.write(`metrics on http://${format(scrape.endpoint)}/metrics\n`);
  }

  const signal = await stopped;
  logger.info({ signal }, "shutting down: finishing messages in flight");
  await service.stop();
  await delivery.stop();
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

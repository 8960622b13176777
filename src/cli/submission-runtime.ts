import type { Endpoint, Logger } from "../core/index.js";
import type { Store } from "../store/index.js";
import {
  type DeliveryOptions,
  defaultSubmissionConfig,
  loadCertificate,
  Spool,
  type SubmissionConfig,
  SubmissionMetrics,
  startQueueManager,
  startSubmission,
  UserStore,
} from "../submission/index.js";

export interface SubmissionRuntimeOptions {
  /** The `submission:` section with the command line's overrides applied. */
  readonly section: SubmissionConfig;
  readonly smarthost?: DeliveryOptions["smarthost"];
  readonly hostname: string;
  readonly dataDir: string;
  readonly store: Store;
  readonly logger: Logger;
  /** Counters to use, when the caller serves them before the service starts. */
  readonly metrics?: SubmissionMetrics;
}

export interface SubmissionRuntime {
  readonly metrics: SubmissionMetrics;
  readonly starttls: Endpoint;
  readonly implicitTls: Endpoint;
  /** Lets messages being received finish (up to shutdown_grace), then stops delivery. */
  stop(): Promise<void>;
}

/** The listeners and certificate flags shared by `submission serve` and `serve`. */
export interface SubmissionFlags {
  readonly listen?: Endpoint;
  readonly listenTls?: Endpoint;
  readonly cert?: string;
  readonly key?: string;
}

/** The configured section (or the defaults) with the command line's flags on top. */
export function withSubmissionFlags(
  configured: SubmissionConfig | undefined,
  flags: SubmissionFlags,
): SubmissionConfig {
  return {
    ...(configured ?? defaultSubmissionConfig()),
    ...(flags.listen ? { listen: flags.listen } : {}),
    ...(flags.listenTls ? { listen_tls: flags.listenTls } : {}),
    ...(flags.cert ? { cert: flags.cert } : {}),
    ...(flags.key ? { key: flags.key } : {}),
  };
}

export const formatEndpoint = (endpoint: Endpoint) =>
  endpoint.host.includes(":") ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;

/** The line `submission serve` and `serve` print once the listeners are up. */
export function listeningLine(hostname: string, runtime: SubmissionRuntime, smarthost?: Endpoint): string {
  const where = `${formatEndpoint(runtime.starttls)} (STARTTLS) and ${formatEndpoint(runtime.implicitTls)} (implicit TLS)`;
  const to = smarthost ? `smarthost ${formatEndpoint(smarthost)}` : "each domain's MX";
  return `porteiro submission: ${hostname} listening on ${where}; delivering to ${to}\n`;
}

/**
 * The submission service with its spool and delivery, as `submission serve` and `serve` run it:
 * the certificate (self-signed once when none is configured), spool recovery, delivery, listeners.
 */
export async function startSubmissionRuntime(options: SubmissionRuntimeOptions): Promise<SubmissionRuntime> {
  const { section, hostname, logger, store } = options;
  const tls = loadCertificate({ cert: section.cert, key: section.key, dataDir: options.dataDir, hostname });
  if (tls.source === "generated") {
    logger.warn(
      { file: tls.certFile, serverName: hostname },
      "no certificate configured: generated a self-signed one",
    );
    process.stdout.write(
      `generated a self-signed certificate for ${hostname} in ${tls.certFile}; clients will warn until --cert/--key name a real one\n`,
    );
  }
  const metrics = options.metrics ?? new SubmissionMetrics();
  const depthReader = new Spool(store, options.dataDir);
  metrics.countQueue(() => depthReader.depth());
  // Recovery comes first: the queue thread starts delivering what the spool holds at once.
  logger.info(
    new Spool(store, options.dataDir).recover(),
    "spool recovered (temp files and unindexed files removed)",
  );
  const queue = await startQueueManager(
    {
      dataDir: options.dataDir,
      hostname,
      ...(options.smarthost ? { smarthost: options.smarthost } : {}),
      ...(section.mx ? { mx: section.mx } : {}),
      concurrency: section.delivery_concurrency,
      connectionsPerDestination: section.delivery_connections_per_destination,
      lifetimeMs: section.queue_lifetime_hours * 3_600_000,
      logLevel: logger.level,
    },
    { logger, metrics },
  );
  const spool = new Spool(store, options.dataDir, {
    index: (entry) => queue.index(entry),
    store: (entry, content) => queue.store(entry, content),
  });
  let service: Awaited<ReturnType<typeof startSubmission>>;
  try {
    service = await startSubmission({
      config: section,
      hostname,
      tls,
      spool,
      users: new UserStore(store),
      logger,
      metrics,
    });
  } catch (error) {
    await queue.stop();
    throw error;
  }
  logger.info(
    { starttls: service.starttls, implicitTls: service.implicitTls, serverName: hostname },
    "listening",
  );
  return {
    metrics,
    starttls: service.starttls,
    implicitTls: service.implicitTls,
    stop: async () => {
      await service.stop();
      await queue.stop();
    },
  };
}

/**
 * The queue thread: the spool's index writes and delivery, off the thread that speaks SMTP to
 * clients (Postfix splits smtpd from qmgr and smtp the same way). Its SQLite commits (a WAL
 * fsync each) and its outgoing sessions no longer stall the sessions being accepted.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../core/index.js";
import { openStore } from "../store/index.js";
import { startOwnedDelivery } from "./delivery-owner.js";
import type { DeliveryOutcome } from "./metrics.js";
import type {
  CommitRequest,
  CommitResult,
  FromQueueThread,
  QueueThreadSettings,
  ToQueueThread,
} from "./queue-protocol.js";
import { Spool, spooledMessage } from "./spool.js";
import { TurnBatch } from "./turn-batch.js";

/** Delivered messages' files kept for new ones (spare-files.ts): about a second's worth at full load. */
const SPARE_FILES = 1024;

const port = parentPort;
if (!port) throw new Error("queue-thread.ts runs only as a worker thread");
const settings = workerData as QueueThreadSettings;
const post = (message: FromQueueThread) => port.postMessage(message);
const results = new TurnBatch<CommitResult>((batch) => post({ type: "committed", results: batch }));
const outcomes = new TurnBatch<DeliveryOutcome>((batch) => post({ type: "delivered", outcomes: batch }));

try {
  const logger = createLogger("porteiro").child({ thread: "queue" });
  // The level of the logger the service was given, which may differ from PORTEIRO_LOG_LEVEL.
  logger.level = settings.logLevel;
  const store = openStore(settings.dataDir);
  const spool = new Spool(store, settings.dataDir, { spareFiles: SPARE_FILES });
  // Only one process delivers from the spool at a time (another may be a `campaign send`).
  const delivery = startOwnedDelivery({
    spool,
    hostname: settings.hostname,
    ...(settings.smarthost ? { smarthost: settings.smarthost } : {}),
    ...(settings.mx ? { mx: settings.mx } : {}),
    concurrency: settings.concurrency,
    connectionsPerDestination: settings.connectionsPerDestination,
    lifetimeMs: settings.lifetimeMs,
    logger,
    metrics: { delivered: (outcome) => outcomes.push(outcome) },
  });
  const commit = ({ seq, entry, content }: CommitRequest) => {
    const bytes = content && Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    (bytes ? spool.store(entry, bytes) : spool.index(entry)).then(
      () => {
        results.push({ seq });
        delivery.enqueue(spooledMessage(entry), entry.envelope.recipients, bytes);
      },
      (error: Error) => results.push({ seq, error: error.message }),
    );
  };
  port.on("message", (message: ToQueueThread) => {
    switch (message.type) {
      case "commit":
        for (const request of message.requests) commit(request);
        break;
      case "kick":
        delivery.kick();
        break;
      case "stop":
        delivery.stop().then(() => {
          store.close();
          results.flush();
          outcomes.flush();
          post({ type: "stopped" });
          port.close();
        });
        break;
    }
  });
  post({ type: "ready" });
} catch (error) {
  post({ type: "failed", error: (error as Error).message });
  port.close();
}

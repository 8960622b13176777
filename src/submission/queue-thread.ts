/**
 * The queue thread: the spool's index writes and delivery, off the thread that speaks SMTP to
 * clients (Postfix splits smtpd from qmgr and smtp the same way). Its SQLite commits (a WAL
 * fsync each) and its outgoing sessions no longer stall the sessions being accepted.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../core/index.js";
import { openStore } from "../store/index.js";
import { startDelivery } from "./delivery.js";
import type { FromQueueThread, QueueThreadSettings, ToQueueThread } from "./queue-protocol.js";
import { Spool, spooledMessage } from "./spool.js";

const port = parentPort;
if (!port) throw new Error("queue-thread.ts runs only as a worker thread");
const settings = workerData as QueueThreadSettings;
const post = (message: FromQueueThread) => port.postMessage(message);

try {
  const logger = createLogger("porteiro").child({ thread: "queue" });
  // The level of the logger the service was given, which may differ from PORTEIRO_LOG_LEVEL.
  logger.level = settings.logLevel;
  const store = openStore(settings.dataDir);
  const spool = new Spool(store, settings.dataDir);
  const delivery = startDelivery({
    spool,
    hostname: settings.hostname,
    ...(settings.smarthost ? { smarthost: settings.smarthost } : {}),
    ...(settings.mx ? { mx: settings.mx } : {}),
    concurrency: settings.concurrency,
    connectionsPerDestination: settings.connectionsPerDestination,
    lifetimeMs: settings.lifetimeMs,
    logger,
    metrics: { delivered: (outcome) => post({ type: "delivered", outcome }) },
  });
  port.on("message", (message: ToQueueThread) => {
    switch (message.type) {
      case "index":
        spool.index(message.entry).then(
          () => {
            post({ type: "indexed", seq: message.seq });
            delivery.enqueue(spooledMessage(message.entry), message.entry.envelope.recipients);
          },
          (error: Error) => post({ type: "indexed", seq: message.seq, error: error.message }),
        );
        break;
      case "kick":
        delivery.kick();
        break;
      case "stop":
        delivery.stop().then(() => {
          store.close();
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

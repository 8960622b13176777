import type { Worker } from "node:worker_threads";
import { type Logger, siblingModule, startModuleWorker } from "../core/index.js";
import type { SubmissionMetrics } from "./metrics.js";
import type { CommitRequest, FromQueueThread, QueueThreadSettings, ToQueueThread } from "./queue-protocol.js";
import type { IndexEntry } from "./spool.js";
import { TurnBatch } from "./turn-batch.js";

export type { QueueThreadSettings } from "./queue-protocol.js";

/** The SMTP side's handle on the queue thread (queue-thread.ts). */
export interface QueueManager {
  /** Resolves once the entry is committed to the index: only then may the client hear 250. */
  index(entry: IndexEntry): Promise<void>;
  /**
   * Moves a small message's bytes to the thread, which writes its file and indexes it (Spool.store);
   * resolves, like index(), once both are durable. `content` is transferred: unusable here after.
   */
  store(entry: IndexEntry, content: Buffer): Promise<void>;
  /** Makes the thread look at the spool now. */
  kick(): void;
  /** Lets deliveries in flight finish (bounded by delivery's own stop), then ends the thread. */
  stop(): Promise<void>;
}

/** After the thread dies, how long until a new one is started. */
const RESTART_DELAY_MS = 1000;

interface Waiting {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Starts the queue thread and resolves once it has opened the spool. If the thread dies, the
 * messages waiting for their index row are refused (the client hears 451 and sends again; their
 * files are removed), and a new thread is started a second later.
 */
export async function startQueueManager(
  settings: QueueThreadSettings,
  options: { logger: Logger; metrics: Pick<SubmissionMetrics, "delivered"> },
): Promise<QueueManager> {
  const { logger, metrics } = options;
  const waiting = new Map<number, Waiting>();
  let seq = 0;
  let worker: Worker | undefined;
  let stopping = false;
  let stopped: (() => void) | undefined;

  const refuseWaiting = (reason: string) => {
    for (const entry of waiting.values()) entry.reject(new Error(reason));
    waiting.clear();
  };

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      const thread = startModuleWorker(siblingModule(import.meta.url, "queue-thread"), {
        workerData: settings,
      });
      let ready = false;
      thread.on("message", (message: FromQueueThread) => {
        switch (message.type) {
          case "ready":
            ready = true;
            worker = thread;
            resolve();
            break;
          case "failed":
            reject(new Error(`the queue thread could not start: ${message.error}`));
            break;
          case "committed":
            for (const { seq, error } of message.results) {
              const entry = waiting.get(seq);
              waiting.delete(seq);
              if (error === undefined) entry?.resolve();
              else entry?.reject(new Error(error));
            }
            break;
          case "delivered":
            for (const outcome of message.outcomes) metrics.delivered(outcome);
            break;
          case "stopped":
            stopped?.();
            break;
        }
      });
      thread.on("error", (error) => logger.error({ err: error }, "queue thread failed"));
      thread.on("exit", (code) => {
        if (worker === thread) worker = undefined;
        refuseWaiting("the queue thread stopped");
        if (!ready) return reject(new Error(`the queue thread exited with code ${code} while starting`));
        if (stopping) return stopped?.();
        logger.error({ code }, "queue thread exited; starting a new one");
        setTimeout(() => {
          if (!stopping)
            spawn().catch((error: Error) => logger.error({ err: error }, "queue thread restart failed"));
        }, RESTART_DELAY_MS).unref();
      });
    });

  const send = (message: ToQueueThread, transfer?: ArrayBuffer[]) => worker?.postMessage(message, transfer);
  const requests = new TurnBatch<CommitRequest>((batch) => {
    try {
      send(
        { type: "commit", requests: batch },
        batch.flatMap(({ content }) => (content ? [content.buffer as ArrayBuffer] : [])),
      );
    } catch (error) {
      // Never sent, so never committed: each sender hears why (and its client a 451).
      for (const { seq: id } of batch) {
        waiting.get(id)?.reject(error as Error);
        waiting.delete(id);
      }
    }
  });
  /** Sends the entry (and content) to be committed; resolves when the thread reports it done. */
  const request = (entry: IndexEntry, content?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (!worker || stopping) return reject(new Error("the queue thread is not running"));
      const id = ++seq;
      waiting.set(id, { resolve, reject });
      requests.push(content ? { seq: id, entry, content } : { seq: id, entry });
    });
  await spawn();

  return {
    index: (entry) => request(entry),
    store: (entry, content) => {
      const whole = content.byteOffset === 0 && content.byteLength === content.buffer.byteLength;
      // Only a buffer that owns its memory moves; a slice of a shared one is copied.
      const movable = whole ? content : Buffer.allocUnsafeSlow(content.length);
      if (movable !== content) content.copy(movable);
      return request(entry, movable);
    },
    kick: () => send({ type: "kick" }),
    stop: async () => {
      if (stopping) return;
      stopping = true;
      const thread = worker;
      if (!thread) return;
      requests.flush();
      await new Promise<void>((resolve) => {
        stopped = resolve;
        send({ type: "stop" });
      });
      await thread.terminate();
    },
  };
}

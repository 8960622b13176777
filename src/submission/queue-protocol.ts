import type { DeliveryOptions } from "./delivery.js";
import type { DeliveryOutcome } from "./metrics.js";
import type { IndexEntry } from "./spool.js";

/** What the queue thread needs to open the spool and deliver, as plain data for workerData. */
export interface QueueThreadSettings {
  readonly dataDir: string;
  readonly hostname: string;
  readonly smarthost?: DeliveryOptions["smarthost"];
  readonly mx?: DeliveryOptions["mx"];
  readonly concurrency: number;
  readonly connectionsPerDestination: number;
  readonly lifetimeMs: number;
  readonly logLevel: string;
}

/**
 * One message to make durable. With `content` (a small message whole) the thread writes its file
 * too (Spool.store), then delivers from memory; without it the file is already in the spool and
 * only its index rows are written.
 */
export interface CommitRequest {
  readonly seq: number;
  readonly entry: IndexEntry;
  readonly content?: Uint8Array;
}

/** How a commit request ended: committed, or refused with the reason. */
export interface CommitResult {
  readonly seq: number;
  readonly error?: string;
}

export type ToQueueThread =
  | { readonly type: "commit"; readonly requests: readonly CommitRequest[] }
  | { readonly type: "kick" }
  | { readonly type: "stop" };

export type FromQueueThread =
  | { readonly type: "ready" }
  | { readonly type: "committed"; readonly results: readonly CommitResult[] }
  | { readonly type: "delivered"; readonly outcomes: readonly DeliveryOutcome[] }
  | { readonly type: "stopped" }
  | { readonly type: "failed"; readonly error: string };

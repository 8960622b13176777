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

export type ToQueueThread =
  | { readonly type: "index"; readonly seq: number; readonly entry: IndexEntry }
  /** A small message whole: the thread writes its file too (Spool.store), then delivers from memory. */
  | { readonly type: "store"; readonly seq: number; readonly entry: IndexEntry; readonly content: Uint8Array }
  | { readonly type: "kick" }
  | { readonly type: "stop" };

export type FromQueueThread =
  | { readonly type: "ready" }
  | { readonly type: "indexed"; readonly seq: number; readonly error?: string }
  | { readonly type: "delivered"; readonly outcome: DeliveryOutcome }
  | { readonly type: "stopped" }
  | { readonly type: "failed"; readonly error: string };

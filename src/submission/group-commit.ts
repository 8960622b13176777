import type { Store } from "../store/index.js";

interface Pending {
  readonly write: () => unknown;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** How long a write that nobody waits on may wait for others to share its commit. */
const LAZY_WAIT_MS = 20;

/**
 * Writes that arrive in the same turn of the event loop share one SQLite transaction, so one
 * WAL fsync (synchronous = FULL) covers the whole batch instead of one per write: new messages'
 * index rows and delivery outcomes alike. Each caller still hears back only after its own write
 * is committed. If the batch fails, each write is tried again in its own transaction, so one
 * bad write never takes the others down with it.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Store) {}

  /**
   * Runs `write` inside the next shared transaction; resolves with its result once committed.
   * An urgent write (a client waits for its 250) is committed in the next turn; a lazy one (a
   * delivery outcome) waits up to LAZY_WAIT_MS to ride along with others.
   */
  submit<R>(write: () => R, urgency: "urgent" | "lazy" = "urgent"): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ write, resolve: resolve as (result: unknown) => void, reject });
      if (urgency === "urgent") this.immediate ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), LAZY_WAIT_MS);
    });
  }

  private flush(): void {
    clearImmediate(this.immediate);
    clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: unknown[];
    try {
      results = this.db.transaction(() => batch.map((entry) => entry.write()))();
    } catch {
      for (const entry of batch) this.writeAlone(entry);
      return;
    }
    for (const [i, entry] of batch.entries()) entry.resolve(results[i]);
  }

  private writeAlone(entry: Pending): void {
    try {
      entry.resolve(this.db.transaction(entry.write)());
    } catch (error) {
      entry.reject(error);
    }
  }
}

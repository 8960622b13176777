import type { Store } from "../store/index.js";

interface Pending {
  readonly write: () => unknown;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes that arrive in the same turn of the event loop share one SQLite transaction, so one
 * WAL fsync (synchronous = FULL) covers the whole batch instead of one per write: new messages'
 * index rows and delivery outcomes alike. Each caller still hears back only after its own write
 * is committed. If the batch fails, each write is tried again in its own transaction, so one
 * bad write never takes the others down with it.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Store) {}

  /** Runs `write` inside the next shared transaction; resolves with its result once committed. */
  submit<R>(write: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ write, resolve: resolve as (result: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
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

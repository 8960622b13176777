import type { Store } from "../store/index.js";

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes that arrive in the same turn of the event loop share one SQLite transaction, so one
 * WAL fsync (synchronous = FULL) covers the whole batch instead of one per write. Each caller
 * still hears back only after its own write is committed. If the batch fails, each write is
 * tried again in its own transaction, so one bad write never takes the others down with it.
 */
export class GroupCommit<T, R> {
  private pending: Pending<T, R>[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Store,
    private readonly write: (item: T) => R,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    let results: R[];
    try {
      results = this.db.transaction(() => batch.map((entry) => this.write(entry.item)))();
    } catch {
      for (const entry of batch) this.writeAlone(entry);
      return;
    }
    for (const [i, entry] of batch.entries()) entry.resolve(results[i] as R);
  }

  private writeAlone(entry: Pending<T, R>): void {
    try {
      entry.resolve(this.db.transaction(() => this.write(entry.item))());
    } catch (error) {
      entry.reject(error);
    }
  }
}

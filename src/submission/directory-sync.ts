import { closeSync, fsync, openSync } from "node:fs";

/** How long the folder stays open after its last fsync, for the next batch to use. */
const KEEP_OPEN_MS = 1000;

/**
 * A rename is durable only once the folder holding it is fsync'd. Renames that land while one
 * folder fsync runs wait for the next, and all of them share it: one fsync per batch, not per
 * message. The fsync runs on the thread pool, so the event loop serves other sessions meanwhile.
 * The folder stays open while batches keep coming (opening and closing it each time took two
 * more trips to the pool than the fsync itself) and is closed after a second without one.
 */
export class DirectorySync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private fd: number | undefined;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly dir: string) {}

  /** Resolves once an fsync of the folder that began after this call has finished. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // The fsync under way may have begun before the caller's rename, so it does not count.
    this.queued = this.running.catch(() => undefined).then(() => this.start());
    return this.queued;
  }

  private start(): Promise<void> {
    this.queued = undefined;
    const run = this.fsyncFolder();
    this.running = run;
    const settle = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(settle, settle);
    return run;
  }

  private async fsyncFolder(): Promise<void> {
    clearTimeout(this.closeTimer);
    try {
      this.fd ??= openSync(this.dir, "r");
      const fd = this.fd;
      await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
    } catch (error) {
      this.close();
      throw error;
    }
    // Only between fsyncs, so the folder is never closed under one.
    this.closeTimer = setTimeout(() => this.close(), KEEP_OPEN_MS);
    this.closeTimer.unref();
  }

  private close(): void {
    clearTimeout(this.closeTimer);
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

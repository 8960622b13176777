import { open } from "node:fs/promises";

/**
 * A rename is durable only once the folder holding it is fsync'd. Renames that land while one
 * folder fsync runs wait for the next, and all of them share it: one fsync per batch, not per
 * message. The fsync runs on the thread pool, so the event loop serves other sessions meanwhile.
 */
export class DirectorySync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

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
    const run = fsyncDirectory(this.dir);
    this.running = run;
    const settle = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(settle, settle);
    return run;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

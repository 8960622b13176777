import type { Worker } from "node:worker_threads";
import { siblingModule, startModuleWorker } from "../../core/index.js";
import { HASH_THREAD_READY, type HashJob, type HashResult } from "./hash-protocol.js";

/** A job before the pool numbers it. */
type Job = WithoutId<HashJob>;
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

interface Pending {
  readonly job: HashJob;
  readonly resolve: (value: boolean | string) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A bounded pool of threads that verify and make password hashes, one job per thread at a time:
 * logins never wait behind the spool's file system calls on libuv's pool, nor hold up the event
 * loop. Callers bound how many jobs wait (the check scheduler does).
 */
export class HashPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly waiting: Pending[] = [];
  private nextId = 0;
  private closed = false;
  /** One promise per thread started, settled when it listens for jobs (or fails to start). */
  private readonly started: Promise<void>[] = [];

  constructor(readonly threads: number) {
    if (!(threads >= 1)) throw new Error("a hash pool needs at least one thread");
    for (let i = 0; i < threads; i++) this.idle.push(this.start());
  }

  /**
   * Resolves once every thread listens for jobs: a service that opens its port after this checks
   * its first login at once, not after the threads' start-up (which, loading modules, can take
   * longer than a client's whole login deadline).
   */
  async ready(): Promise<void> {
    await Promise.all(this.started);
  }

  /** Whether `password` matches the stored hash. */
  verify(stored: string, password: string): Promise<boolean> {
    return this.run({ op: "verify", stored, password }) as Promise<boolean>;
  }

  /** A new scrypt hash of `password` with N = 2^log2N. */
  hash(password: string, log2N: number): Promise<string> {
    return this.run({ op: "hash", password, log2N }) as Promise<string>;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.busy.keys()];
    for (const pending of [...this.waiting, ...this.busy.values()]) {
      pending.reject(new Error("the hash pool is closed"));
    }
    this.waiting.length = 0;
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private run(job: Job): Promise<boolean | string> {
    if (this.closed) return Promise.reject(new Error("the hash pool is closed"));
    return new Promise((resolve, reject) => {
      const pending = { job: { ...job, id: this.nextId++ } as HashJob, resolve, reject };
      const worker = this.idle.pop();
      if (worker) this.dispatch(worker, pending);
      else this.waiting.push(pending);
    });
  }

  private dispatch(worker: Worker, pending: Pending): void {
    this.busy.set(worker, pending);
    worker.postMessage(pending.job);
  }

  private start(): Worker {
    const worker = startModuleWorker(siblingModule(import.meta.url, "hash-thread"));
    // Idle threads do not keep the process alive; close() ends them on a clean stop.
    worker.unref();
    const started = new Promise<void>((resolve, reject) => {
      worker.once("message", (first: unknown) => (first === HASH_THREAD_READY ? resolve() : undefined));
      worker.once("error", reject);
    });
    // ready() reports a thread that failed to start; a pool nobody asks is not an unhandled rejection.
    started.catch(() => undefined);
    this.started.push(started);
    worker.on("message", (result: HashResult | typeof HASH_THREAD_READY) => {
      if (result === HASH_THREAD_READY) return;
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      if (pending && pending.job.id === result.id) {
        if (result.ok) pending.resolve(result.value);
        else pending.reject(new Error(result.error));
      }
      this.release(worker);
    });
    worker.on("error", (error: Error) => this.replace(worker, error));
    return worker;
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) this.dispatch(worker, next);
    else this.idle.push(worker);
  }

  /** A thread that died fails its job; a new one takes its place. */
  private replace(worker: Worker, error: Error): void {
    if (this.closed) return;
    this.busy.get(worker)?.reject(error);
    this.busy.delete(worker);
    const index = this.idle.indexOf(worker);
    if (index >= 0) this.idle.splice(index, 1);
    this.release(this.start());
  }
}

import type { Worker } from "node:worker_threads";
import { siblingModule, startModuleWorker } from "../../core/index.js";
import type { WebContext } from "../context.js";
import type { Dated } from "./cache.js";
import type { ReportReply, ReportRequest, ReportThreadData } from "./report-thread.js";
import type { ReportArgs, ReportValue, ThreadReport } from "./thread-reports.js";

/** The main side of the report thread: started on the first report, stopped with the server. */
export class ReportThread {
  private worker: Worker | undefined;
  private nextId = 1;
  /** Once the server closes, no report starts a thread again. */
  private stopped = false;
  private readonly waiting = new Map<
    number,
    { resolve(value: Dated<unknown>): void; reject(error: Error): void }
  >();

  constructor(private readonly data: ReportThreadData) {}

  /**
   * Runs a report over the data `dataStamp` names (highest row ids of the tables it reads), dated
   * when the thread read the data; `reuseSaved` lets an answer saved for the same stamp stand in.
   */
  run<K extends ThreadReport>(
    report: K,
    args: ReportArgs<K>,
    dataStamp: string,
    reuseSaved = true,
  ): Promise<Dated<ReportValue<K>>> {
    if (this.stopped) return Promise.reject(new Error("the server is closing"));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: Dated<unknown>) => void, reject });
      worker.postMessage({ id, report, args, dataStamp, reuseSaved } satisfies ReportRequest);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startModuleWorker(siblingModule(import.meta.url, "report-thread"), {
      workerData: this.data,
    });
    worker.unref();
    worker.on("message", (reply: ReportReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ("error" in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve({ value: reply.value, asOf: reply.asOf });
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the report thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

const threads = new WeakMap<WebContext, ReportThread>();

/** The server's report thread, over its data folder and plan file. */
export function reportThreadOf(context: WebContext): ReportThread {
  let thread = threads.get(context);
  if (!thread) {
    thread = new ReportThread({
      dataDir: context.dataDir,
      flowsStore: context.flowsStoreUrl,
      ...(context.plan.file ? { planFile: context.plan.file } : {}),
    });
    threads.set(context, thread);
  }
  return thread;
}

/**
 * The report thread: runs the console's year-long reports (thread-reports.ts) on its own
 * connection to the store, so the web server's event loop keeps answering while they compute.
 * Reports run in the order asked (one may start while another waits for the network map to load).
 */
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../../core/index.js";
import { openStore } from "../../store/index.js";
import { PlanSource } from "../plan-source.js";
import { THREAD_REPORTS, type ThreadContext, type ThreadReport } from "./thread-reports.js";

export interface ReportThreadData {
  readonly dataDir: string;
  readonly planFile?: string;
}

export interface ReportRequest {
  readonly id: number;
  readonly report: ThreadReport;
  readonly args: unknown;
}

export type ReportReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: string };

const data = workerData as ReportThreadData;
const plans = new PlanSource(data.planFile, createLogger("web-reports"));
const context: ThreadContext = {
  store: openStore(data.dataDir),
  dataDir: data.dataDir,
  plan: () => {
    const plan = plans.current();
    if (!plan) throw new Error("no plan loaded");
    return plan;
  },
};

parentPort?.on("message", async ({ id, report, args }: ReportRequest) => {
  try {
    const run = THREAD_REPORTS[report] as (context: ThreadContext, args: unknown) => unknown;
    parentPort?.postMessage({ id, value: await run(context, args) } satisfies ReportReply);
  } catch (error) {
    parentPort?.postMessage({ id, error: (error as Error).message } satisfies ReportReply);
  }
});

/**
 * The report thread: runs the console's year-long flow reports (flow-reports.ts) on its own
 * connection to the store, so the web server's event loop keeps answering while they compute.
 * One report at a time, in the order asked.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../../core/index.js";
import { openStore } from "../../store/index.js";
import { PlanSource } from "../plan-source.js";
import { FLOW_REPORTS, type FlowReport } from "./flow-reports.js";

export interface ReportThreadData {
  readonly dataDir: string;
  readonly planFile?: string;
}

export interface ReportRequest {
  readonly id: number;
  readonly report: FlowReport;
  readonly args: unknown;
}

export type ReportReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: string };

const data = workerData as ReportThreadData;
const store = openStore(data.dataDir);
const plans = new PlanSource(data.planFile, createLogger("web-reports"));

parentPort?.on("message", ({ id, report, args }: ReportRequest) => {
  try {
    const plan = plans.current();
    if (!plan) throw new Error("no plan loaded");
    const run = FLOW_REPORTS[report] as (s: typeof store, p: typeof plan, a: unknown) => unknown;
    parentPort?.postMessage({ id, value: run(store, plan, args) } satisfies ReportReply);
  } catch (error) {
    parentPort?.postMessage({ id, error: (error as Error).message } satisfies ReportReply);
  }
});

/**
 * The report thread: runs the console's year-long reports (thread-reports.ts) on its own
 * connection to the store, so the web server's event loop keeps answering while they compute.
 * Reports run in the order asked (one may start while another waits for the network map to load).
 *
 * Each answer is also saved under DATA/console-cache/ with the stamp of the data it was computed
 * from (the caller's stamp of the tables and the plan file's size and time) and its data time:
 * after a restart over the same data, a report is read back from there in milliseconds instead of
 * recomputed, still dated when its data was read. Only the first computation of a report after a
 * start may read a saved answer: later ones are asked for to see changes a stamp cannot.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../../core/index.js";
import { openFlowStore, parseFlowStoreUrl } from "../../flows/index.js";
import { openStore } from "../../store/index.js";
import { PlanSource } from "../plan-source.js";
import type { Dated } from "./cache.js";
import { THREAD_REPORTS, type ThreadContext, type ThreadReport } from "./thread-reports.js";

export interface ReportThreadData {
  readonly dataDir: string;
  /** The flow store's URL: the thread opens its own connection to it. */
  readonly flowsStore: string;
  readonly planFile?: string;
}

export interface ReportRequest {
  readonly id: number;
  readonly report: ThreadReport;
  readonly args: unknown;
  /** What the data read is, as the caller stamps it (highest row ids): the saved answer's key. */
  readonly dataStamp: string;
  /** Whether an answer saved for the same stamp may be given instead of computing. */
  readonly reuseSaved: boolean;
}

export type ReportReply =
  | { readonly id: number; readonly value: unknown; readonly asOf: number }
  | { readonly id: number; readonly error: string };

const data = workerData as ReportThreadData;
const plans = new PlanSource(data.planFile, createLogger("web-reports"));
const store = openStore(data.dataDir);
const context: ThreadContext = {
  store,
  flows: await openFlowStore(parseFlowStoreUrl(data.flowsStore), store),
  dataDir: data.dataDir,
  plan: () => {
    const plan = plans.current();
    if (!plan) throw new Error("no plan loaded");
    return plan;
  },
};

const savedDir = join(data.dataDir, "console-cache");

function planFileStamp(): string {
  if (!data.planFile) return "no-plan";
  try {
    const stat = statSync(data.planFile);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "no-plan";
  }
}

interface SavedAnswer {
  readonly stamp: string;
  readonly asOf: number;
  readonly value: unknown;
}

/** The saved answer for the same report, arguments and data, if there is one. */
function saved(file: string, stamp: string): Dated<unknown> | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, "utf8")) as SavedAnswer;
    return entry.stamp === stamp && typeof entry.asOf === "number"
      ? { value: entry.value, asOf: entry.asOf }
      : undefined;
  } catch {
    return undefined;
  }
}

function save(file: string, answer: SavedAnswer): void {
  try {
    mkdirSync(savedDir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(answer));
    renameSync(`${file}.tmp`, file);
  } catch {
    // A report not saved is computed again after the next restart; nothing else depends on it.
  }
}

async function answer(
  report: ThreadReport,
  args: unknown,
  dataStamp: string,
  reuseSaved: boolean,
): Promise<Dated<unknown>> {
  const name = createHash("sha256")
    .update(JSON.stringify([report, args ?? null]))
    .digest("hex")
    .slice(0, 24);
  const file = join(savedDir, `${report}-${name}.json`);
  const stamp = `${dataStamp}|${planFileStamp()}`;
  const found = reuseSaved ? saved(file, stamp) : undefined;
  if (found) return found;
  const run = THREAD_REPORTS[report] as (context: ThreadContext, args: unknown) => unknown;
  const asOf = Date.now();
  const value = await run(context, args);
  save(file, { stamp, asOf, value });
  return { value, asOf };
}

parentPort?.on("message", async ({ id, report, args, dataStamp, reuseSaved }: ReportRequest) => {
  try {
    const { value, asOf } = await answer(report, args, dataStamp, reuseSaved);
    parentPort?.postMessage({ id, value, asOf } satisfies ReportReply);
  } catch (error) {
    parentPort?.postMessage({ id, error: (error as Error).message } satisfies ReportReply);
  }
});

import type { Day } from "../../core/index.js";
import {
  DEFAULT_THRESHOLDS,
  type DirectSender,
  directSenders,
  type FlowStore,
  type FlowWindow,
  type SubscriberLookup,
  submissionAdoption,
} from "../../flows/index.js";
import type { Plan } from "../../plan/index.js";
import {
  listSnapshots,
  loadNetworkMap,
  networkGrouping,
  planGrouping,
  type ReportRow,
  readSnapshot,
  reportsByDate,
  type SnapshotSource,
} from "../../reputation/index.js";
import type { Store } from "../../store/index.js";
import { LeaseIndex } from "../../subscribers/index.js";
import { directSendersByWeek } from "./direct-senders.js";
import { pivot, type Series } from "./series.js";

/**
 * The console's reports that read a year of data (every flow aggregate, every listing snapshot):
 * seconds to minutes each on a full-size ISP, so they run in the report thread (report-thread.ts),
 * never on the event loop. Each takes the thread's context and plain JSON arguments, and returns
 * plain data.
 */
function subscriberLookup(store: Store, window: FlowWindow): SubscriberLookup {
  const leases = LeaseIndex.load(store, window);
  return (address, fromMs, toMs) => leases.subscribersDuring(address, fromMs, toMs)[0]?.subscriber ?? null;
}

/** Adoption (flows on 587/465 ÷ all mail flows) per week: each region and the whole dynamic space. */
async function adoptionByWeek(flows: FlowStore, plan: Plan): Promise<Series> {
  const rows = await submissionAdoption(flows, plan, { by: "region", interval: "week" });
  const total = new Map<string, { submission: number; all: number }>();
  for (const r of rows) {
    const t = total.get(r.period) ?? { submission: 0, all: 0 };
    t.submission += r.flows_587 + r.flows_465;
    t.all += r.flows_25 + r.flows_587 + r.flows_465;
    total.set(r.period, t);
  }
  const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  return pivot(
    [
      ...[...total].map(([x, t]) => ({
        x,
        label: "all",
        value: percent(t.all ? t.submission / t.all : null),
      })),
      ...rows.map((r) => ({ x: r.period, label: r.region ?? "-", value: percent(r.flow_share) })),
    ],
    null,
    { period: "week" },
  );
}

/** What a report runs on in the thread: its own store connection, the data folder, the plan file's plan. */
export interface ThreadContext {
  readonly store: Store;
  readonly flows: FlowStore;
  readonly dataDir: string;
  /** The plan; throws when there is none. */
  plan(): Plan;
}

export interface DatedReport {
  readonly date: string;
  readonly rows: readonly ReportRow[];
}

export const REPORT_KEYS = ["country", "asn", "pool", "region"] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];

/** Every snapshot date's listings report for a key kind: one pass over the year of snapshots. */
async function listingsByDate(context: ThreadContext, args: { by: ReportKey }): Promise<DatedReport[]> {
  const { store, dataDir } = context;
  const { by } = args;
  const grouping =
    by === "asn" || by === "country"
      ? networkGrouping(await loadNetworkMap({ dataDir }), by)
      : planGrouping(context.plan(), by);
  const source: SnapshotSource = {
    lists: () => [...new Set(listSnapshots(store).map((s) => s.list))].sort(),
    dates: (list) => listSnapshots(store, list).map((s) => s.date),
    read: (list, date) => readSnapshot(store, dataDir, list, date),
  };
  return [...reportsByDate(source, source.lists(), grouping)];
}

export const THREAD_REPORTS = {
  directByWeek: (context: ThreadContext): Promise<Series> =>
    directSendersByWeek(context.flows, context.plan()),
  adoptionByWeek: (context: ThreadContext): Promise<Series> => adoptionByWeek(context.flows, context.plan()),
  senders: (
    context: ThreadContext,
    args: { window: FlowWindow; exceptionsOn: Day },
  ): Promise<DirectSender[]> =>
    directSenders(context.flows, context.plan(), {
      window: args.window,
      thresholds: DEFAULT_THRESHOLDS,
      subscriberAt: subscriberLookup(context.store, args.window),
      exceptionsOn: args.exceptionsOn,
    }),
  listingsByDate,
};

export type ThreadReports = typeof THREAD_REPORTS;
export type ThreadReport = keyof ThreadReports;
/** A report's arguments beyond the context. */
export type ReportArgs<K extends ThreadReport> =
  Parameters<ThreadReports[K]> extends [ThreadContext, infer A] ? A : undefined;
/** What a report answers, once settled. */
export type ReportValue<K extends ThreadReport> = Awaited<ReturnType<ThreadReports[K]>>;

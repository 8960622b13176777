import type { Day } from "../../core/index.js";
import {
  DEFAULT_THRESHOLDS,
  type DirectSender,
  directSenders,
  type FlowWindow,
  type SubscriberLookup,
  submissionAdoption,
} from "../../flows/index.js";
import type { Plan } from "../../plan/index.js";
import type { Store } from "../../store/index.js";
import { LeaseIndex } from "../../subscribers/index.js";
import { directSendersByWeek } from "./direct-senders.js";
import { pivot, type Series } from "./series.js";

/**
 * The console's reports that read every flow aggregate of the year: seconds to a minute each on
 * a full-size ISP, so they run in the report thread (report-thread.ts), never on the event loop.
 * Each takes the store, the plan and plain JSON arguments, and returns plain data.
 */
function subscriberLookup(store: Store, window: FlowWindow): SubscriberLookup {
  const leases = LeaseIndex.load(store, window);
  return (address, fromMs, toMs) => leases.subscribersDuring(address, fromMs, toMs)[0]?.subscriber ?? null;
}

/** Adoption (flows on 587/465 ÷ all mail flows) per week: each region and the whole dynamic space. */
function adoptionByWeek(store: Store, plan: Plan): Series {
  const rows = submissionAdoption(store, plan, { by: "region", interval: "week" });
  const total = new Map<string, { submission: number; all: number }>();
  for (const r of rows) {
    const t = total.get(r.period) ?? { submission: 0, all: 0 };
    t.submission += r.flows_587 + r.flows_465;
    t.all += r.flows_25 + r.flows_587 + r.flows_465;
    total.set(r.period, t);
  }
  const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  return pivot([
    ...[...total].map(([x, t]) => ({ x, label: "all", value: percent(t.all ? t.submission / t.all : null) })),
    ...rows.map((r) => ({ x: r.period, label: r.region ?? "-", value: percent(r.flow_share) })),
  ]);
}

export const FLOW_REPORTS = {
  directByWeek: (store: Store, plan: Plan): Series => directSendersByWeek(store, plan),
  adoptionByWeek,
  senders: (store: Store, plan: Plan, args: { window: FlowWindow; exceptionsOn: Day }): DirectSender[] =>
    directSenders(store, plan, {
      window: args.window,
      thresholds: DEFAULT_THRESHOLDS,
      subscriberAt: subscriberLookup(store, args.window),
      exceptionsOn: args.exceptionsOn,
    }),
};

export type FlowReports = typeof FLOW_REPORTS;
export type FlowReport = keyof FlowReports;
/** A report's arguments beyond the store and the plan. */
export type ReportArgs<K extends FlowReport> =
  Parameters<FlowReports[K]> extends [Store, Plan, infer A] ? A : undefined;

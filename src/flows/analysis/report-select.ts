/**
 * Which rows of a report are shown, as nfdump's options do it: `class` keeps one class, `sort`
 * orders by a measure (largest or newest first), `top` keeps the first N by that measure (flows
 * unless `sort` says otherwise), and `limit` stops the listing after N rows in whatever order it
 * has, as `nfdump -c` does. With both, the top N are cut to the limit.
 */
import type { SenderClass } from "./classify.js";
import type { DirectSender } from "./report.js";

export const SENDER_SORTS = ["flows", "destinations", "last-seen"] as const;
export type SenderSort = (typeof SENDER_SORTS)[number];

export interface SenderSelection {
  readonly class?: SenderClass;
  readonly sort?: SenderSort;
  readonly top?: number;
  readonly limit?: number;
}

export interface SelectedSenders {
  readonly senders: readonly DirectSender[];
  /** Senders of the class asked for (all when none was), before `top` and `limit`. */
  readonly matched: number;
}

const measures: Record<SenderSort, (a: DirectSender, b: DirectSender) => number> = {
  flows: (a, b) => b.flows - a.flows,
  destinations: (a, b) => b.distinct_destinations - a.distinct_destinations,
  "last-seen": (a, b) => b.last_seen.localeCompare(a.last_seen),
};

/** By the measure, then by address and subscriber, so equal rows keep one order. */
function byMeasure(sort: SenderSort): (a: DirectSender, b: DirectSender) => number {
  const measure = measures[sort];
  return (a, b) =>
    measure(a, b) ||
    a.address.localeCompare(b.address) ||
    (a.subscriber ?? "").localeCompare(b.subscriber ?? "");
}

/** The rows to show from a report in its own order (region, pool, class, flows). */
export function selectSenders(senders: readonly DirectSender[], selection: SenderSelection): SelectedSenders {
  const ofClass =
    selection.class === undefined ? senders : senders.filter((s) => s.class === selection.class);
  const sort = selection.sort ?? (selection.top === undefined ? undefined : "flows");
  let rows = sort === undefined ? ofClass : [...ofClass].sort(byMeasure(sort));
  if (selection.top !== undefined) rows = rows.slice(0, selection.top);
  if (selection.limit !== undefined) rows = rows.slice(0, selection.limit);
  return { senders: rows, matched: ofClass.length };
}

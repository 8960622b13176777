import type { FlowStore } from "../../flows/index.js";
import type { Plan } from "../../plan/index.js";
import type { Store } from "../../store/index.js";

const planIds = new WeakMap<Plan, number>();
let nextPlanId = 1;

/** A number per plan object: the plan source hands out a new object on each re-read. */
export function planStamp(plan: Plan | undefined): string {
  if (!plan) return "no-plan";
  let id = planIds.get(plan);
  if (id === undefined) {
    id = nextPlanId++;
    planIds.set(plan, id);
  }
  return `plan${id}`;
}

/** Highest row ids of the tables a report reads: new rows change the stamp (index look-ups only). */
function maxIds(store: Store, tables: readonly string[]): string {
  return tables
    .map((table) => String(store.prepare(`SELECT MAX(rowid) FROM ${table}`).pluck().get() ?? 0))
    .join(":");
}

/**
 * New aggregate and lease rows, and the flows of the newest hour: the collector adds to the
 * current hour's rows in place every few seconds, which no row id shows (the hour index finds them).
 */
export const flowsStamp = async (context: { store: Store; flows: FlowStore }) =>
  `${await context.flows.version()}:${maxIds(context.store, ["subscriber_leases"])}`;
export const complaintsStamp = (store: Store) => maxIds(store, ["complaints", "complaint_reports"]);
export const honeypotStamp = (store: Store) => maxIds(store, ["honeypot_sessions", "honeypot_messages"]);
export const reputationStamp = (store: Store) =>
  String(store.prepare("SELECT COUNT(*) || ':' || MAX(imported_at) FROM reputation_snapshots").pluck().get());

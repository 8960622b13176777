/**
 * The days whose senders an impact counts: those active shortly before the day, not everyone
 * ever stored. By default the 30 days before the day, or before the day after the last flows
 * stored when the data ends earlier (a switch planned months ahead is judged on the latest month
 * there is); `since` moves the start.
 */
import { addDays, type Day, UserError } from "../../core/index.js";
import type { FlowStore, FlowWindow } from "../store/index.js";

export const IMPACT_WINDOW_DAYS = 30;

/** UTC days, both ends included, and the last day with flows stored (null when there are none). */
export interface ImpactWindow {
  readonly since: Day;
  readonly until: Day;
  readonly last_flows: Day | null;
}

export async function impactWindow(flows: FlowStore, on: Day, since?: Day): Promise<ImpactWindow> {
  if (since !== undefined && since >= on) {
    throw new UserError(`since ${since} is not before ${on}, the day asked about`);
  }
  const hour = await flows.lastHour();
  const last = hour === undefined ? null : (new Date(hour * 1000).toISOString().slice(0, 10) as Day);
  const end = last !== null && last < on ? addDays(last, 1) : on;
  return { since: since ?? addDays(end, -IMPACT_WINDOW_DAYS), until: addDays(on, -1), last_flows: last };
}

export function flowWindowOf(window: ImpactWindow): FlowWindow {
  return {
    sinceMs: Date.parse(`${window.since}T00:00:00Z`),
    untilMs: Date.parse(`${addDays(window.until, 1)}T00:00:00Z`),
  };
}

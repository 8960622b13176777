/**
 * The organisation's side of a push: its status in each region, computed from its own flows,
 * policy, listings and complaints on a day, then signed with its key.
 */

import type { KeyObject } from "node:crypto";
import { randomBytes } from "node:crypto";
import { complaintReport } from "../complaints/index.js";
import { addDays, type Day, prefixSize, UserError } from "../core/index.js";
import { DEFAULT_THRESHOLDS, directSenders, type FlowStore, submissionAdoption } from "../flows/index.js";
import { type Plan, type Phase as PlanPhase, phaseOn } from "../plan/index.js";
import { computePolicy } from "../policy/index.js";
import {
  listingOn,
  listSnapshots,
  planGrouping,
  readSnapshot,
  reportRows,
  type SnapshotSource,
  snapshotDates,
} from "../reputation/index.js";
import type { Store } from "../store/index.js";
import type { Phase } from "./model.js";
import type { SignedBody, SignedPush } from "./push-receive.js";
import type { MeasuresInput } from "./schemas.js";
import { signBody } from "./signing.js";

/** Adoption, complaints and the senders to notify are read over the week (or month) up to the day. */
const WEEK = 7;
const NOTICE_DAYS = 30;

/** The plan's "open" phase is the time subscribers are being told, before observing starts. */
const PROGRAMME_PHASE: Record<PlanPhase, Phase> = { open: "notify", observe: "observe", enforce: "enforce" };

const dayStartMs = (day: Day) => Date.parse(`${day}T00:00:00Z`);
const windowUpTo = (day: Day, days: number) => ({
  sinceMs: dayStartMs(addDays(day, 1 - days)),
  untilMs: dayStartMs(addDays(day, 1)),
});

async function adoptionIn(flows: FlowStore, plan: Plan, region: string, day: Day) {
  const rows = await submissionAdoption(flows, plan, {
    by: "region",
    interval: "week",
    region,
    window: windowUpTo(day, WEEK),
  });
  const sources = rows.reduce((sum, r) => sum + r.sources, 0);
  const submissionOnly = rows.reduce((sum, r) => sum + r.submission_only_sources, 0);
  const submissionFlows = rows.reduce((sum, r) => sum + r.flows_587 + r.flows_465, 0);
  return {
    adoption_pct: sources ? Math.round((submissionOnly / sources) * 1000) / 10 : null,
    // Subscribers sending on 587/465 show the provider offers it; their absence proves nothing.
    submission_offered: submissionFlows > 0 ? true : null,
  };
}

function blockedIn(plan: Plan, region: string, day: Day) {
  const [policy] = computePolicy(plan, day, { region }).regions;
  let ipv4 = 0;
  let ipv6 = 0;
  for (const prefix of policy?.blocked.toPrefixes() ?? []) {
    if (prefix.family === 4) ipv4 += Number(prefixSize(prefix));
    else ipv6++;
  }
  return { blocked_ipv4: ipv4, blocked_ipv6_prefixes: ipv6 };
}

/** The store's snapshots: the latest date on or before the day, every list as one. */
function listedPerRegion(
  store: Store,
  dataDir: string,
  plan: Plan,
  day: Day,
): Map<string, number> | undefined {
  const source: SnapshotSource = {
    lists: () => [...new Set(listSnapshots(store).map((s) => s.list))],
    dates: (list) => listSnapshots(store, list).map((s) => s.date),
    read: (list, date) => readSnapshot(store, dataDir, list, date),
  };
  const lists = source.lists();
  const date = snapshotDates(source, lists)
    .filter((d) => d <= day)
    .pop();
  const listing = date === undefined ? undefined : listingOn(source, lists, date);
  if (!listing) return undefined;
  return new Map(reportRows(planGrouping(plan, "region"), listing).map((row) => [row.key, row.listed]));
}

function complaintsPerRegion(store: Store, plan: Plan, day: Day): Map<string, number> | undefined {
  if (complaintReport(store, { by: "region" }).length === 0) return undefined;
  const rows = complaintReport(store, { by: "region", plan, ...windowUpTo(day, WEEK) });
  return new Map(rows.map((r) => [String(r.key), r.complaints]));
}

async function toNotify(flows: FlowStore, plan: Plan, region: string, day: Day): Promise<number> {
  const senders = await directSenders(flows, plan, {
    region,
    thresholds: DEFAULT_THRESHOLDS,
    exceptionsOn: day,
    window: windowUpTo(day, NOTICE_DAYS),
  });
  return new Set(senders.map((s) => s.subscriber ?? s.address)).size;
}

/**
 * One report per region of the plan (or of `regions`) as of `day`. Measures without data behind
 * them (no listing snapshot, no complaint ever imported) are null rather than a made-up zero.
 */
export async function computeMeasures(
  store: Store,
  flows: FlowStore,
  dataDir: string,
  plan: Plan,
  day: Day,
  regions?: readonly string[],
): Promise<MeasuresInput[]> {
  const known = plan.regions.map((r) => r.id);
  for (const id of regions ?? [])
    if (!known.includes(id))
      throw new UserError(`unknown region "${id}"; the plan's regions are ${known.join(", ")}`);
  const chosen = plan.regions.filter((r) => !regions?.length || regions.includes(r.id));
  const listed = listedPerRegion(store, dataDir, plan, day);
  const complaints = complaintsPerRegion(store, plan, day);
  const measures: MeasuresInput[] = [];
  for (const region of chosen) {
    measures.push({
      region: region.id,
      as_of: day,
      phase: PROGRAMME_PHASE[phaseOn(region, day)],
      subscribers_notified: await toNotify(flows, plan, region.id, day),
      ...(await adoptionIn(flows, plan, region.id, day)),
      ...blockedIn(plan, region.id, day),
      listed_ips: listed ? (listed.get(region.id) ?? 0) : null,
      complaints: complaints ? (complaints.get(region.id) ?? 0) : null,
    });
  }
  return measures;
}

export function signPush(
  org: string,
  reports: readonly MeasuresInput[],
  key: KeyObject,
  now = new Date(),
): SignedPush {
  const signed: SignedBody = {
    org,
    timestamp: now.toISOString(),
    nonce: randomBytes(18).toString("base64url"),
    reports: [...reports],
  };
  return { signed, signature: signBody(signed, key) };
}

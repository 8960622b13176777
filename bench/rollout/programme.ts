/**
 * A national programme of the size the issue measured: organisations in 27 regions, each ISP in
 * 1–3 regions with its calendar, a status report every two weeks for a year in each, a commitment
 * each and some noise — built deterministically, through the bulk imports where there are some.
 */

import { performance } from "node:perf_hooks";
import { addDays, type Day } from "../../src/core/index.js";
import {
  createCommitment,
  createPerson,
  createRegion,
  IMPORT_HEADERS,
  importCsv,
  LOCAL_ADMIN,
  type Phase,
  recordNoise,
} from "../../src/rollout/index.js";
import type { Store } from "../../src/store/index.js";

export const REGIONS = 27;
const START = "2025-12-01" as Day;
const REPORT_EVERY_DAYS = 14;
const REPORTS_PER_PAIR = 26;

/** A small deterministic generator (mulberry32), so two runs build the same programme. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Built {
  readonly orgs: number;
  readonly pairs: number;
  readonly reports: number;
  /** Milliseconds each bulk import took. */
  readonly importMs: Readonly<Record<"orgs" | "calendar" | "reports", number>>;
}

const row = (cells: readonly (string | number | boolean | null)[]) =>
  cells.map((c) => (c === null ? "" : String(c))).join(",");

/**
 * Seeds `orgs` ISPs into an empty programme through the coordinator's bulk imports (CSV, as
 * porteiro rollout org/calendar/report import read them); commitments and noise one by one.
 * `reportsPerPair` spreads that many reports over the year of each calendar entry.
 */
export function buildProgramme(
  store: Store,
  orgs: number,
  progress: (done: number) => void,
  reportsPerPair = REPORTS_PER_PAIR,
): Built {
  const next = random(orgs);
  const orgLines = [IMPORT_HEADERS.orgs.join(",")];
  const calendarLines = [IMPORT_HEADERS.calendar.join(",")];
  const reportLines = [IMPORT_HEADERS.reports.join(",")];
  const noise: { org_id: string; region_id: string; day: Day }[] = [];
  const commitments: { org_id: string; target: number; due: Day }[] = [];
  for (let o = 0; o < orgs; o++) {
    const id = `isp-${String(o).padStart(5, "0")}`;
    orgLines.push(
      row([id, `ISP ${String(o).padStart(5, "0")}`, "isp", Math.round(500 + next() * 200_000), next() < 0.8]),
    );
    const draw = next();
    const count = draw < 0.45 ? 1 : draw < 0.82 ? 2 : 3;
    const first = Math.floor(next() * REGIONS);
    for (let k = 0; k < count; k++) {
      const region = `r${(first + k * 7) % REGIONS}`;
      const notify = addDays(START, Math.floor(next() * 60));
      const observe = addDays(notify, 30);
      const enforce = addDays(observe, 60 + Math.floor(next() * 120));
      calendarLines.push(row([id, region, notify, observe, enforce]));
      let adoption = next() * 20;
      for (let n = 0; n < reportsPerPair; n++) {
        const asOf = addDays(START, Math.floor((n * REPORT_EVERY_DAYS * REPORTS_PER_PAIR) / reportsPerPair));
        adoption = Math.min(100, adoption + (next() * 6 * REPORTS_PER_PAIR) / reportsPerPair);
        const phase: Phase =
          asOf >= enforce ? "enforce" : asOf >= observe ? "observe" : asOf >= notify ? "notify" : "planned";
        reportLines.push(
          row([
            id,
            region,
            asOf,
            phase,
            null,
            Math.round(adoption * 10) / 10,
            null,
            null,
            Math.floor(next() * 40),
            Math.floor(next() * 25),
            null,
            next() < 0.7,
          ]),
        );
      }
      if (next() < 0.1)
        noise.push({ org_id: id, region_id: region, day: addDays(enforce, Math.floor(next() * 10)) });
    }
    commitments.push({
      org_id: id,
      target: 60 + Math.floor(next() * 30),
      due: addDays(START, 200 + Math.floor(next() * 200)),
    });
  }
  store.transaction(() => {
    for (let r = 0; r < REGIONS; r++)
      createRegion(store, LOCAL_ADMIN, { id: `r${r}`, name: `Region ${String(r).padStart(2, "0")}` });
  })();
  createPerson(store, LOCAL_ADMIN, { name: "Bench Coordinator", role: "coordinator" });
  const timed = (kind: "orgs" | "calendar" | "reports", lines: string[]) => {
    const started = performance.now();
    importCsv(store, LOCAL_ADMIN, kind, lines.join("\n"), {
      file: `${kind}.csv`,
      by: "Bench Coordinator",
      progress: (reach) => progress(reach.done),
    });
    return performance.now() - started;
  };
  const importMs = {
    orgs: timed("orgs", orgLines),
    calendar: timed("calendar", calendarLines),
    reports: timed("reports", reportLines),
  };
  store.transaction(() => {
    for (const c of commitments) createCommitment(store, LOCAL_ADMIN, { ...c, kind: "adoption_pct" });
    for (const n of noise) recordNoise(store, LOCAL_ADMIN, { ...n, category: "cannot-send" });
  })();
  return { orgs, pairs: calendarLines.length - 1, reports: reportLines.length - 1, importMs };
}

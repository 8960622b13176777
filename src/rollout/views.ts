/**
 * The programme as the coordinator's and an organisation's console pages show it, to one reader:
 * every list, and every figure worked out from one, holds only what that reader may read.
 */
import type { Day } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type Actor, visibilityKey } from "./access.js";
import { listCommitments } from "./commitments.js";
import { computedOnce } from "./computed.js";
import {
  commitmentCounts,
  nationalCurve,
  type RegionFigures,
  regionFigures,
  silentEntries,
} from "./coordinator.js";
import { listDocuments } from "./documents.js";
import {
  type CalendarEntry,
  COMMITMENT_STATES,
  type CommitmentState,
  type NoiseRecord,
  type Organisation,
  type Person,
  type Phase,
  phaseOf,
  type Region,
  type StatusReport,
} from "./model.js";
import { noiseAroundSwitches, noiseCounts, pageNoise, type RegionNoise } from "./noise.js";
import { listOrgs, pageOrgs, readOrg } from "./orgs.js";
import { DEFAULT_PAGE_SIZE, EVERYTHING, type Page, type PageRequest } from "./paging.js";
import { listPeople } from "./people.js";
import {
  type CommitmentStatus,
  commitmentStatus,
  type NationalPoint,
  nationalSeries,
  reportsByOrg,
  type Silence,
  silentReporters,
} from "./progress.js";
import { listCalendar, listRegions, switchDays } from "./regions.js";
import { listReports, pageReports, standingReports } from "./reports.js";
import { type ProgrammeSettings, readSettings } from "./settings.js";

export interface TimelineEntry extends CalendarEntry {
  readonly phase: Phase;
}

export interface ProgrammeView {
  readonly today: Day;
  /** The thresholds the figures are read against; the rest names organisations. */
  readonly settings: Pick<ProgrammeSettings, "noise_alert_per_day" | "report_every_days">;
  readonly orgs: readonly Organisation[];
  readonly regions: readonly Region[];
  readonly timeline: readonly TimelineEntry[];
  readonly commitments: readonly CommitmentStatus[];
  readonly national: readonly NationalPoint[];
  readonly noise: readonly RegionNoise[];
  readonly silent: readonly Silence[];
  /** The latest report of each organisation in each region. */
  readonly latest: readonly StatusReport[];
  readonly documents: ReturnType<typeof listDocuments>;
}

function latestOf(reports: readonly StatusReport[]): StatusReport[] {
  const latest = new Map<string, StatusReport>();
  for (const r of reports) latest.set(`${r.org_id}\t${r.region_id}`, r);
  return [...latest.values()];
}

/** The whole programme to one reader, worked out once per change of the data (see computed.ts). */
export function programmeView(store: Store, reader: Actor, today: Day): ProgrammeView {
  return computedOnce(store, `programme ${visibilityKey(reader)} ${today}`, () =>
    workOutProgrammeView(store, reader, today),
  ).value;
}

function workOutProgrammeView(store: Store, reader: Actor, today: Day): ProgrammeView {
  const { noise_alert_per_day, report_every_days } = readSettings(store);
  const orgs = listOrgs(store, reader);
  const calendar = listCalendar(store, reader);
  const reports = listReports(store, reader);
  const byOrg = reportsByOrg(reports);
  return {
    today,
    settings: { noise_alert_per_day, report_every_days },
    orgs,
    regions: listRegions(store),
    timeline: calendar.map((entry) => ({ ...entry, phase: phaseOf(entry, today) })),
    commitments: listCommitments(store, reader).map((c) =>
      commitmentStatus(c, byOrg.get(c.org_id) ?? [], today),
    ),
    national: nationalSeries(reports, orgs),
    noise: noiseAroundSwitches(noiseCounts(store, reader), switchDays(calendar), today, noise_alert_per_day),
    silent: silentReporters(calendar, reports, today, report_every_days),
    latest: latestOf(reports),
    documents: listDocuments(store, reader),
  };
}

/** Silent calendar entries the coordinator's page lists; the rest are counted. */
export const SILENT_SHOWN = 50;

/** The coordinator's figures: aggregates only, whatever the size of the programme. */
export interface CoordinatorView {
  readonly today: Day;
  readonly settings: ProgrammeView["settings"];
  readonly regions: readonly RegionFigures[];
  readonly national: readonly NationalPoint[];
  readonly noise: readonly RegionNoise[];
  readonly silent: { readonly count: number; readonly first: readonly Silence[] };
  readonly commitments: Readonly<Record<CommitmentState, number>>;
}

/** The commitments' states counted from each organisation's reports, for readers whose figures are not kept. */
function countCommitments(store: Store, reader: Actor, today: Day): Record<CommitmentState, number> {
  const byOrg = reportsByOrg(standingReports(store, reader));
  const counts = Object.fromEntries(COMMITMENT_STATES.map((s) => [s, 0])) as Record<CommitmentState, number>;
  for (const c of listCommitments(store, reader))
    counts[commitmentStatus(c, byOrg.get(c.org_id) ?? [], today).state]++;
  return counts;
}

/**
 * The coordinator's figures to one reader, once per change of the data: in SQL, from the figures
 * kept up to date for readers who see everything (figures.ts).
 */
export function coordinatorView(store: Store, reader: Actor, today: Day): CoordinatorView {
  return computedOnce(store, `coordinator ${visibilityKey(reader)} ${today}`, () => {
    const { noise_alert_per_day, report_every_days } = readSettings(store);
    const regions = regionFigures(store, reader, today);
    const switches = new Map(
      regions.flatMap((r) => (r.switch_day === null ? [] : [[r.id, r.switch_day] as const])),
    );
    const commitments = commitmentCounts(store, reader, today) ?? countCommitments(store, reader, today);
    return {
      today,
      settings: { noise_alert_per_day, report_every_days },
      regions,
      national: nationalCurve(store, reader),
      noise: noiseAroundSwitches(noiseCounts(store, reader), switches, today, noise_alert_per_day),
      silent: silentEntries(store, reader, today, report_every_days, SILENT_SHOWN),
      commitments,
    };
  }).value;
}

/** One organisation of the programme to one reader: its calendar, commitments, latest reports, silences. */
export interface ProgrammeOrganisation {
  readonly org: Organisation;
  readonly timeline: readonly TimelineEntry[];
  readonly commitments: readonly CommitmentStatus[];
  /** Its latest report in each region. */
  readonly latest: readonly StatusReport[];
  readonly silent: readonly Silence[];
}

/** The programme a page of organisations at a time, with the coordinator's figures over all of it. */
export interface ProgrammePage extends CoordinatorView, Page<ProgrammeOrganisation> {}

/**
 * The programme as the API gives it: the figures over all of it (coordinatorView) and a page of
 * its organisations (pageOrgs' order, filters and cursor), each with what concerns it, once per
 * change of the data. Each organisation's part reads only that organisation's rows.
 */
export function programmePage(store: Store, reader: Actor, request: PageRequest): ProgrammePage {
  return computedOnce(store, `programme page ${visibilityKey(reader)} ${JSON.stringify(request)}`, () =>
    workOutProgrammePage(store, reader, request),
  ).value;
}

function workOutProgrammePage(store: Store, reader: Actor, request: PageRequest): ProgrammePage {
  const today = request.today;
  const orgs = pageOrgs(store, reader, request);
  const { report_every_days } = readSettings(store);
  const items = orgs.items.map((org): ProgrammeOrganisation => {
    const reports = listReports(store, reader, { orgId: org.id });
    const calendar = listCalendar(store, reader, { orgId: org.id });
    return {
      org,
      timeline: calendar.map((entry) => ({ ...entry, phase: phaseOf(entry, today) })),
      commitments: listCommitments(store, reader, { orgId: org.id }).map((c) =>
        commitmentStatus(c, reports, today),
      ),
      latest: latestOf(reports),
      silent: silentReporters(calendar, reports, today, report_every_days),
    };
  });
  return { ...coordinatorView(store, reader, today), items, next: orgs.next };
}

export interface OrganisationView {
  readonly today: Day;
  readonly org: Organisation;
  readonly people: readonly Person[];
  readonly timeline: readonly TimelineEntry[];
  readonly commitments: readonly CommitmentStatus[];
  /**
   * A page of the reports it sent that the reader may see (all of them for its people and the
   * coordinator), newest first; `next` goes on at /api/rollout/reports?org=ID&sort=newest.
   */
  readonly reports: Page<StatusReport>;
  /** A page of its noise records, newest first, going on likewise at /api/rollout/noise. */
  readonly noise: Page<NoiseRecord>;
  readonly silent: readonly Silence[];
}

/** Which page of an organisation's reports and noise to show: their first when not given. */
export interface OrganisationPages {
  readonly reports?: PageRequest;
  readonly noise?: PageRequest;
}

/** One organisation as `reader` may see it; one it may not see is unknown (404). */
export function organisationView(
  store: Store,
  reader: Actor,
  orgId: string,
  today: Day,
  pages: OrganisationPages = {},
): OrganisationView {
  const org = readOrg(store, reader, orgId);
  const reports = listReports(store, reader, { orgId });
  const newest = (request: PageRequest | undefined): PageRequest => ({
    ...(request ?? { ...EVERYTHING(today), limit: DEFAULT_PAGE_SIZE }),
    org: orgId,
    sort: "newest",
  });
  const calendar = listCalendar(store, reader, { orgId });
  return {
    today,
    org,
    people: listPeople(store, reader, { orgId }),
    timeline: calendar.map((entry) => ({ ...entry, phase: phaseOf(entry, today) })),
    commitments: listCommitments(store, reader, { orgId }).map((c) => commitmentStatus(c, reports, today)),
    reports: pageReports(store, reader, newest(pages.reports)),
    noise: pageNoise(store, reader, newest(pages.noise)),
    silent: silentReporters(calendar, reports, today, readSettings(store).report_every_days),
  };
}

/** The programme as the coordinator's and an organisation's console pages show it. */
import type { Day } from "../core/index.js";
import type { Store } from "../store/index.js";
import { listCommitments } from "./commitments.js";
import { listDocuments } from "./documents.js";
import {
  type CalendarEntry,
  type NoiseRecord,
  type Organisation,
  type Person,
  type Phase,
  phaseOf,
  type Region,
  type StatusReport,
} from "./model.js";
import { listNoise, noiseAroundSwitches, noiseCounts, type RegionNoise } from "./noise.js";
import { getOrg, listOrgs } from "./orgs.js";
import { listPeople } from "./people.js";
import {
  type CommitmentStatus,
  commitmentStatus,
  type NationalPoint,
  nationalSeries,
  type Silence,
  silentReporters,
} from "./progress.js";
import { listCalendar, listRegions, switchDays } from "./regions.js";
import { listReports } from "./reports.js";
import { type ProgrammeSettings, readSettings } from "./settings.js";

export interface TimelineEntry extends CalendarEntry {
  readonly phase: Phase;
}

export interface ProgrammeView {
  readonly today: Day;
  readonly settings: ProgrammeSettings;
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

export function programmeView(store: Store, today: Day): ProgrammeView {
  const settings = readSettings(store);
  const orgs = listOrgs(store);
  const calendar = listCalendar(store);
  const reports = listReports(store);
  return {
    today,
    settings,
    orgs,
    regions: listRegions(store),
    timeline: calendar.map((entry) => ({ ...entry, phase: phaseOf(entry, today) })),
    commitments: listCommitments(store).map((c) => commitmentStatus(c, reports, today)),
    national: nationalSeries(reports, orgs),
    noise: noiseAroundSwitches(noiseCounts(store), switchDays(calendar), today, settings.noise_alert_per_day),
    silent: silentReporters(calendar, reports, today, settings.report_every_days),
    latest: latestOf(reports),
    documents: listDocuments(store),
  };
}

export interface OrganisationView {
  readonly today: Day;
  readonly org: Organisation;
  readonly people: readonly Person[];
  readonly timeline: readonly TimelineEntry[];
  readonly commitments: readonly CommitmentStatus[];
  /** Every report it sent, newest first: the history the coordinator holds. */
  readonly reports: readonly StatusReport[];
  readonly noise: readonly NoiseRecord[];
  readonly silent: readonly Silence[];
}

export function organisationView(store: Store, orgId: string, today: Day): OrganisationView {
  const org = getOrg(store, orgId);
  const reports = listReports(store, { orgId });
  const calendar = listCalendar(store).filter((e) => e.org_id === orgId);
  return {
    today,
    org,
    people: listPeople(store).filter((p) => p.org_id === orgId),
    timeline: calendar.map((entry) => ({ ...entry, phase: phaseOf(entry, today) })),
    commitments: listCommitments(store)
      .filter((c) => c.org_id === orgId)
      .map((c) => commitmentStatus(c, reports, today)),
    reports: [...reports].reverse(),
    noise: listNoise(store, { orgId }).reverse(),
    silent: silentReporters(calendar, reports, today, readSettings(store).report_every_days),
  };
}

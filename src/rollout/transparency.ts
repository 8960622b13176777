/**
 * What the public transparency page may show: public organisations, their public documents and
 * commitments, and aggregates of the reports their organisations published. Nothing about a
 * subscriber is in the programme's data; unpublished reports are never read here, not even to
 * work out a commitment's state.
 */
import type { Day } from "../core/index.js";
import type { Store } from "../store/index.js";
import { ANYONE, LOCAL_ADMIN } from "./access.js";
import { listCommitments } from "./commitments.js";
import { computedOnce } from "./computed.js";
import { documentFile, listDocuments } from "./documents.js";
import type { CommitmentKind, CommitmentState, DocumentKind, OrgType } from "./model.js";
import { phaseOf } from "./model.js";
import { listOrgs } from "./orgs.js";
import { commitmentStatus, type NationalPoint, nationalSeries, reportsByOrg } from "./progress.js";
import { listCalendar, listRegions, switchDays } from "./regions.js";
import { listReports } from "./reports.js";

export interface PublicRecord {
  readonly today: Day;
  readonly orgs: readonly { id: string; name: string; type: OrgType }[];
  readonly documents: readonly {
    id: number;
    kind: DocumentKind;
    title: string;
    date: Day;
    link: string | null;
    has_file: boolean;
    issuer: string | null;
  }[];
  readonly commitments: readonly {
    org: string;
    kind: CommitmentKind;
    region: string | null;
    target: number | null;
    due: Day;
    state: CommitmentState;
    met_on: Day | null;
  }[];
  readonly regions: readonly {
    id: string;
    name: string;
    switch_day: Day | null;
    organisations: number;
    enforcing: number;
    adoption_pct: number | null;
  }[];
  readonly national: readonly NationalPoint[];
}

/** The public record on `today`, worked out once per change of the programme's data. */
export function publicRecord(store: Store, today: Day): PublicRecord {
  return computedOnce(store, `public record ${today}`, () => workOutPublicRecord(store, today)).value;
}

function workOutPublicRecord(store: Store, today: Day): PublicRecord {
  const orgs = listOrgs(store, ANYONE);
  const shown = new Set(orgs.map((o) => o.id));
  const nameOf = new Map(orgs.map((o) => [o.id, o.name]));
  const reports = listReports(store, ANYONE);
  const byOrg = reportsByOrg(reports);
  // Each organisation's dates are not public, their counts per region are.
  const calendar = listCalendar(store, LOCAL_ADMIN).filter((e) => shown.has(e.org_id));
  const switches = switchDays(calendar);
  const latestAdoption = new Map<string, Map<string, number>>();
  for (const r of reports) {
    if (r.adoption_pct === null) continue;
    const perOrg = latestAdoption.get(r.region_id) ?? new Map<string, number>();
    perOrg.set(r.org_id, r.adoption_pct);
    latestAdoption.set(r.region_id, perOrg);
  }
  return {
    today,
    orgs: orgs.map((o) => ({ id: o.id, name: o.name, type: o.type })),
    documents: listDocuments(store, ANYONE).map((d) => ({
      id: d.id,
      kind: d.kind,
      title: d.title,
      date: d.date,
      link: d.link,
      has_file: d.file_name !== null,
      issuer: d.org_id === null ? null : (nameOf.get(d.org_id) ?? null),
    })),
    commitments: listCommitments(store, ANYONE).map((c) => {
      const status = commitmentStatus(c, byOrg.get(c.org_id) ?? [], today);
      return {
        org: nameOf.get(c.org_id) as string,
        kind: c.kind,
        region: c.region_id,
        target: c.target,
        due: c.due,
        state: status.state,
        met_on: status.met_on,
      };
    }),
    regions: listRegions(store).map((region) => {
      const entries = calendar.filter((e) => e.region_id === region.id);
      const adoption = [...(latestAdoption.get(region.id)?.values() ?? [])];
      return {
        id: region.id,
        name: region.name,
        switch_day: switches.get(region.id) ?? null,
        organisations: entries.length,
        enforcing: entries.filter((e) => phaseOf(e, today) === "enforce").length,
        adoption_pct: adoption.length
          ? Math.round((adoption.reduce((a, b) => a + b, 0) / adoption.length) * 10) / 10
          : null,
      };
    }),
    national: nationalSeries(reports, orgs),
  };
}

/** A document's stored file, only when the public page lists that document. */
export function publicDocumentFile(store: Store, id: number, today: Day) {
  if (!publicRecord(store, today).documents.some((d) => d.id === id && d.has_file)) return undefined;
  return documentFile(store, ANYONE, id);
}

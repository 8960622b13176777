/**
 * A small national programme for the demo: a coordinator, a regulator, a consumer-protection
 * body, an association, ISPs of different sizes (one of them the demo ISP, which signs its own
 * reports) and a mail provider, with the documents, commitments, calendar, a year of weekly
 * reports and the noise after each region's switch.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { addDays, type Day, daysBetween } from "../core/index.js";
import type { Store } from "../store/index.js";
import { LOCAL_ADMIN } from "./access.js";
import { createCommitment } from "./commitments.js";
import { createDocument } from "./documents.js";
import { type CalendarEntry, type OrgType, phaseOf } from "./model.js";
import { recordNoise } from "./noise.js";
import { createOrg } from "./orgs.js";
import { createPerson } from "./people.js";
import { createRegion, setCalendarEntry } from "./regions.js";
import { appendReports } from "./reports.js";
import type { MeasuresInput } from "./schemas.js";
import { changeSettings } from "./settings.js";
import { canonicalJson, generateSigningKeys, keyFingerprint, signBody } from "./signing.js";

/** A region as the demo plan has it (a plan's `Region` fits). */
export interface DemoRegion {
  readonly id: string;
  readonly name: string;
  readonly observeFrom?: Day;
  readonly enforceFrom: Day;
}

export interface RolloutDemoOptions {
  readonly today: Day;
  readonly regions: readonly DemoRegion[];
  readonly demoIspName: string;
  /** The demo ISP's signing key (PKCS#8 PEM); a new one is made when absent. */
  readonly demoIspKeyPem?: string;
  /** Operator accounts to link: as the coordinator, and as the demo ISP's admin. */
  readonly coordinatorUsername?: string;
  readonly ispAdminUsername?: string;
}

export interface RolloutDemo {
  /** False when the store already held a programme: nothing was changed. */
  readonly seeded: boolean;
  readonly demoIspId: string;
  /** The demo ISP's private key, for its pushes; null when nothing was seeded. */
  readonly demoIspKeyPem: string | null;
}

export const slugOf = (name: string) =>
  name
    .normalize("NFD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-")
    .slice(0, 64) || "demo-isp";

/** Deterministic noise for the figures: the same demo on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DemoIsp {
  readonly id: string;
  readonly name: string;
  readonly subscribers: number;
  /** Days this ISP switches after the region's date (negative: before). */
  readonly lag: number;
  /** Listed addresses per 1,000 subscribers before the switch. */
  readonly listedPerMille: number;
  readonly publishes: boolean;
  /** The adoption its subscribers level off at. */
  readonly ceiling: number;
  /** Stops reporting this many days before today (a silent reporter). */
  readonly silentFor?: number;
}

const ORGS: readonly { id: string; name: string; type: OrgType; subscribers?: number }[] = [
  { id: "national-csirt", name: "National CSIRT (programme coordinator)", type: "csirt" },
  { id: "telecom-agency", name: "National Telecommunications Agency", type: "regulator" },
  { id: "consumer-forum", name: "Consumer Protection Forum", type: "consumer-protection" },
  { id: "isp-association", name: "Association of Internet Providers", type: "association" },
  { id: "correio-web", name: "Correio Web", type: "mail-provider", subscribers: 3_000_000 },
];

function calendarFor(isp: DemoIsp, region: DemoRegion, order: number): CalendarEntry {
  const enforce = addDays(region.enforceFrom, isp.lag + order);
  const observe = addDays(region.observeFrom ?? addDays(region.enforceFrom, -30), isp.lag + order);
  return {
    org_id: isp.id,
    region_id: region.id,
    notify_from: addDays(observe, -45),
    observe_from: observe,
    enforce_from: enforce,
  };
}

/** Adoption climbs as subscribers are told, fastest in the month before the switch. */
function measuresOn(
  isp: DemoIsp,
  entry: CalendarEntry,
  regions: number,
  day: Day,
  rnd: () => number,
): MeasuresInput {
  const toSwitch = daysBetween(entry.enforce_from, day);
  const adoption = 20 + (isp.ceiling - 20) / (1 + Math.exp(-(toSwitch + 30) / 15)) + (rnd() - 0.5) * 3;
  const perRegion = isp.subscribers / regions;
  const listedBefore = (perRegion * isp.listedPerMille) / 1000;
  const listed = toSwitch < 0 ? listedBefore : listedBefore * (0.05 + 0.95 * Math.exp(-toSwitch / 40));
  const phase = phaseOf(entry, day);
  return {
    region: entry.region_id,
    as_of: day,
    phase,
    subscribers_notified:
      phase === "planned" ? 0 : Math.round(perRegion * 0.02 * Math.min(1, (toSwitch + 60) / 60)),
    adoption_pct: Math.round(Math.min(99, Math.max(5, adoption)) * 10) / 10,
    blocked_ipv4: phase === "enforce" ? Math.round(perRegion * 1.1) : 0,
    blocked_ipv6_prefixes: phase === "enforce" ? 4 : 0,
    listed_ips: Math.round(listed * (0.9 + rnd() * 0.2)),
    complaints: Math.round((listed / 40) * (0.8 + rnd() * 0.4)),
    submission_offered: true,
  };
}

export function seedRolloutDemo(store: Store, options: RolloutDemoOptions): RolloutDemo {
  const demoIspId = slugOf(options.demoIspName);
  if ((store.prepare("SELECT COUNT(*) FROM rollout_orgs").pluck().get() as number) > 0)
    return { seeded: false, demoIspId, demoIspKeyPem: null };
  const { today, regions } = options;
  const rnd = random(25);
  const keyPem = options.demoIspKeyPem ?? generateSigningKeys().privateKey;
  const publicKey = createPublicKey(createPrivateKey(keyPem)).export({
    type: "spki",
    format: "pem",
  }) as string;
  const isps: DemoIsp[] = [
    {
      id: "grande-telecom",
      name: "Grande Telecom",
      subscribers: 9_000_000,
      lag: 0,
      listedPerMille: 12,
      ceiling: 97,
      publishes: true,
    },
    {
      id: demoIspId,
      name: options.demoIspName,
      subscribers: 400_000,
      lag: 0,
      listedPerMille: 18,
      ceiling: 96,
      publishes: true,
    },
    {
      id: "cabo-norte",
      name: "Cabo Norte",
      subscribers: 1_200_000,
      lag: 14,
      listedPerMille: 15,
      ceiling: 95,
      publishes: true,
    },
    {
      id: "fibra-vale",
      name: "Fibra Vale",
      subscribers: 40_000,
      lag: 28,
      listedPerMille: 25,
      ceiling: 86,
      publishes: false,
      silentFor: 30,
    },
  ];
  store.transaction(() => {
    for (const org of ORGS) createOrg(store, LOCAL_ADMIN, org);
    for (const isp of isps)
      createOrg(store, LOCAL_ADMIN, {
        id: isp.id,
        name: isp.name,
        type: "isp",
        subscribers: isp.subscribers,
        ...(isp.id === demoIspId ? { public_key: publicKey } : {}),
      });
    changeSettings(store, LOCAL_ADMIN, { plan_org: demoIspId, default_org: "national-csirt" });
    const person = (org_id: string | null, role: string, name: string, username?: string) =>
      createPerson(store, LOCAL_ADMIN, { org_id, role, name, ...(username ? { username } : {}) });
    person("national-csirt", "coordinator", "Programme coordinator", options.coordinatorUsername);
    person(demoIspId, "org-admin", `${options.demoIspName} network operations`, options.ispAdminUsername);
    person("telecom-agency", "observer", "Regulator liaison");
    person("consumer-forum", "observer", "Consumer rights officer");
    for (const isp of isps) if (isp.id !== demoIspId) person(isp.id, "org-admin", `${isp.name} abuse desk`);

    const first = regions.map((r) => r.enforceFrom).sort()[0] ?? today;
    const doc = (org_id: string | null, kind: string, title: string, daysBefore: number, slug: string) =>
      createDocument(store, LOCAL_ADMIN, {
        org_id,
        kind,
        title,
        date: addDays(first, -daysBefore),
        link: `https://www.example.org/port25/${slug}`,
      }).id;
    doc(
      "national-csirt",
      "resolution",
      "Steering committee resolution on port 25 management",
      420,
      "resolution",
    );
    doc(
      "telecom-agency",
      "resolution",
      "Regulator's resolution binding the telecom operators",
      400,
      "regulator",
    );
    doc(
      "consumer-forum",
      "technical-note",
      "Technical note: the change does not harm consumers",
      390,
      "note",
    );
    const agreement = doc(
      "isp-association",
      "agreement",
      "Agreement on the implementation of port 25 management",
      380,
      "agreement",
    );

    for (const region of regions) createRegion(store, LOCAL_ADMIN, { id: region.id, name: region.name });
    const calendar = isps.flatMap((isp) =>
      regions.map((region, i) =>
        setCalendarEntry(store, LOCAL_ADMIN, calendarFor(isp, region, isp.id === demoIspId ? 0 : i * 3)),
      ),
    );
    for (const isp of isps) {
      const own = calendar.filter((e) => e.org_id === isp.id);
      const firstEnforce = own.map((e) => e.enforce_from).sort()[0] as Day;
      const firstNotify = own.map((e) => e.notify_from as Day).sort()[0] as Day;
      const commit = (c: Record<string, unknown>) =>
        createCommitment(store, LOCAL_ADMIN, { org_id: isp.id, document_id: agreement, ...c });
      commit({ kind: "submission_offered", due: firstNotify });
      const lastEnforce = own.map((e) => e.enforce_from).sort()[own.length - 1] as Day;
      // The agreement: 90% of mail-client users on 587/465 nationwide a month after the last switch.
      commit({
        kind: "adoption_pct",
        target: 90,
        due: isp.silentFor ? addDays(firstEnforce, 60) : addDays(lastEnforce, 30),
      });
      for (const e of own)
        commit({ kind: "port25_blocked_region", region_id: e.region_id, due: addDays(e.enforce_from, 7) });
    }
    seedReports(store, isps, calendar, today, { id: demoIspId, keyPem, publicKey }, rnd);
    seedNoise(store, calendar, today, rnd);
  })();
  return { seeded: true, demoIspId, demoIspKeyPem: keyPem };
}

/** Weekly reports from each entry's notify date; the demo ISP's are signed pushes, as its porteiro sends them. */
function seedReports(
  store: Store,
  isps: readonly DemoIsp[],
  calendar: readonly CalendarEntry[],
  today: Day,
  demoIsp: { id: string; keyPem: string; publicKey: string },
  rnd: () => number,
): void {
  const start = calendar.map((e) => e.notify_from as Day).sort()[0] ?? today;
  const key = createPrivateKey(demoIsp.keyPem);
  const fingerprint = keyFingerprint(demoIsp.publicKey).slice(0, 16);
  for (let day = start; day <= today; day = addDays(day, 7)) {
    for (const isp of isps) {
      if (isp.silentFor !== undefined && daysBetween(day, today) < isp.silentFor) continue;
      const own = calendar.filter((e) => e.org_id === isp.id);
      // An ISP reports every region from its first notice on, the regions still planned included.
      if (!own.some((e) => (e.notify_from as Day) <= day)) continue;
      const reports = own.map((e) => measuresOn(isp, e, own.length, day, rnd));
      if (isp.id !== demoIsp.id) {
        appendReports(
          store,
          { orgId: isp.id, source: "entered", submittedBy: "demo", public: isp.publishes },
          reports,
        );
        continue;
      }
      const signed = {
        org: isp.id,
        timestamp: `${day}T06:00:00.000Z`,
        nonce: `demo-${day}-${isp.id}`.replace(/[^A-Za-z0-9_-]/g, "-"),
        reports,
      };
      const signature = signBody(signed, key);
      appendReports(
        store,
        {
          orgId: isp.id,
          source: "pushed",
          submittedBy: `key ${fingerprint}`,
          signedBody: canonicalJson(signed),
          signature,
          public: true,
        },
        reports,
      );
    }
  }
}

const CATEGORIES = [
  "cannot-send",
  "cannot-send",
  "client-config",
  "client-config",
  "business-line",
  "misinformed",
];

/** Help-desk calls around each switch: a few before, a burst on the day that fades within two weeks. */
function seedNoise(store: Store, calendar: readonly CalendarEntry[], today: Day, rnd: () => number): void {
  const subscribers = new Map(
    (
      store.prepare("SELECT id, subscribers FROM rollout_orgs").all() as {
        id: string;
        subscribers: number | null;
      }[]
    ).map((o) => [o.id, o.subscribers ?? 0]),
  );
  for (const entry of calendar) {
    const regions = calendar.filter((e) => e.org_id === entry.org_id).length;
    const peak = (subscribers.get(entry.org_id) ?? 0) / regions / 250_000;
    const desk = { name: `${entry.org_id} help desk`, role: "coordinator" as const, orgId: null };
    for (let offset = -7; offset <= 30; offset++) {
      const day = addDays(entry.enforce_from, offset);
      if (day > today) break;
      const expected = offset < 0 ? peak * 0.05 : peak * Math.exp(-offset / 4) + peak * 0.05;
      const calls = Math.floor(expected + rnd());
      for (let call = 0; call < calls; call++) {
        const recent = daysBetween(day, today) < 3;
        recordNoise(store, desk, {
          org_id: entry.org_id,
          region_id: entry.region_id,
          day,
          category: CATEGORIES[Math.floor(rnd() * CATEGORIES.length)],
          resolution: recent ? "open" : rnd() < 0.85 ? "reconfigured" : "exception-granted",
        });
      }
    }
  }
}

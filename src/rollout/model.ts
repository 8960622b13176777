import type { Day } from "../core/index.js";

export const ORG_TYPES = [
  "isp",
  "mail-provider",
  "regulator",
  "consumer-protection",
  "csirt",
  "association",
  "academia",
] as const;
export type OrgType = (typeof ORG_TYPES)[number];

/**
 * coordinator: the whole programme; org-admin: everything of its organisation; org-member: its
 * organisation's reports and noise; observer: reads only.
 */
export const PROGRAMME_ROLES = ["coordinator", "org-admin", "org-member", "observer"] as const;
export type ProgrammeRole = (typeof PROGRAMME_ROLES)[number];

export const DOCUMENT_KINDS = ["resolution", "technical-note", "agreement"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const COMMITMENT_KINDS = ["adoption_pct", "port25_blocked_region", "submission_offered"] as const;
export type CommitmentKind = (typeof COMMITMENT_KINDS)[number];

/** A region's phase for one organisation: before notify_from it is planned. */
export const PHASES = ["planned", "notify", "observe", "enforce"] as const;
export type Phase = (typeof PHASES)[number];

export const NOISE_CATEGORIES = [
  "cannot-send",
  "client-config",
  "business-line",
  "misinformed",
  "user-report",
  "other",
] as const;
export type NoiseCategory = (typeof NOISE_CATEGORIES)[number];

export const NOISE_RESOLUTIONS = [
  "open",
  "reconfigured",
  "exception-granted",
  "not-related",
  "no-answer",
] as const;
export type NoiseResolution = (typeof NOISE_RESOLUTIONS)[number];

export const COMMITMENT_STATES = ["on track", "late", "met"] as const;
export type CommitmentState = (typeof COMMITMENT_STATES)[number];

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly type: OrgType;
  readonly subscribers: number | null;
  /** SHA-256 of the registered public key (SPKI), hex; null without a key. */
  readonly key_fingerprint: string | null;
  readonly public: boolean;
  readonly created_at: string;
}

export interface Person {
  readonly id: number;
  readonly org_id: string | null;
  readonly role: ProgrammeRole;
  readonly name: string;
  readonly email: string | null;
  /** The operator account they log in with, if any. */
  readonly username: string | null;
}

export interface ProgrammeDocument {
  readonly id: number;
  readonly org_id: string | null;
  readonly kind: DocumentKind;
  readonly title: string;
  readonly date: Day;
  readonly link: string | null;
  readonly file_name: string | null;
  readonly public: boolean;
}

export interface Region {
  readonly id: string;
  readonly name: string;
}

export interface CalendarEntry {
  readonly org_id: string;
  readonly region_id: string;
  readonly notify_from: Day | null;
  readonly observe_from: Day | null;
  readonly enforce_from: Day;
}

export interface Commitment {
  readonly id: number;
  readonly org_id: string;
  readonly kind: CommitmentKind;
  readonly region_id: string | null;
  /** Percent for adoption_pct; null for the others. */
  readonly target: number | null;
  readonly due: Day;
  readonly document_id: number | null;
  readonly public: boolean;
}

/** The measures of one organisation in one region on a day; null where it did not say. */
export interface ReportMeasures {
  readonly phase: Phase;
  readonly subscribers_notified: number | null;
  readonly adoption_pct: number | null;
  readonly blocked_ipv4: number | null;
  readonly blocked_ipv6_prefixes: number | null;
  readonly listed_ips: number | null;
  readonly complaints: number | null;
  readonly submission_offered: boolean | null;
}

export interface StatusReport extends ReportMeasures {
  readonly id: number;
  readonly org_id: string;
  readonly region_id: string;
  readonly as_of: Day;
  readonly source: "entered" | "pushed";
  readonly submitted_by: string;
  readonly public: boolean;
  readonly received_at: string;
}

export interface NoiseRecord {
  readonly id: number;
  readonly org_id: string;
  readonly region_id: string | null;
  readonly day: Day;
  readonly category: NoiseCategory;
  readonly resolution: NoiseResolution;
  readonly note: string | null;
  readonly source: "help-desk" | "help-form";
  readonly recorded_by: string;
}

/** Phase of a calendar entry on a day. */
export function phaseOf(entry: CalendarEntry, day: Day): Phase {
  if (entry.enforce_from <= day) return "enforce";
  if (entry.observe_from !== null && entry.observe_from <= day) return "observe";
  if (entry.notify_from !== null && entry.notify_from <= day) return "notify";
  return "planned";
}

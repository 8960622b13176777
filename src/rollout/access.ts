import type { Store } from "../store/index.js";
import { forbidden } from "./errors.js";
import type { ProgrammeRole } from "./model.js";

/** Who is reading or changing something: a console operator through their programme role, or the CLI. */
export interface Actor {
  /** Recorded with what they enter (submitted_by, recorded_by). */
  readonly name: string;
  /** Null: an operator account that takes no part in the programme. */
  readonly role: ProgrammeRole | null;
  readonly orgId: string | null;
}

/** The CLI works on the data folder itself: whoever runs it administers this installation. */
export const LOCAL_ADMIN: Actor = { name: "cli", role: "coordinator", orgId: null };

/** Someone without a part in the programme: reads what the public record shows. */
export const ANYONE: Actor = { name: "anyone", role: null, orgId: null };

/** The least role inside an organisation a change needs; coordinators may make every change. */
export type Need = "org-member" | "org-admin" | "coordinator";

export function actorOf(store: Store, username: string): Actor {
  const row = store.prepare("SELECT role, org_id FROM rollout_people WHERE username = ?").get(username) as
    | { role: ProgrammeRole; org_id: string | null }
    | undefined;
  return { name: username, role: row?.role ?? null, orgId: row?.org_id ?? null };
}

/**
 * Throws a 403 unless the actor may change data of `orgId` (null: data of the whole programme)
 * that needs `need`: coordinators everything, an organisation's people only their own.
 */
export function requireWrite(actor: Actor, orgId: string | null, need: Need): void {
  if (actor.role === "coordinator") return;
  if (actor.role === null) throw forbidden(`${actor.name} has no role in the programme`);
  if (actor.role === "observer") throw forbidden("observers read only");
  if (need === "coordinator" || orgId === null) throw forbidden("only a coordinator may change this");
  if (actor.orgId !== orgId) throw forbidden(`you may change only the data of ${actor.orgId}`);
  if (need === "org-admin" && actor.role !== "org-admin")
    throw forbidden("needs the org-admin programme role");
}

/** Coordinators and observers follow the whole programme, so they read all of it. */
export const readsEverything = (actor: Actor) => actor.role === "coordinator" || actor.role === "observer";

/** The organisation whose non-public data the actor reads as one of its people; null for none. */
const ownOrg = (actor: Actor) =>
  actor.role === "org-admin" || actor.role === "org-member" ? actor.orgId : null;

/** What decides which rows `readable` gives the actor: two actors with the same key read the same. */
export const visibilityKey = (actor: Actor) =>
  readsEverything(actor) ? "everything" : `public and ${ownOrg(actor) ?? "no organisation"}`;

/** An SQL condition and the values of its placeholders. */
export interface Condition {
  readonly sql: string;
  readonly values: readonly unknown[];
}

/**
 * The rows of a programme table the actor may read, as a WHERE condition on the row's
 * organisation column (`org`) and its public flag (`flag`; null for data that is never public).
 * Every reader sees public rows of a public organisation or of the whole programme (what the
 * public record shows); the rest only the row's own organisation's people, coordinators and observers.
 */
export function readable(actor: Actor, org: string, flag: string | null): Condition {
  if (readsEverything(actor)) return { sql: "1", values: [] };
  const open =
    flag === null
      ? "0"
      : `(${flag} = 1 AND (${org} IS NULL OR ${org} IN (SELECT id FROM rollout_orgs WHERE public = 1)))`;
  return { sql: `(${open} OR ${org} = ?)`, values: [ownOrg(actor)] };
}

/** E-mail addresses and logins are for the coordinator, the person's own organisation and the person. */
export function seesContact(
  actor: Actor,
  person: { org_id: string | null; username: string | null },
): boolean {
  return (
    actor.role === "coordinator" ||
    (person.org_id !== null && person.org_id === actor.orgId) ||
    (actor.role !== null && person.username === actor.name)
  );
}

/**
 * Whether the account belongs to the people running this installation: no part in the programme,
 * or its coordinator. Everyone else in the programme was given a console account to take part,
 * not to operate the installation (its submission queue).
 */
export const runsInstallation = (actor: Actor) => actor.role === null || actor.role === "coordinator";

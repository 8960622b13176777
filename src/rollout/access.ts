import type { Store } from "../store/index.js";
import { forbidden } from "./errors.js";
import type { ProgrammeRole } from "./model.js";

/** Who is changing something: a console operator through their programme role, or the CLI. */
export interface Actor {
  /** Recorded with what they enter (submitted_by, recorded_by). */
  readonly name: string;
  /** Null: an operator account that takes no part in the programme. */
  readonly role: ProgrammeRole | null;
  readonly orgId: string | null;
}

/** The CLI works on the data folder itself: whoever runs it administers this installation. */
export const LOCAL_ADMIN: Actor = { name: "cli", role: "coordinator", orgId: null };

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

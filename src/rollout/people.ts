import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite, seesContact } from "./access.js";
import { checkedWrite, forbidden, notFound, RolloutError } from "./errors.js";
import type { Person, ProgrammeRole } from "./model.js";
import { type Page, type PageRequest, selectPage } from "./paging.js";
import { parseInput, personChange, personInput } from "./schemas.js";

const LINKED = "that operator account is already linked to a person of the programme";

const one = (store: Store, id: number) =>
  store.prepare("SELECT id, org_id, role, name, email, username FROM rollout_people WHERE id = ?").get(id) as
    | Person
    | undefined;

/**
 * The people `reader` may see (those of its own organisation, or everyone's for coordinators and
 * observers), with e-mail and login left out (null) where seesContact says so.
 */
export function listPeople(store: Store, reader: Actor, filter: { orgId?: string } = {}): Person[] {
  const where = readable(reader, "org_id", null);
  const people = store
    .prepare(
      `SELECT id, org_id, role, name, email, username FROM rollout_people
       WHERE ${where.sql} AND (? IS NULL OR org_id = ?) ORDER BY org_id, name`,
    )
    .all(...where.values, filter.orgId ?? null, filter.orgId ?? null) as Person[];
  return people.map((p) => (seesContact(reader, p) ? p : { ...p, email: null, username: null }));
}

/** A page of the people `reader` may see, in the order of listPeople, contacts left out as there. */
export function pagePeople(store: Store, reader: Actor, request: PageRequest): Page<Person> {
  return selectPage(
    store,
    {
      from: "rollout_people",
      columns: "id, org_id, role, name, email, username",
      // Without an organisation (coordinators, observers) first, as ORDER BY org_id puts NULL.
      order: ["COALESCE(org_id, '')", "name", "id"],
      filters: { org: "org_id = @value" },
      toItem: (p: Person) => (seesContact(reader, p) ? p : { ...p, email: null, username: null }),
    },
    readable(reader, "org_id", null),
    request,
  );
}

export function getPerson(store: Store, id: number): Person {
  const person = one(store, id);
  if (!person) throw notFound(`person ${id}`);
  return person;
}

/**
 * An organisation's admin manages its own people, but never names a coordinator or an observer:
 * both read the whole programme.
 */
function requirePeopleWrite(actor: Actor, orgId: string | null, role: ProgrammeRole): void {
  if (orgId === null && (role === "org-admin" || role === "org-member"))
    throw new RolloutError(400, `an ${role} belongs to an organisation: give org_id`);
  requireWrite(actor, orgId, "org-admin");
  if ((role === "coordinator" || role === "observer") && actor.role !== "coordinator")
    throw forbidden("only a coordinator names coordinators and observers");
}

/**
 * A link gives a console account a part in the programme, and unlinking takes it away: only a
 * coordinator does either, so an organisation's admin can neither capture an existing account
 * nor tell from the answer whether an operator name exists (it is refused before any look-up).
 */
function requireLinkWrite(actor: Actor, before: string | null, after: string | null): void {
  if (before !== after && actor.role !== "coordinator")
    throw forbidden("only a coordinator links a person to a console account or unlinks one");
}

export function createPerson(store: Store, actor: Actor, input: unknown): Person {
  const person = parseInput(personInput, input);
  requirePeopleWrite(actor, person.org_id ?? null, person.role);
  requireLinkWrite(actor, null, person.username ?? null);
  const id = checkedWrite(
    () =>
      store
        .prepare(
          "INSERT INTO rollout_people (org_id, role, name, email, username, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(
          person.org_id ?? null,
          person.role,
          person.name,
          person.email ?? null,
          person.username ?? null,
          new Date().toISOString(),
        ).lastInsertRowid,
    { store, organisation: person.org_id, login: person.username },
    LINKED,
  );
  return getPerson(store, Number(id));
}

export function updatePerson(store: Store, actor: Actor, id: number, input: unknown): Person {
  const change = parseInput(personChange, input);
  const before = getPerson(store, id);
  requirePeopleWrite(actor, before.org_id, before.role);
  const after = { ...before, ...change };
  requirePeopleWrite(actor, after.org_id ?? null, after.role);
  requireLinkWrite(actor, before.username, after.username ?? null);
  checkedWrite(
    () =>
      store
        .prepare(
          "UPDATE rollout_people SET org_id = ?, role = ?, name = ?, email = ?, username = ? WHERE id = ?",
        )
        .run(after.org_id ?? null, after.role, after.name, after.email ?? null, after.username ?? null, id),
    { store, organisation: after.org_id, login: after.username },
    LINKED,
  );
  return getPerson(store, id);
}

export function deletePerson(store: Store, actor: Actor, id: number): void {
  const person = getPerson(store, id);
  requirePeopleWrite(actor, person.org_id, person.role);
  requireLinkWrite(actor, person.username, null);
  store.prepare("DELETE FROM rollout_people WHERE id = ?").run(id);
}

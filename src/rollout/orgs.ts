import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite } from "./access.js";
import { notFound, RolloutError } from "./errors.js";
import type { Organisation, OrgType } from "./model.js";
import { type Listing, type Page, type PageRequest, PHASE_SQL, selectPage } from "./paging.js";
import { orgChange, orgInput, parseInput } from "./schemas.js";
import { keyFingerprint, normalizePublicKey } from "./signing.js";

interface Row {
  id: string;
  name: string;
  type: OrgType;
  subscribers: number | null;
  public_key: string | null;
  public: number;
  created_at: string;
}

const toOrg = (row: Row): Organisation => ({
  id: row.id,
  name: row.name,
  type: row.type,
  subscribers: row.subscribers,
  key_fingerprint: row.public_key ? keyFingerprint(row.public_key) : null,
  public: row.public === 1,
  created_at: row.created_at,
});

const row = (store: Store, id: string) =>
  store.prepare("SELECT * FROM rollout_orgs WHERE id = ?").get(id) as Row | undefined;

/** The organisations `reader` may see: public ones, its own, or all of them. */
export function listOrgs(store: Store, reader: Actor): Organisation[] {
  const where = readable(reader, "id", "public");
  return (
    store.prepare(`SELECT * FROM rollout_orgs WHERE ${where.sql} ORDER BY name`).all(...where.values) as Row[]
  ).map(toOrg);
}

const ORGS: Listing<Row, Organisation> = {
  from: "rollout_orgs",
  columns: "*",
  order: ["name", "id"],
  sorts: { id: ["id"], subscribers: ["COALESCE(subscribers, -1) DESC", "id DESC"] },
  filters: {
    org: "id = @value",
    q: "(instr(lower(name), lower(@value)) > 0 OR instr(id, lower(@value)) > 0)",
    region: "id IN (SELECT org_id FROM rollout_calendar WHERE region_id = @value)",
    phase: `id IN (SELECT org_id FROM rollout_calendar c WHERE ${PHASE_SQL("c")} = @value)`,
  },
  toItem: toOrg,
};

/**
 * A page of the organisations `reader` may see, by name (or id, or the largest first); region and
 * phase through their calendar, q a part of the name or id.
 */
export function pageOrgs(store: Store, reader: Actor, request: PageRequest): Page<Organisation> {
  return selectPage(store, ORGS, readable(reader, "id", "public"), request);
}

/** The names of the organisations among `ids` that `reader` may see, by id. */
export function orgNames(store: Store, reader: Actor, ids: readonly string[]): Map<string, string> {
  const where = readable(reader, "id", "public");
  const rows = store
    .prepare(
      `SELECT id, name FROM rollout_orgs WHERE id IN (SELECT value FROM json_each(?)) AND ${where.sql}`,
    )
    .all(JSON.stringify([...new Set(ids)]), ...where.values) as { id: string; name: string }[];
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** One organisation `reader` may see; one it may not is answered as unknown, so it is not revealed. */
export function readOrg(store: Store, reader: Actor, id: string): Organisation {
  const where = readable(reader, "id", "public");
  const found = store
    .prepare(`SELECT * FROM rollout_orgs WHERE id = ? AND ${where.sql}`)
    .get(id, ...where.values) as Row | undefined;
  if (!found) throw notFound(`organisation ${id}`);
  return toOrg(found);
}

export function getOrg(store: Store, id: string): Organisation {
  const found = row(store, id);
  if (!found) throw notFound(`organisation ${id}`);
  return toOrg(found);
}

/** The key that verifies the organisation's pushes; undefined for an unknown one or one without a key. */
export function orgPublicKey(store: Store, id: string): string | undefined {
  return row(store, id)?.public_key ?? undefined;
}

export function createOrg(store: Store, actor: Actor, input: unknown): Organisation {
  const org = parseInput(orgInput, input);
  requireWrite(actor, null, "coordinator");
  const key = org.public_key ? normalizePublicKey(org.public_key) : null;
  store.transaction(() => {
    if (row(store, org.id)) throw new RolloutError(409, `organisation ${org.id} already exists`);
    store
      .prepare(
        "INSERT INTO rollout_orgs (id, name, type, subscribers, public_key, public, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        org.id,
        org.name,
        org.type,
        org.subscribers ?? null,
        key,
        org.public === false ? 0 : 1,
        new Date().toISOString(),
      );
  })();
  return getOrg(store, org.id);
}

/** Name, size and key are the organisation's own (its admin may change them); type and visibility the coordinator's. */
export function updateOrg(store: Store, actor: Actor, id: string, input: unknown): Organisation {
  const change = parseInput(orgChange, input);
  getOrg(store, id);
  requireWrite(
    actor,
    id,
    change.type !== undefined || change.public !== undefined ? "coordinator" : "org-admin",
  );
  const sets: [string, unknown][] = [];
  if (change.name !== undefined) sets.push(["name", change.name]);
  if (change.type !== undefined) sets.push(["type", change.type]);
  if (change.subscribers !== undefined) sets.push(["subscribers", change.subscribers]);
  if (change.public !== undefined) sets.push(["public", change.public ? 1 : 0]);
  if (change.public_key !== undefined)
    sets.push(["public_key", change.public_key === null ? null : normalizePublicKey(change.public_key)]);
  if (sets.length > 0)
    store
      .prepare(`UPDATE rollout_orgs SET ${sets.map(([column]) => `${column} = ?`).join(", ")} WHERE id = ?`)
      .run(...sets.map(([, value]) => value), id);
  return getOrg(store, id);
}

/** Only an organisation with no reports or noise on record: history is kept. */
export function deleteOrg(store: Store, actor: Actor, id: string): void {
  getOrg(store, id);
  requireWrite(actor, null, "coordinator");
  const history = store
    .prepare(
      "SELECT (SELECT COUNT(*) FROM rollout_reports WHERE org_id = ?) + (SELECT COUNT(*) FROM rollout_noise WHERE org_id = ?)",
    )
    .pluck()
    .get(id, id) as number;
  if (history > 0) throw new RolloutError(409, `organisation ${id} has reports or noise on record and stays`);
  store.prepare("DELETE FROM rollout_orgs WHERE id = ?").run(id);
}

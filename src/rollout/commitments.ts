import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite } from "./access.js";
import { checkedWrite, notFound } from "./errors.js";
import type { Commitment } from "./model.js";
import { type Listing, type Page, type PageRequest, selectPage } from "./paging.js";
import { commitmentChange, commitmentInput, parseInput } from "./schemas.js";

interface Row extends Omit<Commitment, "public"> {
  public: number;
}

const COLUMNS = "id, org_id, kind, region_id, target, due, document_id, public";
const toCommitment = (row: Row): Commitment => ({ ...row, public: row.public === 1 });

/** The commitments `reader` may see, of one organisation or of all. */
export function listCommitments(store: Store, reader: Actor, filter: { orgId?: string } = {}): Commitment[] {
  const where = readable(reader, "org_id", "public");
  // A condition only when there is an organisation, so that its index serves it.
  const own = filter.orgId === undefined ? "" : "AND org_id = ?";
  const values = filter.orgId === undefined ? where.values : [...where.values, filter.orgId];
  return (
    store
      .prepare(`SELECT ${COLUMNS} FROM rollout_commitments WHERE ${where.sql} ${own} ORDER BY due, id`)
      .all(...values) as Row[]
  ).map(toCommitment);
}

const COMMITMENTS: Listing<Row, Commitment> = {
  from: "rollout_commitments",
  columns: COLUMNS,
  order: ["due", "id"],
  filters: {
    org: "org_id = @value",
    region: "region_id = @value",
    from: "due >= @value",
    to: "due <= @value",
  },
  toItem: toCommitment,
};

/** A page of the commitments `reader` may see, by due date; dates filter the due date. */
export function pageCommitments(store: Store, reader: Actor, request: PageRequest): Page<Commitment> {
  return selectPage(store, COMMITMENTS, readable(reader, "org_id", "public"), request);
}

export function getCommitment(store: Store, id: number): Commitment {
  const row = store.prepare(`SELECT ${COLUMNS} FROM rollout_commitments WHERE id = ?`).get(id) as
    | Row
    | undefined;
  if (!row) throw notFound(`commitment ${id}`);
  return toCommitment(row);
}

/** What an organisation commits to is for its admin (or a coordinator) to say. */
export function createCommitment(store: Store, actor: Actor, input: unknown): Commitment {
  const c = parseInput(commitmentInput, input);
  requireWrite(actor, c.org_id, "org-admin");
  const id = checkedWrite(
    () =>
      store
        .prepare(
          `INSERT INTO rollout_commitments (org_id, kind, region_id, target, due, document_id, public, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          c.org_id,
          c.kind,
          c.region_id ?? null,
          c.kind === "adoption_pct" ? (c.target ?? null) : null,
          c.due,
          c.document_id ?? null,
          c.public === false ? 0 : 1,
          new Date().toISOString(),
        ).lastInsertRowid,
    { store, organisation: c.org_id, region: c.region_id, document: c.document_id },
  );
  return getCommitment(store, Number(id));
}

export function updateCommitment(store: Store, actor: Actor, id: number, input: unknown): Commitment {
  const change = parseInput(commitmentChange, input);
  const before = getCommitment(store, id);
  requireWrite(actor, before.org_id, "org-admin");
  const after = { ...before, ...change };
  checkedWrite(
    () =>
      store
        .prepare(
          "UPDATE rollout_commitments SET target = ?, due = ?, document_id = ?, public = ? WHERE id = ?",
        )
        .run(
          before.kind === "adoption_pct" ? (after.target ?? before.target) : null,
          after.due,
          after.document_id ?? null,
          after.public ? 1 : 0,
          id,
        ),
    { store, document: after.document_id },
  );
  return getCommitment(store, id);
}

export function deleteCommitment(store: Store, actor: Actor, id: number): void {
  requireWrite(actor, getCommitment(store, id).org_id, "org-admin");
  store.prepare("DELETE FROM rollout_commitments WHERE id = ?").run(id);
}

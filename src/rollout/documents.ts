import type { Store } from "../store/index.js";
import { type Actor, readable, requireWrite } from "./access.js";
import { checkedWrite, notFound, RolloutError } from "./errors.js";
import type { ProgrammeDocument } from "./model.js";
import { type Listing, type Page, type PageRequest, selectPage } from "./paging.js";
import { documentChange, documentInput, MAX_DOCUMENT_BYTES, parseInput } from "./schemas.js";

interface Row extends Omit<ProgrammeDocument, "public"> {
  public: number;
}

const COLUMNS = "id, org_id, kind, title, date, link, file_name, public";
const toDocument = (row: Row): ProgrammeDocument => ({ ...row, public: row.public === 1 });

/** The documents `reader` may see: public ones of public issuers, and the non-public ones readable() allows. */
export function listDocuments(store: Store, reader: Actor): ProgrammeDocument[] {
  const where = readable(reader, "org_id", "public");
  return (
    store
      .prepare(`SELECT ${COLUMNS} FROM rollout_documents WHERE ${where.sql} ORDER BY date, id`)
      .all(...where.values) as Row[]
  ).map(toDocument);
}

const DOCUMENTS: Listing<Row, ProgrammeDocument> = {
  from: "rollout_documents",
  columns: COLUMNS,
  order: ["date", "id"],
  filters: { org: "org_id = @value", from: "date >= @value", to: "date <= @value" },
  toItem: toDocument,
};

/** A page of the documents `reader` may see, by date; org is the issuer. */
export function pageDocuments(store: Store, reader: Actor, request: PageRequest): Page<ProgrammeDocument> {
  return selectPage(store, DOCUMENTS, readable(reader, "org_id", "public"), request);
}

export function getDocument(store: Store, id: number): ProgrammeDocument {
  const row = store.prepare(`SELECT ${COLUMNS} FROM rollout_documents WHERE id = ?`).get(id) as
    | Row
    | undefined;
  if (!row) throw notFound(`document ${id}`);
  return toDocument(row);
}

/** A document's stored file, if it has one and `reader` may see the document. */
export function documentFile(
  store: Store,
  reader: Actor,
  id: number,
): { name: string; type: string; content: Buffer } | undefined {
  const where = readable(reader, "org_id", "public");
  const row = store
    .prepare(`SELECT file_name, file_type, file_content FROM rollout_documents WHERE id = ? AND ${where.sql}`)
    .get(id, ...where.values) as
    | { file_name: string | null; file_type: string | null; file_content: Buffer | null }
    | undefined;
  if (!row?.file_name || !row.file_type || !row.file_content) return undefined;
  return { name: row.file_name, type: row.file_type, content: row.file_content };
}

function decodeFile(base64: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new RolloutError(400, "file.content_base64: not base64");
  const content = Buffer.from(base64, "base64");
  if (content.length > MAX_DOCUMENT_BYTES) throw new RolloutError(400, "the file is larger than 5 MB");
  return content;
}

/** An organisation's admin files its own documents; documents of the whole programme are the coordinator's. */
export function createDocument(store: Store, actor: Actor, input: unknown): ProgrammeDocument {
  const doc = parseInput(documentInput, input);
  requireWrite(actor, doc.org_id ?? null, "org-admin");
  if (!doc.link && !doc.file) throw new RolloutError(400, "a document needs a link or a file");
  const content = doc.file ? decodeFile(doc.file.content_base64) : null;
  const id = checkedWrite(
    () =>
      store
        .prepare(
          `INSERT INTO rollout_documents (org_id, kind, title, date, link, file_name, file_type, file_content, public, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          doc.org_id ?? null,
          doc.kind,
          doc.title,
          doc.date,
          doc.link ?? null,
          doc.file?.name ?? null,
          doc.file?.type ?? null,
          content,
          doc.public === false ? 0 : 1,
          new Date().toISOString(),
        ).lastInsertRowid,
    { store, organisation: doc.org_id },
  );
  return getDocument(store, Number(id));
}

export function updateDocument(store: Store, actor: Actor, id: number, input: unknown): ProgrammeDocument {
  const change = parseInput(documentChange, input);
  const before = getDocument(store, id);
  requireWrite(actor, before.org_id, "org-admin");
  const after = { ...before, ...change };
  requireWrite(actor, after.org_id ?? null, "org-admin");
  checkedWrite(
    () =>
      store
        .prepare(
          "UPDATE rollout_documents SET org_id = ?, kind = ?, title = ?, date = ?, link = ?, public = ? WHERE id = ?",
        )
        .run(
          after.org_id ?? null,
          after.kind,
          after.title,
          after.date,
          after.link ?? null,
          after.public ? 1 : 0,
          id,
        ),
    { store, organisation: after.org_id },
  );
  return getDocument(store, id);
}

export function deleteDocument(store: Store, actor: Actor, id: number): void {
  requireWrite(actor, getDocument(store, id).org_id, "org-admin");
  store.prepare("DELETE FROM rollout_documents WHERE id = ?").run(id);
}

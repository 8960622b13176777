import { UserError } from "../core/index.js";
import type { Store } from "../store/index.js";

/**
 * A refusal a user caused, with the HTTP status the web answers it with (the CLI prints the
 * message): 400 bad input, 401 unverified push, 403 not allowed, 404 unknown, 409 conflict.
 */
export class RolloutError extends UserError {
  override name = "RolloutError";
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new RolloutError(404, `no ${what}`);
export const forbidden = (why: string) => new RolloutError(403, why);

type Ids<T> = T | readonly T[] | null | undefined;

/** What a written row refers to, so that a broken reference can be named. */
export interface References {
  readonly store: Store;
  readonly organisation?: Ids<string>;
  readonly region?: Ids<string>;
  readonly document?: Ids<number>;
  /** A person's console account: the web module's, so it is not looked up but blamed when the rest exist. */
  readonly login?: string | null | undefined;
}

const LOOK_UPS = [
  ["organisation", "SELECT 1 FROM rollout_orgs WHERE id = ?"],
  ["region", "SELECT 1 FROM rollout_regions WHERE id = ?"],
  ["document", "SELECT 1 FROM rollout_documents WHERE id = ?"],
] as const;

/** `unknown region "norte"` for the first referenced id not in the store, looked up one by one. */
function missingRecord(refs: References): string | undefined {
  for (const [what, sql] of LOOK_UPS) {
    const ids: readonly (string | number)[] = [refs[what] ?? []].flat();
    const missing = ids.find((id) => refs.store.prepare(sql).get(id) === undefined);
    if (missing !== undefined) return `unknown ${what} ${JSON.stringify(missing)}`;
  }
  return undefined;
}

/**
 * What a failed foreign key meant: SQLite says only that one failed, not which. If every id
 * exists by now (another writer added it meanwhile), the kinds referred to.
 */
function unknownReference(refs: References): string {
  const missing = missingRecord(refs);
  if (missing) return missing;
  if (refs.login) return `unknown operator account ${JSON.stringify(refs.login)}`;
  const kinds = LOOK_UPS.map(([what]) => what).filter((what) => refs[what] !== undefined);
  return `unknown ${kinds.join(" or ")}`;
}

/** Refuses a reference the store keeps no foreign key for (a setting naming an organisation). */
export function requireKnown(refs: References): void {
  const missing = missingRecord(refs);
  if (missing) throw new RolloutError(400, missing);
}

/**
 * Runs a write, answering a broken reference or a duplicate as the caller's mistake, naming the
 * missing record.
 */
export function checkedWrite<T>(write: () => T, references: References, duplicate = "already exists"): T {
  try {
    return write();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") throw new RolloutError(400, unknownReference(references));
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY")
      throw new RolloutError(409, duplicate);
    throw error;
  }
}

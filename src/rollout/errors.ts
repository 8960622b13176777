import { UserError } from "../core/index.js";

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

/** Runs a write, answering a broken reference or a duplicate as the caller's mistake. */
export function checkedWrite<T>(write: () => T, references: string, duplicate = "already exists"): T {
  try {
    return write();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") throw new RolloutError(400, `unknown ${references}`);
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY")
      throw new RolloutError(409, duplicate);
    throw error;
  }
}

import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../store/index.js";
import type { Role } from "./operators.js";

export interface Session {
  readonly username: string;
  readonly role: Role;
  /** Sent back in `x-csrf-token` (API) or the `_csrf` field (forms) with every change. */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

const hashId = (id: string) => createHash("sha256").update(id).digest("base64url");
const token = () => randomBytes(32).toString("base64url");

/**
 * Console sessions: a random 256-bit id in the cookie, its SHA-256 in the store, an absolute
 * expiry. Kept in the store so a restart keeps operators logged in and every process agrees.
 */
export class SessionStore {
  constructor(
    private readonly db: Store,
    private readonly lifetimeMs: number,
  ) {}

  /** Opens a session; returns the id for the cookie (never stored as such). */
  create(username: string, now = Date.now()): { id: string; session: Session } {
    const id = token();
    const csrfToken = token();
    const expiresAt = now + this.lifetimeMs;
    this.db
      .prepare(
        "INSERT INTO web_sessions (id_hash, username, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(hashId(id), username, csrfToken, now, expiresAt);
    const role = (
      this.db.prepare("SELECT role FROM web_operators WHERE username = ?").get(username) as { role: Role }
    ).role;
    return { id, session: { username, role, csrfToken, expiresAt } };
  }

  /** The live session with this id, with the operator's current role. */
  find(id: string, now = Date.now()): Session | undefined {
    const row = this.db
      .prepare(
        `SELECT s.username, o.role, s.csrf_token, s.expires_at FROM web_sessions s
         JOIN web_operators o ON o.username = s.username WHERE s.id_hash = ? AND s.expires_at > ?`,
      )
      .get(hashId(id), now) as
      | { username: string; role: Role; csrf_token: string; expires_at: number }
      | undefined;
    return row
      ? { username: row.username, role: row.role, csrfToken: row.csrf_token, expiresAt: row.expires_at }
      : undefined;
  }

  destroy(id: string): void {
    this.db.prepare("DELETE FROM web_sessions WHERE id_hash = ?").run(hashId(id));
  }

  /** Deletes expired sessions; returns how many. */
  purgeExpired(now = Date.now()): number {
    return this.db.prepare("DELETE FROM web_sessions WHERE expires_at <= ?").run(now).changes;
  }
}

import { decoyHash, hashPassword, UserError, verifyPassword } from "../core/index.js";
import type { Store } from "../store/index.js";

export const ROLES = ["admin", "operator", "read-only"] as const;
/** admin: everything; operator: day-to-day changes; read-only: looks, never changes. */
export type Role = (typeof ROLES)[number];

export interface Operator {
  readonly username: string;
  readonly role: Role;
  readonly createdAt: string;
}

interface Row {
  username: string;
  password_hash: string;
  role: Role;
  created_at: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

function checkUsername(text: string): string {
  const username = text.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new UserError(
      `"${text}" is not a valid operator name (letters, digits, . _ @ -, at most 64 characters)`,
    );
  }
  return username;
}

function checkPassword(password: string): void {
  if (password.length < 8) throw new UserError("the password must have at least 8 characters");
  if (password.length > 1024) throw new UserError("the password must have at most 1024 characters");
}

export function parseRole(text: string): Role {
  if (!(ROLES as readonly string[]).includes(text)) {
    throw new UserError(`"${text}" is not a role; use ${ROLES.join(", ")}`);
  }
  return text as Role;
}

const toOperator = (row: Row): Operator => ({
  username: row.username,
  role: row.role,
  createdAt: row.created_at,
});

/** The console's operator accounts, in the store, with scrypt password hashes. */
export class OperatorStore {
  constructor(private readonly db: Store) {}

  async add(usernameText: string, password: string, role: Role): Promise<Operator> {
    const username = checkUsername(usernameText);
    checkPassword(password);
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    this.db.transaction(() => {
      if (this.row(username)) throw new UserError(`operator ${username} already exists`);
      this.db
        .prepare(
          "INSERT INTO web_operators (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        )
        .run(username, hash, role, now, now);
    })();
    return { username, role, createdAt: now };
  }

  /** Removes the account and, through the foreign key, every session it had. */
  remove(usernameText: string): void {
    const username = checkUsername(usernameText);
    const result = this.db.prepare("DELETE FROM web_operators WHERE username = ?").run(username);
    if (result.changes === 0) throw new UserError(`no operator ${username}`);
  }

  /** A new password ends the account's open sessions: whoever had the old one is logged out. */
  async setPassword(usernameText: string, password: string): Promise<void> {
    const username = checkUsername(usernameText);
    checkPassword(password);
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      const result = this.db
        .prepare("UPDATE web_operators SET password_hash = ?, updated_at = ? WHERE username = ?")
        .run(hash, new Date().toISOString(), username);
      if (result.changes === 0) throw new UserError(`no operator ${username}`);
      this.db.prepare("DELETE FROM web_sessions WHERE username = ?").run(username);
    })();
  }

  setRole(usernameText: string, role: Role): void {
    const username = checkUsername(usernameText);
    const result = this.db
      .prepare("UPDATE web_operators SET role = ?, updated_at = ? WHERE username = ?")
      .run(role, new Date().toISOString(), username);
    if (result.changes === 0) throw new UserError(`no operator ${username}`);
  }

  get(usernameText: string): Operator | undefined {
    const row = this.row(usernameText.trim().toLowerCase());
    return row ? toOperator(row) : undefined;
  }

  list(): Operator[] {
    return (this.db.prepare("SELECT * FROM web_operators ORDER BY username").all() as Row[]).map(toOperator);
  }

  /** The operator when the password is right; an unknown name costs the same time as a wrong password. */
  async verify(usernameText: string, password: string): Promise<Operator | undefined> {
    const row = this.row(usernameText.trim().toLowerCase());
    const ok = await verifyPassword(row?.password_hash ?? (await decoyHash()), password);
    return row && ok ? toOperator(row) : undefined;
  }

  private row(username: string): Row | undefined {
    return this.db.prepare("SELECT * FROM web_operators WHERE username = ?").get(username) as Row | undefined;
  }
}

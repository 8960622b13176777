import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { UserError } from "../core/index.js";
import type { Store } from "../store/index.js";

/** A router that may pull the current policy; its token itself is shown once, at creation. */
export interface PullToken {
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

interface Row {
  name: string;
  created_at: string;
  last_used_at: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Longer than any token this store issues (43 characters): nothing longer is hashed. */
const MAX_TOKEN_LENGTH = 128;

const digest = (token: string) => createHash("sha256").update(token).digest();

/** The per-router tokens of the policy pull, kept as SHA-256 hashes in the store. */
export class PullTokens {
  private readonly insert;
  private readonly byHash;
  private readonly used;

  constructor(private readonly db: Store) {
    this.insert = db.prepare(
      "INSERT INTO policy_pull_tokens (name, token_hash, created_at) VALUES (?, ?, ?)",
    );
    this.byHash = db.prepare("SELECT name, token_hash FROM policy_pull_tokens WHERE token_hash = ?");
    this.used = db.prepare("UPDATE policy_pull_tokens SET last_used_at = ? WHERE name = ?");
  }

  /** Creates the router's token and returns it: the only time it is seen. */
  add(name: string): string {
    if (!NAME.test(name)) {
      throw new UserError(
        `"${name}" is not a valid router name (letters, digits, . _ -, at most 64 characters)`,
      );
    }
    if (this.db.prepare("SELECT 1 FROM policy_pull_tokens WHERE name = ?").get(name)) {
      throw new UserError(`a token named ${name} exists; remove it first to issue a new one`);
    }
    const token = randomBytes(32).toString("base64url");
    this.insert.run(name, digest(token).toString("hex"), new Date().toISOString());
    return token;
  }

  list(): PullToken[] {
    const rows = this.db
      .prepare("SELECT name, created_at, last_used_at FROM policy_pull_tokens ORDER BY name")
      .all() as Row[];
    return rows.map((r) => ({ name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  remove(name: string): void {
    const { changes } = this.db.prepare("DELETE FROM policy_pull_tokens WHERE name = ?").run(name);
    if (changes === 0) throw new UserError(`no token named ${name}`);
  }

  /**
   * The router a token belongs to, noting the use, or undefined. The look-up goes by the
   * token's hash, which a guesser cannot steer; the match is then confirmed in constant time.
   */
  verify(token: string): string | undefined {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    const given = digest(token);
    const row = this.byHash.get(given.toString("hex")) as { name: string; token_hash: string } | undefined;
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, "hex"), given)) return undefined;
    this.used.run(new Date().toISOString(), row.name);
    return row.name;
  }
}

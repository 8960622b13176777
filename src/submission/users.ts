import { randomBytes } from "node:crypto";
import type { Statement } from "better-sqlite3";
import { hashPassword, UserError } from "../core/index.js";
import type { Store } from "../store/index.js";
import { parseMailbox, parseSenderPattern, senderMatches } from "./address.js";
import { EXTERNAL_MARKER } from "./auth/password-schemes.js";

/** Why and since when an account is held as probably compromised. */
export interface AccountHold {
  readonly since: string;
  readonly reason: string;
}

export interface SubmissionUser {
  readonly address: string;
  readonly suspended: boolean;
  /** Set while the account is held for review; its mail is then held or refused. */
  readonly hold: AccountHold | null;
  /** Patterns besides the user's own address that it may use in MAIL FROM. */
  readonly senders: readonly string[];
  readonly createdAt: string;
}

/** What a login is checked against: the stored hash (any scheme) and whether the account may log in. */
export interface StoredCredentials {
  readonly hash: string;
  readonly suspended: boolean;
}

/** An account to import with a hash made elsewhere (`porteiro users import`). */
export interface ImportedAccount {
  readonly address: string;
  readonly hash: string;
}

interface UserRow {
  address: string;
  password_hash: string;
  suspended: number;
  created_at: string;
  held_at: string | null;
  hold_reason: string | null;
}

/** Submission accounts in the store: scrypt hashes, suspension, allowed senders. */
export class UserStore {
  // The look-ups every message makes, compiled once rather than on each call.
  private readonly byAddress: Statement<[string], UserRow>;
  private readonly sendersOf: Statement<[string], { pattern: string }>;
  private readonly holdByAddress: Statement<[string], Pick<UserRow, "held_at" | "hold_reason">>;
  /** The account and its sender patterns (a JSON array) in one query: MAIL FROM reads it per message. */
  private readonly withSenders: Statement<[string], UserRow & { senders: string }>;

  private readonly credentialsOf: Statement<[string], { password_hash: string; suspended: number }>;

  constructor(private readonly db: Store) {
    this.credentialsOf = db.prepare(
      "SELECT password_hash, suspended FROM submission_users WHERE address = ?",
    );
    this.byAddress = db.prepare("SELECT * FROM submission_users WHERE address = ?");
    this.sendersOf = db.prepare("SELECT pattern FROM submission_senders WHERE address = ? ORDER BY pattern");
    this.holdByAddress = db.prepare("SELECT held_at, hold_reason FROM submission_users WHERE address = ?");
    this.withSenders = db.prepare(
      `SELECT u.*, (SELECT json_group_array(pattern) FROM
         (SELECT pattern FROM submission_senders s WHERE s.address = u.address ORDER BY pattern)) AS senders
       FROM submission_users u WHERE u.address = ?`,
    );
  }

  async add(
    addressText: string,
    password: string,
    senderTexts: readonly string[] = [],
  ): Promise<SubmissionUser> {
    const address = parseMailbox(addressText);
    const senders = senderTexts.map(parseSenderPattern);
    checkPassword(password);
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    this.db.transaction(() => {
      if (this.row(address)) throw new UserError(`user ${address} already exists`);
      this.db
        .prepare(
          "INSERT INTO submission_users (address, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
        )
        .run(address, hash, now, now);
      const insert = this.db.prepare(
        "INSERT OR IGNORE INTO submission_senders (address, pattern) VALUES (?, ?)",
      );
      for (const pattern of senders) insert.run(address, pattern);
    })();
    return this.require(address);
  }

  remove(addressText: string): void {
    const address = parseMailbox(addressText);
    const result = this.db.prepare("DELETE FROM submission_users WHERE address = ?").run(address);
    if (result.changes === 0) throw new UserError(`no user ${address}`);
  }

  async setPassword(addressText: string, password: string): Promise<void> {
    const address = this.require(addressText).address;
    checkPassword(password);
    const hash = await hashPassword(password);
    this.db
      .prepare("UPDATE submission_users SET password_hash = ?, updated_at = ? WHERE address = ?")
      .run(hash, new Date().toISOString(), address);
  }

  setSuspended(addressText: string, suspended: boolean): void {
    const address = this.require(addressText).address;
    this.db
      .prepare("UPDATE submission_users SET suspended = ?, updated_at = ? WHERE address = ?")
      .run(suspended ? 1 : 0, new Date().toISOString(), address);
  }

  /**
   * Holds the account as probably compromised, unless it is held already (the first reason is
   * the one an operator needs). True when this call put it on hold.
   */
  hold(addressText: string, reason: string, now = new Date()): boolean {
    const address = this.require(addressText).address;
    const at = now.toISOString();
    return (
      this.db
        .prepare(
          "UPDATE submission_users SET held_at = ?, hold_reason = ?, updated_at = ? WHERE address = ? AND held_at IS NULL",
        )
        .run(at, reason, at, address).changes > 0
    );
  }

  /** Ends the hold on the account; false when it was not held. */
  release(addressText: string): boolean {
    const address = this.require(addressText).address;
    return (
      this.db
        .prepare(
          "UPDATE submission_users SET held_at = NULL, hold_reason = NULL, updated_at = ? WHERE address = ? AND held_at IS NOT NULL",
        )
        .run(new Date().toISOString(), address).changes > 0
    );
  }

  /** The account's hold, read on every message, so one small query. */
  holdOf(addressText: string): AccountHold | null {
    const row = this.holdByAddress.get(addressText.trim().toLowerCase());
    return row ? holdOf(row) : null;
  }

  /** Accounts on hold, the latest hold first; one query, without their sender patterns. */
  heldAccounts(): { address: string; suspended: boolean; hold: AccountHold }[] {
    const rows = this.db
      .prepare(
        "SELECT address, suspended, held_at, hold_reason FROM submission_users WHERE held_at IS NOT NULL ORDER BY held_at DESC",
      )
      .all() as Pick<UserRow, "address" | "suspended" | "held_at" | "hold_reason">[];
    return rows.map((row) => ({
      address: row.address,
      suspended: row.suspended === 1,
      hold: holdOf(row) as AccountHold,
    }));
  }

  count(): number {
    return this.db.prepare("SELECT COUNT(*) FROM submission_users").pluck().get() as number;
  }

  heldCount(): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM submission_users WHERE held_at IS NOT NULL").get() as {
        n: number;
      }
    ).n;
  }

  get(addressText: string): SubmissionUser | undefined {
    const row = this.withSenders.get(addressText.trim().toLowerCase());
    return row ? userOf(row, JSON.parse(row.senders) as string[]) : undefined;
  }

  list(): SubmissionUser[] {
    const rows = this.db.prepare("SELECT * FROM submission_users ORDER BY address").all() as UserRow[];
    return rows.map((row) => this.toUser(row));
  }

  /** The account's stored hash and suspension, read on every login, cached or not. */
  credentials(address: string): StoredCredentials | undefined {
    const row = this.credentialsOf.get(address);
    return row ? { hash: row.password_hash, suspended: row.suspended === 1 } : undefined;
  }

  /**
   * Replaces the stored hash with a stronger one of the same password, unless it changed since it
   * was read (a `users passwd` in between wins). True when replaced.
   */
  upgradeHash(address: string, previous: string, next: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE submission_users SET password_hash = ?, updated_at = ? WHERE address = ? AND password_hash = ?",
        )
        .run(next, new Date().toISOString(), address, previous).changes > 0
    );
  }

  /**
   * The local record of an account that another backend logs in, made at its first login so
   * that holds, suspension and sender patterns work as for a local one. Its hash never matches a
   * password; a fresh nonce in it tells a record removed and made again from the one before.
   */
  ensureExternal(addressText: string, backend: string): StoredCredentials {
    const address = parseMailbox(addressText);
    const now = new Date().toISOString();
    this.db
      .prepare(
        "INSERT OR IGNORE INTO submission_users (address, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
      )
      .run(address, `${EXTERNAL_MARKER}${backend}:${randomBytes(12).toString("base64")}`, now, now);
    return this.credentials(address) as StoredCredentials;
  }

  /**
   * Adds the accounts in one transaction: all or none. An address already in the store keeps
   * its password; returns the addresses added and those kept.
   */
  importAccounts(accounts: readonly ImportedAccount[]): { added: string[]; kept: string[] } {
    const now = new Date().toISOString();
    const insert = this.db.prepare(
      "INSERT OR IGNORE INTO submission_users (address, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
    );
    const added: string[] = [];
    const kept: string[] = [];
    this.db.transaction(() => {
      for (const account of accounts) {
        const done = insert.run(account.address, account.hash, now, now).changes > 0;
        (done ? added : kept).push(account.address);
      }
    })();
    return { added, kept };
  }

  private require(addressText: string): SubmissionUser {
    const user = this.get(addressText);
    if (!user) throw new UserError(`no user ${addressText.trim().toLowerCase()}`);
    return user;
  }

  private row(address: string): UserRow | undefined {
    return this.byAddress.get(address);
  }

  private toUser(row: UserRow): SubmissionUser {
    return userOf(
      row,
      this.sendersOf.all(row.address).map((r) => r.pattern),
    );
  }
}

function userOf(row: UserRow, senders: string[]): SubmissionUser {
  return {
    address: row.address,
    suspended: row.suspended === 1,
    hold: holdOf(row),
    senders,
    createdAt: row.created_at,
  };
}

function holdOf(row: Pick<UserRow, "held_at" | "hold_reason">): AccountHold | null {
  return row.held_at ? { since: row.held_at, reason: row.hold_reason ?? "" } : null;
}

/** May this user put `mailFrom` in MAIL FROM? Its own address or one of its patterns. */
export function maySendAs(user: SubmissionUser, mailFrom: string): boolean {
  const address = mailFrom.toLowerCase();
  return address === user.address || user.senders.some((pattern) => senderMatches(pattern, address));
}

function checkPassword(password: string): void {
  if (password.length < 8) throw new UserError("the password must have at least 8 characters");
  if (password.length > 1024) throw new UserError("the password must have at most 1024 characters");
}

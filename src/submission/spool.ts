import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Statement } from "better-sqlite3";
import type { Store } from "../store/index.js";
import { DirectorySync } from "./directory-sync.js";
import { GroupCommit } from "./group-commit.js";
import { isSpareName, SpareFiles } from "./spare-files.js";
import { SpoolFile, writeWholeFile } from "./spool-file.js";

export interface Envelope {
  /** The authenticated user who submitted the message. */
  readonly username: string;
  /** MAIL FROM; empty for a delivery status notification. */
  readonly mailFrom: string;
  readonly recipients: readonly string[];
  readonly clientAddress: string;
}

export type RecipientState = "queued" | "delivered" | "bounced" | "expired";

export interface SpooledMessage {
  readonly id: string;
  readonly username: string;
  readonly mailFrom: string;
  readonly size: number;
  readonly clientAddress: string;
  readonly receivedAt: string;
  readonly held: boolean;
  readonly holdReason: string | null;
}

export interface SpooledRecipient {
  readonly messageId: string;
  readonly recipient: string;
  readonly state: RecipientState;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
}

/** A message being written: bytes go to a temp file; nothing is visible until commit(). */
export interface SpoolWriter {
  write(chunk: Buffer): Promise<void>;
  /** Makes the message durable and indexed; after this returns the client may hear 250. */
  commit(envelope: Envelope, hold?: string): Promise<SpooledMessage>;
  /** Drops the temp file (a refused or broken transaction). */
  abort(): Promise<void>;
}

/** One delivery attempt's result for one recipient. */
export interface AttemptOutcome {
  readonly recipient: string;
  readonly state: RecipientState;
  readonly error?: string;
  readonly nextAttemptAt?: Date;
}

/** Where a message stands once an attempt's outcomes are recorded. */
export interface Settled {
  /** Recipients still queued for a later attempt. */
  readonly queued: number;
  /** True when every recipient was delivered and the message is gone from the spool. */
  readonly removed: boolean;
}

/** What the index records of a message just made durable, before the client hears 250. */
export interface IndexEntry {
  readonly id: string;
  readonly envelope: Envelope;
  readonly size: number;
  readonly receivedAt: string;
  readonly hold: string | undefined;
}

interface MessageRow {
  id: string;
  username: string;
  mail_from: string;
  size: number;
  client_address: string;
  received_at: string;
  held: number;
  hold_reason: string | null;
}

interface RecipientRow {
  message_id: string;
  recipient: string;
  state: RecipientState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

/**
 * The durable hand-off between accepting and delivering, shaped like Postfix's queue: a message
 * is written to tmp/, fsync'd, renamed into the spool folder (the folder fsync'd too), then
 * indexed in SQLite with a row per recipient, all before the server answers 250. A crash at any
 * point leaves either no trace of the message or a complete, indexed one.
 */
export interface SpoolOptions {
  /**
   * Where commit() sends a message's index rows once its file is in the spool; by default a
   * group commit on `db` in this thread. The submission runtime hands them to the queue thread
   * instead (queue-manager.ts).
   */
  readonly index?: (entry: IndexEntry) => Promise<void>;
  /**
   * Where commit() sends a message small enough to be held in memory (WHOLE_LIMIT), whole, to
   * be written, fsync'd, renamed into the spool and indexed; by default store() in this thread.
   * The submission runtime hands it to the queue thread, which then delivers from memory.
   */
  readonly store?: (entry: IndexEntry, content: Buffer) => Promise<void>;
  /** How many delivered messages' files to keep for reuse (spare-files.ts); 0 by default. */
  readonly spareFiles?: number;
}

/**
 * A message up to this size is held in memory until its commit, and its file written in one go:
 * most mail by count. Larger ones go to a temp file as they arrive, so a session never holds more.
 */
export const WHOLE_LIMIT = 64 * 1024;

/**
 * How old a file without index rows must be before recover() takes it for a crash's leftover: a
 * live writer touches its temp file at least once per SMTP idle timeout (60 s by default), and
 * indexes a renamed file within a commit's time.
 */
export const RECOVER_MIN_AGE_MS = 10 * 60_000;

export class Spool {
  readonly dir: string;
  private readonly tmp: string;
  /** The statements every message goes through, compiled once instead of once per call. */
  private readonly statements: {
    insertMessage: Statement;
    insertRecipient: Statement;
    message: Statement;
    recipients: Statement;
    due: Statement;
    record: Statement;
    openRecipients: Statement;
    deleteMessage: Statement;
    openAndFailed: Statement;
  };
  private readonly directory: DirectorySync;
  /** Index rows and delivery outcomes of one event-loop turn share one transaction. */
  private readonly writes: GroupCommit;
  private readonly indexVia: (entry: IndexEntry) => Promise<void>;
  private readonly storeVia: (entry: IndexEntry, content: Buffer) => Promise<void>;
  private readonly spares: SpareFiles;

  constructor(
    private readonly db: Store,
    dataDir: string,
    options: SpoolOptions = {},
  ) {
    this.dir = join(dataDir, "spool");
    this.tmp = join(this.dir, "tmp");
    mkdirSync(this.tmp, { recursive: true });
    this.statements = {
      insertMessage: db.prepare(
        `INSERT INTO spool_messages (id, username, mail_from, size, client_address, received_at, held, hold_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertRecipient: db.prepare(
        `INSERT OR IGNORE INTO spool_recipients (message_id, recipient, next_attempt_at, updated_at) VALUES (?, ?, ?, ?)`,
      ),
      message: db.prepare("SELECT * FROM spool_messages WHERE id = ?"),
      recipients: db.prepare("SELECT * FROM spool_recipients WHERE message_id = ? ORDER BY recipient"),
      due: db.prepare(
        `SELECT r.* FROM spool_recipients r JOIN spool_messages m ON m.id = r.message_id
         WHERE r.state = 'queued' AND m.held = 0 AND r.next_attempt_at <= ?
         ORDER BY r.next_attempt_at LIMIT ?`,
      ),
      record: db.prepare(
        `UPDATE spool_recipients SET state = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ?
         WHERE message_id = ? AND recipient = ?`,
      ),
      // `+state`: look the message up by primary key, not by scanning every queued row (see finished()).
      openRecipients: db.prepare(
        "SELECT COUNT(*) AS n FROM spool_recipients WHERE message_id = ? AND +state = 'queued'",
      ),
      deleteMessage: db.prepare("DELETE FROM spool_messages WHERE id = ?"),
      openAndFailed: db.prepare(
        `SELECT COUNT(*) FILTER (WHERE +state = 'queued') AS queued,
                COUNT(*) FILTER (WHERE +state IN ('bounced', 'expired')) AS failed
         FROM spool_recipients WHERE message_id = ?`,
      ),
    };
    this.directory = new DirectorySync(this.dir);
    this.writes = new GroupCommit(db);
    this.indexVia = options.index ?? ((entry) => this.index(entry));
    this.storeVia = options.store ?? ((entry, content) => this.store(entry, content));
    this.spares = new SpareFiles(this.tmp, options.spareFiles ?? 0);
    this.spares.adopt();
  }

  /**
   * Clears what a crash left behind: temp files (no client was told 250) and spool files that
   * never got their index rows (renamed, but the transaction was cut before commit). Spare files
   * stay for the queue thread to reuse. Files touched within RECOVER_MIN_AGE_MS are left alone:
   * another process sharing the spool (a `campaign send`) may be writing or indexing them now.
   */
  recover(now = Date.now()): { tempFiles: number; orphans: number } {
    const settled = (path: string) => {
      try {
        return statSync(path).mtimeMs < now - RECOVER_MIN_AGE_MS;
      } catch {
        return false;
      }
    };
    let tempFiles = 0;
    for (const file of readdirSync(this.tmp)) {
      if (isSpareName(file) || !settled(join(this.tmp, file))) continue;
      rmSync(join(this.tmp, file), { force: true });
      tempFiles++;
    }
    const known = new Set(
      (this.db.prepare("SELECT id FROM spool_messages").all() as { id: string }[]).map((r) => r.id),
    );
    let orphans = 0;
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith(".eml") || known.has(file.slice(0, -4)) || !settled(join(this.dir, file))) continue;
      rmSync(join(this.dir, file), { force: true });
      orphans++;
    }
    return { tempFiles, orphans };
  }

  /**
   * Runs `fn` inside a write transaction on the spool's index: a mutex between the processes
   * sharing this spool, which SQLite releases when its holder dies (delivery-owner.ts).
   */
  exclusively<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * A writer for one message. Up to WHOLE_LIMIT bytes it only holds them, and commit() hands the
   * message whole to `store`; past that it writes a new temp file as the bytes come (spares are
   * for the many small messages), and commit() makes that file durable here and hands only the
   * index rows on.
   */
  async create(): Promise<SpoolWriter> {
    const id = newMessageId();
    const tempPath = join(this.tmp, `${id}.eml`);
    let held: Buffer[] = [];
    let size = 0;
    let file: SpoolFile | undefined;
    const entryOf = (envelope: Envelope, hold: string | undefined): IndexEntry => ({
      id,
      envelope,
      size,
      receivedAt: new Date().toISOString(),
      hold,
    });
    return {
      write: async (chunk) => {
        size += chunk.length;
        if (file) return file.write(chunk);
        held.push(chunk);
        if (size <= WHOLE_LIMIT) return;
        file = await SpoolFile.create(tempPath);
        for (const part of held) await file.write(part);
        held = [];
      },
      abort: async () => {
        held = [];
        if (file) await discardTemp(file, tempPath);
      },
      commit: async (envelope, hold) => {
        const entry = entryOf(envelope, hold);
        if (!file) {
          await this.storeVia(entry, wholeContent(held, size));
          held = [];
          return spooledMessage(entry);
        }
        await this.settleTemp(file, tempPath, id);
        try {
          await this.indexVia(entry);
        } catch (error) {
          // Not indexed, so never acknowledged: the file must not linger until the next recover().
          await rm(this.pathOf(id), { force: true });
          throw error;
        }
        return spooledMessage(entry);
      },
    };
  }

  /**
   * Writes a whole message's file, fsyncs it, renames it into the spool and indexes it: what
   * a writer's commit() does for a small message, here or in the queue thread.
   */
  async store(entry: IndexEntry, content: Buffer, alongside?: () => void): Promise<void> {
    const finalPath = this.pathOf(entry.id);
    let spare = this.spares.take();
    let tempPath = spare?.path ?? join(this.tmp, `${entry.id}.eml`);
    try {
      try {
        await writeWholeFile(tempPath, content, spare?.size);
      } catch (error) {
        // A spare someone removed by hand: write a new file instead.
        if (!spare || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        spare = undefined;
        tempPath = join(this.tmp, `${entry.id}.eml`);
        await writeWholeFile(tempPath, content);
      }
      renameSync(tempPath, finalPath);
    } catch (error) {
      if (spare) this.spares.putBack({ path: spare.path, size: Math.max(spare.size, content.length) });
      else rmSync(tempPath, { force: true });
      throw error;
    }
    await this.directory.sync();
    try {
      await this.index(entry, alongside);
    } catch (error) {
      rmSync(finalPath, { force: true });
      throw error;
    }
  }

  /** fsyncs a temp file and renames it into the spool, the folder fsync'd too (shared by a batch). */
  private async settleTemp(file: SpoolFile, tempPath: string, id: string): Promise<void> {
    try {
      await file.sync();
      await rename(tempPath, this.pathOf(id));
    } catch (error) {
      await discardTemp(file, tempPath);
      throw error;
    }
    await this.directory.sync();
  }

  /**
   * Writes a message's index rows, sharing the transaction with others of the same turn;
   * `alongside` writes the caller's own record of the message in that same transaction.
   */
  index(entry: IndexEntry, alongside?: () => void): Promise<void> {
    return this.writes.submit(() => {
      this.insert(entry);
      alongside?.();
    });
  }

  /**
   * Spools a whole message made here (a notice, not one received over SMTP) and returns it as
   * indexed; `alongside` commits with its index rows, so the caller's record and the queue agree.
   */
  async queue(
    envelope: Envelope,
    content: Buffer,
    alongside?: (message: SpooledMessage) => void,
  ): Promise<SpooledMessage> {
    const entry: IndexEntry = {
      id: newMessageId(),
      envelope,
      size: content.length,
      receivedAt: new Date().toISOString(),
      hold: undefined,
    };
    const message = spooledMessage(entry);
    await this.store(entry, content, alongside && (() => alongside(message)));
    return message;
  }

  private insert({ id, envelope, size, receivedAt, hold }: IndexEntry): void {
    this.statements.insertMessage.run(
      id,
      envelope.username,
      envelope.mailFrom,
      size,
      envelope.clientAddress,
      receivedAt,
      hold ? 1 : 0,
      hold ?? null,
    );
    const insert = this.statements.insertRecipient;
    for (const recipient of envelope.recipients) insert.run(id, recipient, receivedAt, receivedAt);
  }

  pathOf(id: string): string {
    return join(this.dir, `${id}.eml`);
  }

  message(id: string): SpooledMessage | undefined {
    const row = this.statements.message.get(id) as MessageRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  messages(): SpooledMessage[] {
    return (this.db.prepare("SELECT * FROM spool_messages ORDER BY received_at").all() as MessageRow[]).map(
      toMessage,
    );
  }

  /**
   * Ids of the messages a bulk queue command acts on, oldest first: every one, or those sent by an
   * account or envelope sender (case-insensitive), or received before a moment.
   */
  select(filter: { from?: string; receivedBefore?: Date }): string[] {
    const rows = this.db
      .prepare(
        `SELECT id FROM spool_messages
         WHERE (? IS NULL OR lower(username) = lower(?) OR lower(mail_from) = lower(?))
           AND (? IS NULL OR received_at < ?)
         ORDER BY received_at, id`,
      )
      .pluck()
      .all(
        filter.from ?? null,
        filter.from ?? null,
        filter.from ?? null,
        filter.receivedBefore?.toISOString() ?? null,
        filter.receivedBefore?.toISOString() ?? null,
      ) as string[];
    return rows;
  }

  /** How many messages the spool holds and when the oldest came: one indexed aggregate, no rows read. */
  depth(): { messages: number; oldestReceivedAt: string | null } {
    return this.db
      .prepare("SELECT count(*) AS messages, min(received_at) AS oldestReceivedAt FROM spool_messages")
      .get() as { messages: number; oldestReceivedAt: string | null };
  }

  recipients(id: string): SpooledRecipient[] {
    return (this.statements.recipients.all(id) as RecipientRow[]).map(toRecipient);
  }

  /** Queued recipients of messages not on hold whose next attempt is due, oldest first. */
  due(now: Date, limit: number): SpooledRecipient[] {
    return (this.statements.due.all(now.toISOString(), limit) as RecipientRow[]).map(toRecipient);
  }

  /**
   * Records one attempt's outcomes for a message's recipients. When they leave nothing queued
   * and nothing failed, the message is removed in the same transaction (its file right after):
   * the common case costs one shared commit. Failures stay for finishMessage, which reports them.
   * `everyRecipient` says the outcomes cover all of the message's recipients.
   */
  settle(
    message: Pick<SpooledMessage, "id" | "size">,
    outcomes: readonly AttemptOutcome[],
    everyRecipient = false,
  ): Promise<Settled> {
    // Lazy: the remote already has the message, so only a crash in the next few ms could send it twice.
    return this.writes
      .submit(() => this.settleNow(message.id, outcomes, everyRecipient), "lazy")
      .then(async (settled) => {
        if (settled.removed) this.spares.keep(this.pathOf(message.id), message.id, message.size);
        return settled;
      });
  }

  /**
   * `everyRecipient`: the outcomes cover all of the message's recipients, so when all were
   * delivered the message is simply deleted (its recipient rows go with it): one statement.
   */
  private settleNow(
    messageId: string,
    outcomes: readonly AttemptOutcome[],
    everyRecipient: boolean,
  ): Settled {
    if (everyRecipient && outcomes.every((outcome) => outcome.state === "delivered")) {
      this.statements.deleteMessage.run(messageId);
      return { queued: 0, removed: true };
    }
    const now = new Date();
    for (const outcome of outcomes) {
      this.statements.record.run(
        outcome.state,
        outcome.error ?? null,
        (outcome.nextAttemptAt ?? now).toISOString(),
        now.toISOString(),
        messageId,
        outcome.recipient,
      );
    }
    const left = this.statements.openAndFailed.get(messageId) as { queued: number; failed: number };
    const removed = left.queued === 0 && left.failed === 0;
    if (removed) this.statements.deleteMessage.run(messageId);
    return { queued: left.queued, removed };
  }

  /** Makes queued recipients due now, of one message or of all; returns how many. */
  retryNow(id?: string, now = new Date()): number {
    const sql = `UPDATE spool_recipients SET next_attempt_at = ?, updated_at = ? WHERE state = 'queued'`;
    const at = now.toISOString();
    return id === undefined
      ? this.db.prepare(sql).run(at, at).changes
      : this.db.prepare(`${sql} AND message_id = ?`).run(at, at, id).changes;
  }

  /**
   * Messages with no recipient left to try: delivery ended but the message was not yet removed.
   * `+r.state` keeps SQLite (which has no statistics here) from answering the subquery through
   * the (state, next_attempt_at) index, a scan of every queued row for every message; with it
   * the subquery is a primary-key look-up by message_id.
   */
  finished(): string[] {
    return (
      this.db
        .prepare(
          `SELECT m.id FROM spool_messages m WHERE NOT EXISTS
           (SELECT 1 FROM spool_recipients r WHERE r.message_id = m.id AND +r.state = 'queued')`,
        )
        .all() as { id: string }[]
    ).map((row) => row.id);
  }

  /** The messages of one user that are on hold. */
  heldMessageIds(username: string): string[] {
    return this.db
      .prepare("SELECT id FROM spool_messages WHERE username = ? AND held = 1 ORDER BY received_at")
      .pluck()
      .all(username) as string[];
  }

  /** Puts a message on hold or releases it. */
  setHeld(id: string, reason: string | null): void {
    this.db
      .prepare("UPDATE spool_messages SET held = ?, hold_reason = ? WHERE id = ?")
      .run(reason ? 1 : 0, reason, id);
  }

  /** Deletes a message whose recipients are all finished, or any message when `force`. */
  remove(id: string, force = false): boolean {
    const open = this.statements.openRecipients.get(id) as { n: number };
    if (open.n > 0 && !force) return false;
    const removed = this.statements.deleteMessage.run(id).changes > 0;
    rmSync(this.pathOf(id), { force: true });
    return removed;
  }
}

/** Random bytes drawn for many ids at once: one call into the generator per 1,000 messages. */
const ID_RANDOM_BYTES = 9;
let randomPool = Buffer.alloc(0);
let randomUsed = 0;

/** A spool id: the time in base 36, then 9 random bytes, so ids sort by arrival and never collide. */
function newMessageId(): string {
  if (randomUsed + ID_RANDOM_BYTES > randomPool.length) {
    randomPool = randomBytes(ID_RANDOM_BYTES * 1000);
    randomUsed = 0;
  }
  const random = randomPool.toString("base64url", randomUsed, randomUsed + ID_RANDOM_BYTES);
  randomUsed += ID_RANDOM_BYTES;
  return `${Date.now().toString(36)}${random}`;
}

/** Closes and deletes the temp file of a refused or broken transaction. */
async function discardTemp(file: SpoolFile, path: string): Promise<void> {
  await file.close();
  rmSync(path, { force: true });
}

/** The held chunks as one buffer that owns its memory, so it can move to another thread. */
function wholeContent(chunks: readonly Buffer[], size: number): Buffer {
  const content = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(content, at);
  return content;
}

/** The message an index entry records, as message(id) reads it back once committed. */
export function spooledMessage({ id, envelope, size, receivedAt, hold }: IndexEntry): SpooledMessage {
  return {
    id,
    username: envelope.username,
    mailFrom: envelope.mailFrom,
    size,
    clientAddress: envelope.clientAddress,
    receivedAt,
    held: Boolean(hold),
    holdReason: hold ?? null,
  };
}

function toMessage(row: MessageRow): SpooledMessage {
  return {
    id: row.id,
    username: row.username,
    mailFrom: row.mail_from,
    size: row.size,
    clientAddress: row.client_address,
    receivedAt: row.received_at,
    held: row.held === 1,
    holdReason: row.hold_reason,
  };
}

function toRecipient(row: RecipientRow): SpooledRecipient {
  return {
    messageId: row.message_id,
    recipient: row.recipient,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  };
}

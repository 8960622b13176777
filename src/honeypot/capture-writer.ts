import type { Store } from "../store/index.js";
import type { BodyFiles } from "./body-files.js";
import type { Counters } from "./counters.js";
import { type CapturedSession, pathText } from "./session.js";

const FLUSH_MS = 200;
const FLUSH_ROWS = 256;
const EVICT_BATCH = 100;

/**
 * Writes finished sessions to the store in batches (one transaction per flush, every 200 ms or
 * 256 sessions) and keeps the stored bodies under the disk quota, deleting the oldest bodies
 * first while their rows and every message's metadata stay.
 */
export class CaptureWriter {
  private queue: CapturedSession[] = [];
  private storedBytes: number;
  private readonly timer: NodeJS.Timeout;
  private readonly insertSession;
  private readonly insertBody;
  private readonly restoreBody;
  private readonly insertMessage;
  private readonly insertRecipient;
  private readonly addCounter;
  private readonly oldestBodies;
  private readonly evictBody;

  constructor(
    private readonly store: Store,
    private readonly files: BodyFiles,
    private readonly quotaBytes: number,
    private readonly counters: Counters,
  ) {
    this.insertSession = store.prepare(`INSERT INTO honeypot_sessions (started_ms, ended_ms, source,
      source_port, sensor, listener, path, destination_host, destination_port, proxy_user, proxy_password,
      helo, bytes, messages, recipients, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertBody = store.prepare(
      "INSERT OR IGNORE INTO honeypot_bodies (sha256, size, first_seen_ms, stored) VALUES (?, ?, ?, 1)",
    );
    this.restoreBody = store.prepare("UPDATE honeypot_bodies SET stored = 1 WHERE sha256 = ? AND stored = 0");
    this.insertMessage = store.prepare(`INSERT INTO honeypot_messages (session_id, received_ms, mail_from,
      sha256, size, truncated, fingerprint, subject_pattern, urls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertRecipient = store.prepare(
      "INSERT INTO honeypot_recipients (message_id, position, address, domain) VALUES (?, ?, ?, ?)",
    );
    this.addCounter = store.prepare(`INSERT INTO honeypot_counters (name, value) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`);
    this.oldestBodies = store.prepare(
      "SELECT sha256, size FROM honeypot_bodies WHERE stored = 1 ORDER BY first_seen_ms LIMIT ?",
    );
    this.evictBody = store.prepare("UPDATE honeypot_bodies SET stored = 0 WHERE sha256 = ?");
    this.storedBytes = Number(
      (
        store.prepare("SELECT COALESCE(SUM(size), 0) AS n FROM honeypot_bodies WHERE stored = 1").get() as {
          n: number;
        }
      ).n,
    );
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  record(session: CapturedSession): void {
    this.queue.push(session);
    if (this.queue.length >= FLUSH_ROWS) this.flush();
  }

  flush(): void {
    const sessions = this.queue;
    this.queue = [];
    const counts = this.counters.takePending();
    if (sessions.length === 0 && counts.size === 0) return;
    this.store.transaction(() => {
      for (const session of sessions) this.write(session);
      for (const [name, value] of counts) this.addCounter.run(name, value);
    })();
    this.evict();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private write(s: CapturedSession): void {
    const recipients = s.messages.reduce((n, m) => n + m.recipients.length, 0);
    const sessionId = this.insertSession.run(
      s.startedMs,
      s.endedMs,
      s.source,
      s.sourcePort,
      s.sensor,
      s.listener,
      pathText(s.path),
      s.destination?.host ?? null,
      s.destination?.port ?? null,
      s.proxyUser ?? null,
      s.proxyPassword ?? null,
      s.helo ?? null,
      s.bytes,
      s.messages.length,
      recipients,
      s.outcome,
    ).lastInsertRowid;
    for (const m of s.messages) {
      const added =
        this.insertBody.run(m.sha256, m.storedSize, m.receivedMs).changes > 0 ||
        this.restoreBody.run(m.sha256).changes > 0;
      if (added) this.storedBytes += m.storedSize;
      const messageId = this.insertMessage.run(
        sessionId,
        m.receivedMs,
        m.mailFrom,
        m.sha256,
        m.size,
        m.truncated ? 1 : 0,
        m.fingerprint,
        m.subjectPattern,
        JSON.stringify(m.urls),
      ).lastInsertRowid;
      m.recipients.forEach((address, i) => {
        this.insertRecipient.run(messageId, i, address, domainOf(address));
      });
    }
  }

  private evict(): void {
    while (this.storedBytes > this.quotaBytes) {
      const oldest = this.oldestBodies.all(EVICT_BATCH) as { sha256: string; size: number }[];
      if (oldest.length === 0) return;
      this.store.transaction(() => {
        for (const body of oldest) {
          if (this.storedBytes <= this.quotaBytes) break;
          this.files.remove(body.sha256);
          this.evictBody.run(body.sha256);
          this.storedBytes -= body.size;
          this.counters.add("bodies_evicted");
        }
      })();
    }
  }
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? "" : address.slice(at + 1).toLowerCase();
}

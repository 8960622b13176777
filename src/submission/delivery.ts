import type { Logger } from "../core/index.js";
import { needsSmtpUtf8 } from "./envelope-address.js";
import { finishMessage } from "./finish.js";
import type { SubmissionMetrics } from "./metrics.js";
import { MailRouter, RouteError } from "./mx.js";
import { retryDelay } from "./retry.js";
import { type RecipientOutcome, recipientOutcomes, unanswered } from "./smtp-outcome.js";
import type { AttemptOutcome, Spool, SpooledMessage, SpooledRecipient } from "./spool.js";
import { type Destination, TransportPool } from "./transports.js";

export interface DeliveryOptions {
  readonly spool: Spool;
  /** Our name: EHLO, and Reporting-MTA of the DSNs. */
  readonly hostname: string;
  /** When set, every message goes here; otherwise to each recipient domain's MX. */
  readonly smarthost?: { host: string; port: number; secure?: boolean; user?: string; pass?: string };
  /** DNS servers for MX look-ups (default: the system's) and the port MX hosts listen on (25). */
  readonly mx?: { servers?: string[]; port?: number };
  /** Sessions in flight over all destinations (default 100, like Postfix's process limit). */
  readonly concurrency?: number;
  /** Sessions in flight to one destination: a recipient domain, or the smarthost (default 20). */
  readonly connectionsPerDestination?: number;
  /** How long a message may stay queued before its recipients expire (default 5 days). */
  readonly lifetimeMs?: number;
  /** How often the spool is checked for retries that came due (default 5 s). */
  readonly pollMs?: number;
  /** How long stop() waits for sessions in flight (default 30 s). */
  readonly stopTimeoutMs?: number;
  readonly logger: Logger;
  /** Counts each recipient's attempt by outcome. */
  readonly metrics?: Pick<SubmissionMetrics, "delivered">;
}

export interface Delivery {
  /**
   * Hands over a message just committed, so it goes out without waiting for a spool scan; with
   * its `content`, the first attempt sends that instead of reading the file back.
   */
  enqueue(message: SpooledMessage, recipients: readonly string[], content?: Buffer): void;
  /** Looks at the spool now (e.g. after `queue retry`). */
  kick(): void;
  /** Lets the sessions in flight finish (bounded), then closes every connection. */
  stop(): Promise<void>;
}

const FIVE_DAYS_MS = 5 * 24 * 3_600_000;
/** RFC 5321 §4.5.3.1.8: every server takes at least 100 recipients per transaction. */
const RECIPIENTS_PER_TRANSACTION = 100;
/** Addresses tried for one domain per attempt, over all its MX hosts. */
const ADDRESSES_PER_ATTEMPT = 5;
/**
 * Recipients waiting in memory for a free session, like Postfix's active queue. Past this, new
 * messages stay only in the spool, and the worker reads them back as the queue drains.
 */
const READY_LIMIT = 10_000;
/** Below this many waiting recipients, the worker tops the queue up from the spool. */
const READY_LOW = 500;
/** Due rows read from the spool per top-up. */
const REFILL_PAGE = 2_000;
/** Bytes of message content kept in memory for jobs waiting or in flight; past it, jobs read the file. */
const CONTENT_BUDGET = 32 * 1024 * 1024;

/** The recipients of one message that go to one destination in one SMTP transaction. */
interface Job {
  readonly messageId: string;
  /** The recipient domain, or "" when everything goes to the smarthost. */
  readonly domain: string;
  readonly recipients: SpooledRecipient[];
  /** The message's bytes, when handed over in memory; otherwise the spool file is read. */
  readonly content?: Buffer;
  /** The message as just committed (enqueue): no need to read it back. */
  readonly message?: SpooledMessage;
  /** True when this job holds every recipient of a message just committed. */
  readonly whole?: boolean;
}

const keyOf = (r: { messageId: string; recipient: string }) => `${r.messageId}\0${r.recipient}`;
const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

/** Starts the worker that moves spooled messages to the smarthost or to the recipients' MX. */
export function startDelivery(options: DeliveryOptions): Delivery {
  const worker = new DeliveryWorker(options);
  worker.start();
  return {
    enqueue: (message, recipients, content) => worker.enqueue(message, recipients, content),
    kick: () => worker.kick(),
    stop: () => worker.stop(),
  };
}

class DeliveryWorker {
  private readonly spool: Spool;
  private readonly logger: Logger;
  private readonly router: MailRouter | undefined;
  private readonly pool: TransportPool;
  private readonly concurrency: number;
  private readonly perDestination: number;
  /** Jobs in flight per recipient domain ("" for the smarthost), like Postfix's per-nexthop limit. */
  private readonly active = new Map<string, number>();
  private readonly lifetimeMs: number;
  /** Recipients waiting in `ready` or in a session, so that no spool read queues them twice. */
  private readonly claimed = new Set<string>();
  /** Jobs waiting for a session, per destination, oldest first. */
  private readonly ready = new Map<string, Job[]>();
  private readyRecipients = 0;
  /** Bytes of `content` held by jobs waiting or in flight (CONTENT_BUDGET). */
  private contentBytes = 0;
  /** The spool may hold due recipients that are not in memory: at start, after an overflow, on each poll. */
  private backlog = true;
  private readonly jobs = new Set<Promise<void>>();
  /** Jobs holding a session (jobs past their send are only recording the outcome): the concurrency. */
  private sending = 0;
  /** Messages whose DSN and removal are under way, so that no two paths send the same DSN. */
  private readonly finishing = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private scanning = false;
  private rescan = false;
  private stopped = false;

  constructor(private readonly options: DeliveryOptions) {
    this.spool = options.spool;
    this.logger = options.logger;
    this.router = options.smarthost ? undefined : new MailRouter(options.mx?.servers);
    this.concurrency = Math.max(1, options.concurrency ?? 100);
    this.perDestination = Math.max(1, options.connectionsPerDestination ?? 20);
    this.lifetimeMs = options.lifetimeMs ?? FIVE_DAYS_MS;
    // Kept idle for 10 s: long enough for the next message in a burst, far below any server's timeout.
    this.pool = new TransportPool({ hostname: options.hostname, idleMs: 10_000 });
  }

  start(): void {
    this.timer = setInterval(() => {
      this.track(this.finishLeftovers());
      // Retries that came due, and anything another process (queue retry) made due.
      this.backlog = true;
      this.refill();
      this.wake();
    }, this.options.pollMs ?? 5000);
    this.track(this.finishLeftovers());
    this.kick();
  }

  enqueue(message: SpooledMessage, recipients: readonly string[], content?: Buffer): void {
    if (this.stopped || message.held) return;
    if (this.readyRecipients >= READY_LIMIT) {
      this.backlog = true;
      return;
    }
    const rows = recipients.map((recipient) => ({
      messageId: message.id,
      recipient,
      state: "queued" as const,
      attempts: 0,
      nextAttemptAt: message.receivedAt,
      lastError: null,
    }));
    const kept = content && this.contentBytes + content.length <= CONTENT_BUDGET ? content : undefined;
    this.queue(this.group(rows, { message, ...(kept ? { content: kept } : {}) }));
    this.wake();
  }

  /** Something outside (an operator's retry, a DSN just spooled) may have made spool rows due. */
  kick(): void {
    this.backlog = true;
    this.wake();
  }

  private wake(): void {
    // Wakes in a burst (jobs ending, messages committed) share one scan.
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.scan();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    let expire: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      expire = setTimeout(resolve, this.options.stopTimeoutMs ?? 30_000);
    });
    await Promise.race([Promise.allSettled([...this.jobs]), deadline]);
    clearTimeout(expire);
    // A session cut here was not recorded as delivered, so the next worker sends it again.
    if (this.jobs.size > 0)
      this.logger.warn({ sessions: this.jobs.size }, "stopping with deliveries in flight");
    this.pool.close(this.jobs.size > 0);
  }

  /**
   * Finishes messages that are fully decided but still spooled: a crash came between the last
   * outcome and the removal, or spooling the DSN failed (a full disk) and is tried again.
   */
  private async finishLeftovers(): Promise<void> {
    for (const id of this.spool.finished()) {
      if (this.stopped) return;
      await this.finish(id);
    }
  }

  private async finish(id: string): Promise<void> {
    if (this.finishing.has(id)) return;
    this.finishing.add(id);
    try {
      if (await finishMessage(this.spool, id, this.options.hostname, this.logger)) {
        // The DSN is in the spool only; the next scan reads it back.
        this.kick();
      }
    } finally {
      this.finishing.delete(id);
    }
  }

  /** Starts waiting jobs while there is room, topping the queue up from the spool when it runs low. */
  private scan(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.rescan = false;
        if (this.backlog && this.readyRecipients < READY_LOW) this.refill();
        this.dispatch();
      } while (this.rescan && !this.stopped);
    } catch (error) {
      this.logger.error({ err: error }, "delivery scan failed");
    } finally {
      this.scanning = false;
    }
  }

  /** Launches jobs per destination, oldest first; a busy destination waits without holding up the others. */
  private dispatch(): void {
    for (const [destination, waiting] of this.ready) {
      while (
        waiting.length > 0 &&
        this.sending < this.concurrency &&
        (this.active.get(destination) ?? 0) < this.perDestination
      ) {
        const job = waiting.shift() as Job;
        this.readyRecipients -= job.recipients.length;
        this.launch(job);
      }
      if (waiting.length === 0) this.ready.delete(destination);
      if (this.sending >= this.concurrency) return;
    }
  }

  /** Reads due recipients that are not already waiting or in flight back from the spool. */
  private refill(): void {
    if (this.stopped || this.readyRecipients >= READY_LIMIT) return;
    this.backlog = false;
    const limit = REFILL_PAGE + this.claimed.size;
    const due = this.spool.due(new Date(), limit);
    // A full page may have left more behind.
    if (due.length === limit) this.backlog = true;
    this.queue(this.group(due.filter((r) => !this.claimed.has(keyOf(r)))));
  }

  private queue(jobs: readonly Job[]): void {
    for (const job of jobs) {
      this.contentBytes += job.content?.length ?? 0;
      for (const r of job.recipients) this.claimed.add(keyOf(r));
      this.readyRecipients += job.recipients.length;
      const waiting = this.ready.get(job.domain);
      if (waiting) waiting.push(job);
      else this.ready.set(job.domain, [job]);
    }
  }

  /** Jobs for due recipients; `fresh` carries what enqueue knows of a message just committed. */
  private group(
    due: readonly SpooledRecipient[],
    fresh?: { message: SpooledMessage; content?: Buffer },
  ): Job[] {
    const jobs = new Map<string, SpooledRecipient[]>();
    for (const recipient of due) {
      const domain = this.options.smarthost ? "" : domainOf(recipient.recipient);
      // Recipients that need SMTPUTF8 travel apart: a hop without it fails them and not the rest.
      const key = `${recipient.messageId}\0${domain}\0${needsSmtpUtf8(recipient.recipient)}`;
      const list = jobs.get(key) ?? [];
      list.push(recipient);
      jobs.set(key, list);
    }
    const grouped = [...jobs.values()].flatMap((list) => {
      const first = list[0] as SpooledRecipient;
      const domain = this.options.smarthost ? "" : domainOf(first.recipient);
      const chunks: Job[] = [];
      for (let i = 0; i < list.length; i += RECIPIENTS_PER_TRANSACTION) {
        chunks.push({
          messageId: first.messageId,
          domain,
          recipients: list.slice(i, i + RECIPIENTS_PER_TRANSACTION),
          ...(fresh?.content ? { content: fresh.content } : {}),
          ...(fresh ? { message: fresh.message } : {}),
        });
      }
      return chunks;
    });
    return fresh && grouped.length === 1 ? [{ ...(grouped[0] as Job), whole: true }] : grouped;
  }

  private launch(job: Job): void {
    this.active.set(job.domain, (this.active.get(job.domain) ?? 0) + 1);
    this.sending++;
    let released = false;
    // The session's slot frees once the remote has answered; recording the outcome (a shared
    // commit that may wait a few ms) goes on without holding up the next message.
    const release = () => {
      if (released) return;
      released = true;
      this.sending--;
      const left = (this.active.get(job.domain) ?? 1) - 1;
      if (left > 0) this.active.set(job.domain, left);
      else this.active.delete(job.domain);
      this.wake();
    };
    this.track(
      this.deliver(job, release).finally(() => {
        release();
        this.contentBytes -= job.content?.length ?? 0;
        // Claimed until the outcome is recorded, so no spool read queues the recipients again.
        for (const r of job.recipients) this.claimed.delete(keyOf(r));
      }),
    );
  }

  private track(work: Promise<void>): void {
    const job: Promise<void> = work
      .catch((error) => this.logger.error({ err: error }, "delivery job failed"))
      .finally(() => {
        this.jobs.delete(job);
        this.wake();
      });
    this.jobs.add(job);
  }

  private async deliver(job: Job, release: () => void): Promise<void> {
    // Fresh from enqueue (committed a moment ago, not held), the message need not be read back.
    const message = job.message ?? this.spool.message(job.messageId);
    if (!message || message.held) return;
    const addresses = job.recipients.map((r) => r.recipient);
    let outcomes: RecipientOutcome[];
    try {
      outcomes = await this.send(message, addresses, await this.destinations(job.domain), job.content);
    } catch (error) {
      if (!(error instanceof RouteError)) throw error;
      const kind = error.permanent ? "failed" : "deferred";
      outcomes = addresses.map((recipient) => ({ recipient, kind, reply: error.message }));
    }
    release();
    const settled = await this.spool.settle(
      message,
      this.judge(message, job.recipients, outcomes),
      job.whole,
    );
    // Every recipient is final but some failed: the sender gets a DSN before the message goes.
    if (settled.queued === 0 && !settled.removed) await this.finish(message.id);
  }

  private async destinations(domain: string): Promise<Destination[]> {
    const smarthost = this.options.smarthost;
    if (smarthost) {
      // Credentials never travel in plain text: with AUTH and no implicit TLS, STARTTLS is required.
      return [{ ...smarthost, requireTLS: Boolean(smarthost.user) && !smarthost.secure }];
    }
    const hosts = await (this.router as MailRouter).route(domain);
    const port = this.options.mx?.port ?? 25;
    return hosts
      .flatMap((host) => host.addresses.map((address) => ({ host: address, port, servername: host.name })))
      .slice(0, ADDRESSES_PER_ATTEMPT);
  }

  /** Tries the destinations in order until one answers; only the remote 250 makes a delivery. */
  private async send(
    message: SpooledMessage,
    recipients: string[],
    destinations: readonly Destination[],
    content: Buffer | undefined,
  ): Promise<RecipientOutcome[]> {
    let outcomes: RecipientOutcome[] = recipients.map((recipient) => ({
      recipient,
      kind: "deferred",
      reply: "no destination to try",
    }));
    for (const destination of destinations) {
      try {
        // The bytes written to the spool file, from memory or streamed from the file: exactly as accepted.
        const info = await this.pool.send(
          destination,
          { from: message.mailFrom, to: recipients },
          content ?? this.spool.pathOf(message.id),
        );
        return recipientOutcomes(recipients, { info });
      } catch (error) {
        outcomes = recipientOutcomes(recipients, { error: error as Error });
        if (!unanswered(error as Error)) return outcomes;
        this.logger.info(
          { id: message.id, host: destination.servername ?? destination.host, err: (error as Error).message },
          "no answer, trying the next host",
        );
      }
    }
    return outcomes;
  }

  /** Turns each recipient's reply into its next state; logs and counts the attempt. */
  private judge(
    message: SpooledMessage,
    recipients: readonly SpooledRecipient[],
    outcomes: readonly RecipientOutcome[],
  ): AttemptOutcome[] {
    const now = Date.now();
    const expiresAt = Date.parse(message.receivedAt) + this.lifetimeMs;
    return outcomes.map((outcome) => {
      const before = recipients.find((r) => r.recipient === outcome.recipient);
      const attempts = (before?.attempts ?? 0) + 1;
      let state: "delivered" | "bounced" | "expired" | "queued";
      let nextAttemptAt: Date | undefined;
      if (outcome.kind === "delivered") state = "delivered";
      else if (outcome.kind === "failed") state = "bounced";
      else if (now >= expiresAt) state = "expired";
      else {
        state = "queued";
        // The last retry lands on the expiry time, so an expired message is reported on time.
        nextAttemptAt = new Date(Math.min(now + retryDelay(attempts), expiresAt));
      }
      this.options.metrics?.delivered(state === "queued" ? "deferred" : state);
      this.logger.info(
        { id: message.id, to: outcome.recipient, state, attempts, reply: outcome.reply, next: nextAttemptAt },
        "delivery attempt",
      );
      return {
        recipient: outcome.recipient,
        state,
        error: outcome.reply,
        ...(nextAttemptAt ? { nextAttemptAt } : {}),
      };
    });
  }
}

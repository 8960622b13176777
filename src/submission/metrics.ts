import { Counter, Gauge, Registry } from "prom-client";

export const REJECTION_REASONS = [
  "auth_failure",
  "lockout",
  "sender_not_owned",
  "rate_limit",
  "held",
  "size",
  "smuggling",
  "long_line",
  "connection_limit",
  "handshake_timeout",
  "pre_auth_commands",
  "pre_auth_timeout",
  "pre_auth_evicted",
  "auth_required",
  "suspended",
  "too_many_recipients",
  "bad_recipient",
  "bad_address",
  "smtputf8_required",
  "proxy_auth",
  "auth_unavailable",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** The spool's depth as the queue gauges show it. */
export interface QueueDepth {
  readonly messages: number;
  readonly oldestReceivedAt: string | null;
}

export const DELIVERY_OUTCOMES = ["delivered", "deferred", "bounced", "expired"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * The submission service's Prometheus metrics, in a registry of their own so that several
 * services in one process (tests, `porteiro serve`) never clash over the global one.
 */
export class SubmissionMetrics {
  readonly registry = new Registry();
  private heldAccounts: () => number = () => 0;
  private queue: () => QueueDepth = () => ({ messages: 0, oldestReceivedAt: null });

  readonly messagesAccepted = new Counter({
    name: "porteiro_submission_messages_accepted_total",
    help: "Messages accepted and spooled (answered 250 to DATA), held ones included",
    registers: [this.registry],
  });

  readonly recipientsAccepted = new Counter({
    name: "porteiro_submission_recipients_accepted_total",
    help: "Recipients of the accepted messages",
    registers: [this.registry],
  });

  readonly rejections = new Counter({
    name: "porteiro_submission_rejections_total",
    help: "Connections, logins, commands and messages refused, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly authChecks = new Counter({
    name: "porteiro_submission_auth_checks_total",
    help: "Password checks by backend and result: cache_hit, verified, failed, or unavailable (backend unreachable)",
    labelNames: ["backend", "result"] as const,
    registers: [this.registry],
  });

  readonly hashUpgrades = new Counter({
    name: "porteiro_submission_password_hash_upgrades_total",
    help: "Stored password hashes made again at the configured cost (imported or weaker) at a good login",
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: "porteiro_submission_deliveries_total",
    help: "Delivery attempts per recipient, by outcome (deferred: a temporary failure, retried later)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  constructor() {
    const metrics = this;
    new Gauge({
      name: "porteiro_submission_accounts_held",
      help: "Accounts on hold as probably compromised, until an operator releases them",
      registers: [this.registry],
      // Read from the store at scrape time, so a release from the command line shows at once.
      collect() {
        this.set(metrics.heldAccounts());
      },
    });
    new Gauge({
      name: "porteiro_submission_queue_messages",
      help: "Messages in the spool not yet finished (waiting, deferred or held), read at each scrape",
      registers: [this.registry],
      collect() {
        this.set(metrics.queue().messages);
      },
    });
    new Gauge({
      name: "porteiro_submission_queue_oldest_age_seconds",
      help: "Age of the oldest message in the spool (0 when it is empty): mail stuck behind a dead hop",
      registers: [this.registry],
      collect() {
        const oldest = metrics.queue().oldestReceivedAt;
        this.set(oldest === null ? 0 : Math.max(0, (Date.now() - Date.parse(oldest)) / 1000));
      },
    });
    // Every series exists from the start, so a rate() over a fresh process is not empty.
    for (const reason of REJECTION_REASONS) this.rejections.inc({ reason }, 0);
    for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ outcome }, 0);
  }

  reject(reason: RejectionReason): void {
    this.rejections.inc({ reason });
  }

  delivered(outcome: DeliveryOutcome): void {
    this.deliveries.inc({ outcome });
  }

  /** Where the queue gauges read the spool's depth at each scrape. */
  countQueue(depth: () => QueueDepth): void {
    this.queue = depth;
  }

  /** Where the held-accounts gauge reads its value at each scrape. */
  countHeldAccounts(count: () => number): void {
    this.heldAccounts = count;
  }
}

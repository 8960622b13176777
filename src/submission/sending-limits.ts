export interface SendingPolicy {
  readonly messages: { readonly perMinute: number; readonly perHour: number; readonly perDay: number };
  readonly recipients: { readonly perMinute: number; readonly perHour: number; readonly perDay: number };
  /** Limit hits within `flagWindowMs` that flag the account as probably compromised. */
  readonly limitHits: number;
  /** Distinct recipient domains within `flagWindowMs` that flag the account. */
  readonly distinctDomains: number;
  readonly flagWindowMs: number;
}

const SPANS = [
  ["minute", 60_000],
  ["hour", 3_600_000],
  ["day", 86_400_000],
] as const;

type Span = (typeof SPANS)[number][0];

interface Window {
  start: number;
  messages: number;
  recipients: number;
}

interface Account {
  windows: Record<Span, Window>;
  hits: number[];
  /** Recipient domain → when it was last used. */
  domains: Map<string, number>;
  /** A sign seen but not yet reported by suspicion(). */
  flag?: string;
}

const SWEEP_EVERY_MS = 60_000;

/**
 * Per-user sending limits over a minute, an hour and a day (fixed windows), and the signs of a
 * stolen account: limits hit again and again, or recipients spread over many domains. Memory
 * holds one small record per active account; idle ones are swept after a day.
 */
export class SendingLimits {
  private readonly accounts = new Map<string, Account>();
  private lastSweep = 0;

  constructor(private readonly policy: SendingPolicy) {}

  /** Why one more message from this user would cross a limit, if it would. */
  messageRefusal(username: string, now = Date.now()): string | undefined {
    const account = this.account(username, now);
    for (const [span] of SPANS) {
      if (account.windows[span].messages + 1 > this.policy.messages[perKey(span)]) {
        return this.hit(account, `more than ${this.policy.messages[perKey(span)]} messages per ${span}`, now);
      }
    }
    return undefined;
  }

  /** Why one more recipient (beyond `pending` in this message) would cross a limit, if it would. */
  recipientRefusal(username: string, pending: number, now = Date.now()): string | undefined {
    const account = this.account(username, now);
    for (const [span] of SPANS) {
      const limit = this.policy.recipients[perKey(span)];
      if (account.windows[span].recipients + pending + 1 > limit) {
        return this.hit(account, `more than ${limit} recipients per ${span}`, now);
      }
    }
    return undefined;
  }

  /**
   * Why this account looks compromised, counting the recipients about to be accepted, if it
   * does. Each sign is reported once and its evidence dropped: the caller puts the account on
   * hold in the store, and after an operator releases it only fresh signs count.
   */
  suspicion(username: string, recipients: readonly string[], now = Date.now()): string | undefined {
    const account = this.account(username, now);
    const domains = new Set(account.domains.keys());
    for (const recipient of recipients) domains.add(domainOf(recipient));
    if (domains.size >= this.policy.distinctDomains) {
      account.flag ??= `recipients in ${domains.size} domains within ${minutes(this.policy.flagWindowMs)}`;
    }
    const reason = account.flag;
    if (reason) {
      account.flag = undefined;
      account.hits = [];
      account.domains.clear();
    }
    return reason;
  }

  /** Counts an accepted message. */
  record(username: string, recipients: readonly string[], now = Date.now()): void {
    const account = this.account(username, now);
    for (const [span] of SPANS) {
      account.windows[span].messages++;
      account.windows[span].recipients += recipients.length;
    }
    for (const recipient of recipients) {
      const domain = domainOf(recipient);
      account.domains.delete(domain);
      account.domains.set(domain, now);
    }
  }

  private hit(account: Account, reason: string, now: number): string {
    account.hits = account.hits.filter((at) => now - at < this.policy.flagWindowMs);
    account.hits.push(now);
    if (account.hits.length >= this.policy.limitHits) {
      account.flag ??= `hit sending limits ${account.hits.length} times within ${minutes(this.policy.flagWindowMs)}`;
    }
    return reason;
  }

  private account(username: string, now: number): Account {
    this.sweep(now);
    let account = this.accounts.get(username);
    if (!account) {
      const fresh = (): Window => ({ start: now, messages: 0, recipients: 0 });
      account = { windows: { minute: fresh(), hour: fresh(), day: fresh() }, hits: [], domains: new Map() };
      this.accounts.set(username, account);
    }
    for (const [span, length] of SPANS) {
      const window = account.windows[span];
      if (now - window.start >= length) account.windows[span] = { start: now, messages: 0, recipients: 0 };
    }
    // Domains come in insertion order of last use, so the stale ones are at the front.
    for (const [domain, at] of account.domains) {
      if (now - at < this.policy.flagWindowMs) break;
      account.domains.delete(domain);
    }
    return account;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [username, account] of this.accounts) {
      const idle = now - account.windows.day.start >= 86_400_000;
      if (idle && !account.flag) this.accounts.delete(username);
    }
  }
}

const perKey = (span: Span) => (span === "minute" ? "perMinute" : span === "hour" ? "perHour" : "perDay");
const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();
const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

export interface LockoutPolicy {
  /** Failures within `windowMs` that lock the key. */
  readonly failures: number;
  readonly windowMs: number;
  /** The first lock; each further one doubles, up to `maxLockMs`. */
  readonly lockMs: number;
  readonly maxLockMs: number;
  /** Added to each failed answer per recent failure, so guessing gets slower as it goes. */
  readonly failureDelayMs: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
  locks: number;
}

const MAX_DELAY_MS = 10_000;
/** Past this many tracked keys the oldest go first: memory stays bounded under a spray. */
const MAX_ENTRIES = 100_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * Failed logins counted per user and per client IP: guessing one account from many IPs and
 * many accounts from one IP both end in a lock whose length doubles with each relapse.
 */
export class AuthLockout {
  private readonly entries = new Map<string, Entry>();
  private lastSweep = 0;

  constructor(private readonly policy: LockoutPolicy) {}

  /** When the user or the IP is locked, the moment the lock ends. */
  lockedUntil(username: string, ip: string, now = Date.now()): number | undefined {
    const until = Math.max(
      this.entries.get(userKey(username))?.lockedUntil ?? 0,
      this.entries.get(ipKey(ip))?.lockedUntil ?? 0,
    );
    return until > now ? until : undefined;
  }

  /** Records a failure; returns how long to wait before answering it. */
  fail(username: string, ip: string, now = Date.now()): number {
    this.sweep(now);
    let recent = 0;
    for (const key of [userKey(username), ipKey(ip)]) {
      const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0, locks: 0 };
      entry.failures = entry.failures.filter((at) => now - at < this.policy.windowMs);
      entry.failures.push(now);
      recent = Math.max(recent, entry.failures.length);
      if (entry.failures.length >= this.policy.failures) {
        entry.lockedUntil = now + Math.min(this.policy.lockMs * 2 ** entry.locks, this.policy.maxLockMs);
        entry.locks++;
        entry.failures = [];
      }
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return Math.min(this.policy.failureDelayMs * recent, MAX_DELAY_MS);
  }

  /** A good login clears the user's record; the IP's stays, or one valid account would reset it. */
  succeed(username: string): void {
    this.entries.delete(userKey(username));
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      const last = Math.max(entry.lockedUntil, entry.failures.at(-1) ?? 0);
      if (now - last > this.policy.windowMs) this.entries.delete(key);
    }
  }
}

const userKey = (username: string) => `u:${username.trim().toLowerCase()}`;
const ipKey = (ip: string) => `i:${ip}`;

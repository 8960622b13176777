import type { CheckLane } from "./check-scheduler.js";

export interface LockoutPolicy {
  /** Failures within `windowMs` that lock the key. */
  readonly failures: number;
  readonly windowMs: number;
  /** The first lock; each further one doubles, up to `maxLockMs`. */
  readonly lockMs: number;
  readonly maxLockMs: number;
  /** Added to each failed answer per recent failure, so guessing gets slower as it goes. */
  readonly failureDelayMs: number;
  /**
   * Password checks in flight at once from one client network: a shared address (CGNAT, an office)
   * may log several users in together, but a burst of guesses waits for its answers.
   */
  readonly maxInFlightPerClient: number;
}

/** Lockout defaults shared by the console and submission (which overrides them from its config). */
export const DEFAULT_MAX_IN_FLIGHT_PER_CLIENT = 8;

interface Entry {
  failures: number[];
  lockedUntil: number;
  locks: number;
  /** Checks begun and not yet answered. */
  inFlight: number;
}

/** Why an attempt is not checked, and when to come back. */
export interface AttemptRefusal {
  readonly reason: "locked" | "busy";
  readonly retryAt: number;
}

/** An admitted attempt: exactly one of its three ends must be called once its check is done. */
export interface LoginAttempt {
  /**
   * Where its password check waits its turn: "clean" when neither the user nor the client network
   * has a recent failure or lock, nor another check begun and unanswered; "suspect" otherwise.
   */
  readonly lane: CheckLane;
  /** The credentials were wrong: the failure stays counted; returns how long to wait before answering. */
  failed(): number;
  /** The credentials were right: the user's record is cleared (the client's stays). */
  succeeded(): void;
  /** The check could not be made (a backend error): frees the slot, counting nothing. */
  abandoned(): void;
}

const MAX_DELAY_MS = 10_000;
/** A "busy" refusal: come back once the checks in flight have had time to finish. */
const BUSY_RETRY_MS = 1_000;
/** Past this many tracked keys the oldest idle ones go first: memory stays bounded under a spray. */
const MAX_ENTRIES = 100_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * Failed logins counted per user and per client network: guessing one account from many
 * addresses and many accounts from one address both end in a lock whose length doubles with
 * each relapse.
 *
 * An attempt counts before its password is checked, so concurrency cannot outrun the lock: a
 * user's checks in flight use up its failure budget as if they had failed (at most `failures`
 * guesses per window, however many arrive at once), and a client network has at most
 * `maxInFlightPerClient` checks in flight, so at most `failures - 1 + maxInFlightPerClient`
 * guesses from it are ever checked before it is locked.
 */
export class AuthLockout {
  private readonly entries = new Map<string, Entry>();
  private lastSweep = 0;

  constructor(private readonly policy: LockoutPolicy) {}

  /** Admits an attempt for checking and counts it, or says why it is refused unchecked. */
  begin(username: string, client: string, now = Date.now()): LoginAttempt | AttemptRefusal {
    this.sweep(now);
    const user = this.entry(userKey(username), now);
    const network = this.entry(clientKey(client), now);
    const until = Math.max(user.lockedUntil, network.lockedUntil);
    if (until > now) return { reason: "locked", retryAt: until };
    if (
      user.failures.length + user.inFlight >= this.policy.failures ||
      network.inFlight >= this.policy.maxInFlightPerClient
    ) {
      return { reason: "busy", retryAt: now + BUSY_RETRY_MS };
    }
    const lane: CheckLane = [user, network].some(
      (entry) => entry.failures.length > 0 || entry.locks > 0 || entry.inFlight > 0,
    )
      ? "suspect"
      : "clean";
    user.inFlight++;
    network.inFlight++;
    this.evictIdle();
    let ended = false;
    const end = () => {
      if (ended) throw new Error("login attempt ended twice");
      ended = true;
      user.inFlight--;
      network.inFlight--;
    };
    return {
      lane,
      failed: () => {
        end();
        return this.recordFailure([user, network], Date.now());
      },
      succeeded: () => {
        end();
        user.failures = [];
        user.locks = 0;
      },
      abandoned: end,
    };
  }

  /** When the user or the client is locked, the moment the lock ends. */
  lockedUntil(username: string, client: string, now = Date.now()): number | undefined {
    const until = Math.max(
      this.entries.get(userKey(username))?.lockedUntil ?? 0,
      this.entries.get(clientKey(client))?.lockedUntil ?? 0,
    );
    return until > now ? until : undefined;
  }

  /** Tracked keys, for tests of the bound. */
  get size(): number {
    return this.entries.size;
  }

  private recordFailure(entries: readonly Entry[], now: number): number {
    let recent = 0;
    for (const entry of entries) {
      entry.failures = entry.failures.filter((at) => now - at < this.policy.windowMs);
      entry.failures.push(now);
      recent = Math.max(recent, entry.failures.length);
      if (entry.failures.length >= this.policy.failures) {
        entry.lockedUntil = now + Math.min(this.policy.lockMs * 2 ** entry.locks, this.policy.maxLockMs);
        entry.locks++;
        entry.failures = [];
      }
    }
    return Math.min(this.policy.failureDelayMs * recent, MAX_DELAY_MS);
  }

  /** The key's record with its failures outside the window dropped, moved to the newest end. */
  private entry(key: string, now: number): Entry {
    const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0, locks: 0, inFlight: 0 };
    entry.failures = entry.failures.filter((at) => now - at < this.policy.windowMs);
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Drops the least recently used records past the bound; one with a check in flight stays. */
  private evictIdle(): void {
    if (this.entries.size <= MAX_ENTRIES) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES) break;
      if (entry.inFlight === 0) this.entries.delete(key);
    }
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      const last = Math.max(entry.lockedUntil, entry.failures.at(-1) ?? 0);
      if (entry.inFlight === 0 && now - last > this.policy.windowMs) this.entries.delete(key);
    }
  }
}

/** Whether `begin` refused the attempt. */
export function isRefusal(outcome: LoginAttempt | AttemptRefusal): outcome is AttemptRefusal {
  return "reason" in outcome;
}

const userKey = (username: string) => `u:${username.trim().toLowerCase()}`;
const clientKey = (network: string) => `c:${network}`;

import type { CheckLane } from "../check-scheduler.js";
import { CheckScheduler, DEFAULT_CHECK_SCHEDULER } from "../check-scheduler.js";
import type { SubmissionMetrics } from "../metrics.js";
import type { SubmissionUser, UserStore } from "../users.js";
import type { AuthBackend } from "./backend.js";
import { CredentialCache, type CredentialCacheOptions } from "./credential-cache.js";

/** Who may use which sender besides the backend's own answer: the login's address, or its whole domain. */
export type SenderRule = "address" | "domain";

export interface AuthenticatorOptions {
  readonly backend: AuthBackend;
  readonly users: UserStore;
  readonly cache: CredentialCacheOptions;
  readonly senderRule: SenderRule;
  readonly metrics: SubmissionMetrics;
}

interface CachedLogin {
  readonly address: string;
  readonly senders: readonly string[];
  /** The account's stored hash when the login was verified: the entry stands while it is the same. */
  readonly storedHash: string;
}

/** Backend sender grants remembered per account, bounded like the cache. */
const MAX_REMEMBERED_GRANTS = 100_000;

/**
 * Logins for the submission service, whatever the backend: a cache of verified logins in front
 * (a hit still needs the account's stored hash unchanged and the account not suspended, read
 * from the store each time, so `users passwd|suspend|remove` from any process ends it at once),
 * the backend behind a fair scheduler, and the account each login maps to.
 */
export class Authenticator {
  private readonly cache: CredentialCache<CachedLogin>;
  private readonly scheduler: CheckScheduler;
  private readonly grants = new Map<string, readonly string[]>();
  /** Checks under way, by cache key. */
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.cache = new CredentialCache(options.cache);
    this.scheduler = new CheckScheduler({
      ...DEFAULT_CHECK_SCHEDULER,
      concurrency: options.backend.concurrency,
    });
  }

  get backendName(): AuthBackend["name"] {
    return this.options.backend.name;
  }

  /**
   * The account's address when the password is right and the account may log in; undefined when
   * not. Returns undefined at once, unchecked, when the lane's queue is full (the caller answers
   * 454); the promise rejects with BackendUnavailableError when the backend cannot answer.
   */
  check(
    lane: CheckLane,
    username: string,
    password: string,
    client: string,
  ): Promise<string | undefined> | undefined {
    const key = this.cache.keyOf(username, password);
    const cached = this.cache.get(key);
    if (cached) {
      const stored = this.options.users.credentials(cached.address);
      if (stored && !stored.suspended && stored.hash === cached.storedHash) {
        this.count("cache_hit");
        this.grant(cached.address, cached.senders);
        return Promise.resolve(cached.address);
      }
      this.cache.delete(key);
    }
    // The same user and password already being checked (a client's sessions opened together)
    // share that one check, and its answer, rather than each paying for a hash.
    const inFlight = this.inFlight.get(key);
    if (inFlight) return inFlight;
    const check = this.scheduler.schedule(lane, () => this.verify(key, username, password, client));
    if (!check) return undefined;
    this.inFlight.set(key, check);
    const forget = () => this.inFlight.delete(key);
    check.then(forget, forget);
    return check;
  }

  /** The logged-in account as MAIL FROM and DKIM see it: its store record and what the backend grants. */
  account(address: string): SubmissionUser | undefined {
    const user = this.options.users.get(address);
    if (!user) return undefined;
    const extra = [...(this.grants.get(user.address) ?? [])];
    if (this.options.senderRule === "domain")
      extra.push(`*@${user.address.slice(user.address.lastIndexOf("@") + 1)}`);
    return extra.length === 0 ? user : { ...user, senders: [...user.senders, ...extra] };
  }

  /** Resolves once the backend can check a login at once. */
  async ready(): Promise<void> {
    await this.options.backend.ready?.();
  }

  close(): Promise<void> {
    return this.options.backend.close();
  }

  private async verify(
    key: string,
    username: string,
    password: string,
    client: string,
  ): Promise<string | undefined> {
    const { backend, users } = this.options;
    let login: Awaited<ReturnType<AuthBackend["verify"]>>;
    try {
      login = await backend.verify(username, password, client);
    } catch (error) {
      this.count("unavailable");
      throw error;
    }
    const stored = login
      ? backend.name === "local"
        ? users.credentials(login.address)
        : users.ensureExternal(login.address, backend.name)
      : undefined;
    if (!login || !stored || stored.suspended) {
      this.count("failed");
      return undefined;
    }
    this.count("verified");
    // A password change that raced this check is not cached: the next login checks again.
    if ((login.storedHash ?? stored.hash) === stored.hash) {
      this.cache.set(key, { address: login.address, senders: login.senders, storedHash: stored.hash });
    }
    this.grant(login.address, login.senders);
    return login.address;
  }

  private grant(address: string, senders: readonly string[]): void {
    this.grants.delete(address);
    if (senders.length === 0) return;
    this.grants.set(address, senders);
    for (const oldest of this.grants.keys()) {
      if (this.grants.size <= MAX_REMEMBERED_GRANTS) break;
      this.grants.delete(oldest);
    }
  }

  private count(result: "cache_hit" | "verified" | "failed" | "unavailable"): void {
    this.options.metrics.authChecks.inc({ backend: this.options.backend.name, result });
  }
}

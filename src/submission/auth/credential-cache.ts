import { createHmac, randomBytes } from "node:crypto";

export interface CredentialCacheOptions {
  /** Entries kept at most; the least recently used goes first. 0 turns the cache off. */
  readonly size: number;
  /** How long a verified login may be answered from the cache. */
  readonly ttlMs: number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Logins verified lately, as Dovecot's auth cache keeps them: keyed by an HMAC of the user and
 * the password under a key made at random for this process, so neither is kept, and a key seen
 * in memory is no use elsewhere. Only good logins go in: a wrong password always costs a full check.
 */
export class CredentialCache<T> {
  private readonly secret = randomBytes(32);
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly options: CredentialCacheOptions) {}

  /** The cache key of a login: the user is lower-cased, as accounts are. */
  keyOf(username: string, password: string): string {
    return createHmac("sha256", this.secret)
      .update(username.trim().toLowerCase())
      .update("\0")
      .update(password)
      .digest("base64");
  }

  /** The value stored under `key` while it is fresh; a stale one is dropped. */
  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, now = Date.now()): void {
    if (this.options.size <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + this.options.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.size) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

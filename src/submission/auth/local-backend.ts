import { randomBytes } from "node:crypto";
import type { UserStore } from "../users.js";
import type { AuthBackend, VerifiedLogin } from "./backend.js";
import type { HashPool } from "./hash-pool.js";
import { isBelowCost } from "./password-schemes.js";

export interface LocalBackendOptions {
  readonly users: UserStore;
  readonly pool: HashPool;
  /** scrypt's N = 2^log2N for new hashes; a weaker stored hash is made again at the next good login. */
  readonly log2N: number;
  /** Told when a stronger hash replaced a weaker one. */
  readonly onUpgrade?: (address: string) => void;
}

/** porteiro's own accounts: the stored hash, of any supported scheme, checked on the hash pool. */
export class LocalBackend implements AuthBackend {
  readonly name = "local";
  readonly concurrency: number;
  private decoy: Promise<string> | undefined;

  constructor(private readonly options: LocalBackendOptions) {
    // One check waiting per thread, so a thread never idles between two.
    this.concurrency = options.pool.threads * 2;
  }

  /** An unknown user costs the same hash as a known one, so timing does not tell which exist. */
  async verify(username: string, password: string): Promise<VerifiedLogin | undefined> {
    const { users, pool } = this.options;
    const address = username.trim().toLowerCase();
    const stored = users.credentials(address);
    const ok = await pool.verify(stored?.hash ?? (await this.decoyHash()), password);
    if (!stored || !ok) return undefined;
    return { address, senders: [], storedHash: await this.upgraded(address, stored.hash, password) };
  }

  /** A hash of nothing at the configured cost, made once, the first time an unknown user logs in. */
  private decoyHash(): Promise<string> {
    this.decoy ??= this.options.pool.hash(randomBytes(12).toString("base64"), this.options.log2N);
    return this.decoy;
  }

  ready(): Promise<void> {
    return this.options.pool.ready();
  }

  close(): Promise<void> {
    return this.options.pool.close();
  }

  /** The hash now stored: made again at the configured cost when the one that matched was weaker. */
  private async upgraded(address: string, hash: string, password: string): Promise<string> {
    const { users, pool, log2N } = this.options;
    if (!isBelowCost(hash, log2N)) return hash;
    const stronger = await pool.hash(password, log2N);
    if (!users.upgradeHash(address, hash, stronger)) return hash;
    this.options.onUpgrade?.(address);
    return stronger;
  }
}

import { UserError } from "../../core/index.js";
import type { SubmissionMetrics } from "../metrics.js";
import type { UserStore } from "../users.js";
import { Authenticator } from "./authenticator.js";
import type { AuthBackend } from "./backend.js";
import type { AuthConfig } from "./config.js";
import { DovecotBackend } from "./dovecot-backend.js";
import { HashPool } from "./hash-pool.js";
import { LocalBackend } from "./local-backend.js";

/** The authenticator `submission.auth` describes, its backend started. */
export function createAuthenticator(
  config: AuthConfig,
  users: UserStore,
  metrics: SubmissionMetrics,
): Authenticator {
  return new Authenticator({
    backend: createBackend(config, users, metrics),
    users,
    cache: { size: config.cache_size, ttlMs: config.cache_ttl_seconds * 1000 },
    senderRule: config.sender_rule,
    metrics,
  });
}

function createBackend(config: AuthConfig, users: UserStore, metrics: SubmissionMetrics): AuthBackend {
  switch (config.backend) {
    case "local":
      return new LocalBackend({
        users,
        pool: new HashPool(config.hash_threads),
        log2N: config.scrypt_cost,
        onUpgrade: () => metrics.hashUpgrades.inc(),
      });
    case "dovecot":
      return new DovecotBackend({
        socket: config.socket as string,
        timeoutMs: config.timeout_seconds * 1000,
      });
    default:
      throw new UserError(
        `submission.auth.backend ${config.backend} is not implemented yet; use local or dovecot`,
      );
  }
}

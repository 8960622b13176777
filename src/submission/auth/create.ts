import { readFileSync } from "node:fs";
import { UserError } from "../../core/index.js";
import type { SubmissionMetrics } from "../metrics.js";
import type { UserStore } from "../users.js";
import { Authenticator } from "./authenticator.js";
import type { AuthBackend } from "./backend.js";
import type { AuthConfig } from "./config.js";
import { DovecotBackend } from "./dovecot-backend.js";
import { HashPool } from "./hash-pool.js";
import { LdapBackend } from "./ldap-backend.js";
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
    case "ldap":
      return new LdapBackend({
        url: config.url as string,
        ...(config.tls_ca ? { ca: readSecret(config.tls_ca, "tls_ca") } : {}),
        ...(config.bind_dn_template ? { bindDnTemplate: config.bind_dn_template } : {}),
        ...(config.search_base ? { searchBase: config.search_base } : {}),
        searchFilter: config.search_filter,
        ...(config.bind_dn && config.bind_password_file
          ? {
              serviceBind: {
                dn: config.bind_dn,
                password: readSecret(config.bind_password_file, "bind_password_file").trimEnd(),
              },
            }
          : {}),
        addressAttribute: config.address_attribute,
        ...(config.sender_attribute ? { senderAttribute: config.sender_attribute } : {}),
        timeoutMs: config.timeout_seconds * 1000,
      });
  }
}

/** A file the config names, read at start so a wrong path stops the service with one line. */
function readSecret(file: string, key: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(
      `submission.auth.${key}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
}

import { z } from "zod";
import { DEFAULT_SCRYPT_LOG2_N } from "../../core/index.js";

/** The `submission.auth:` section: where logins are checked, the cache of good ones and the hash cost. */
export const authConfigSchema = z
  .strictObject({
    /** local: porteiro's accounts; dovecot: Dovecot's auth service; ldap: the ISP's directory. */
    backend: z.enum(["local", "dovecot", "ldap"]).default("local"),
    /** dovecot: the auth-client socket (the one Postfix's smtpd_sasl_path names), e.g. /run/dovecot/auth-client. */
    socket: z.string().min(1).optional(),
    /** ldap: the directory, TLS only. */
    url: z
      .string()
      .regex(/^ldaps:\/\/[^/\s]+\/?$/, "an ldaps:// URL (the password crosses to the directory: TLS only)")
      .optional(),
    /** ldap: CA certificates (PEM) the directory's certificate must chain to; the system's when unset. */
    tls_ca: z.string().min(1).optional(),
    /** ldap: bind straight as this DN, `{user}` being the login (escaped), e.g. uid={user},ou=people,dc=example,dc=net. */
    bind_dn_template: z.string().includes("{user}").optional(),
    /** ldap: or search here for the login's entry, then bind as it. */
    search_base: z.string().min(1).optional(),
    /** ldap: the search, `{user}` being the login (escaped). */
    search_filter: z.string().includes("{user}").default("(mail={user})"),
    /** ldap: the entry's attribute holding the account's address. */
    address_attribute: z.string().min(1).default("mail"),
    /** ldap: an attribute whose values the account may also send as (e.g. mailAlternateAddress). */
    sender_attribute: z.string().min(1).optional(),
    /** Besides what the backend grants: the login's own address only, or any address of its domain. */
    sender_rule: z.enum(["address", "domain"]).default("address"),
    /** How long a verified login is answered from the cache (Dovecot's auth_cache_ttl is 1 hour). */
    cache_ttl_seconds: z.number().int().min(0).default(3600),
    /** Verified logins kept at most; 0 turns the cache off. */
    cache_size: z.number().int().min(0).default(100_000),
    /** scrypt's N = 2^scrypt_cost for local passwords (15: 32 MiB, ~50 ms); weaker hashes are redone at login. */
    scrypt_cost: z.number().int().min(14).max(18).default(DEFAULT_SCRYPT_LOG2_N),
    /** Threads that hash passwords, apart from libuv's pool (the spool's fsyncs). */
    hash_threads: z.number().int().min(1).max(64).default(2),
    /**
     * Seconds to wait for Dovecot or the directory before answering 454: longer than Dovecot's
     * penalty delay (up to 15 s) for a client address with recent failures.
     */
    timeout_seconds: z.number().positive().default(30),
  })
  .superRefine((auth, context) => {
    const need = (key: "socket" | "url", when: string) => {
      if (auth[key] === undefined)
        context.addIssue({ code: "custom", path: [key], message: `backend ${when} needs ${key}` });
    };
    if (auth.backend === "dovecot") need("socket", "dovecot");
    if (auth.backend === "ldap") {
      need("url", "ldap");
      if (!auth.bind_dn_template && !auth.search_base) {
        context.addIssue({
          code: "custom",
          path: ["bind_dn_template"],
          message: "backend ldap needs bind_dn_template or search_base",
        });
      }
    }
  })
  .prefault({});

export type AuthConfig = z.output<typeof authConfigSchema>;

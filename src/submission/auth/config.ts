import { z } from "zod";
import { DEFAULT_SCRYPT_LOG2_N } from "../../core/index.js";
import { namesLogin } from "./ldap-template.js";

const LOGIN_PLACEHOLDER = "names the login: {user} (as typed) or {local} (before its @)";

/** The `submission.auth:` section: where logins are checked, the cache of good ones and the hash cost. */
export const authConfigSchema = z
  .strictObject({
    /** local: porteiro's accounts; dovecot: Dovecot's auth service; ldap: the ISP's directory. */
    backend: z.enum(["local", "dovecot", "ldap"]).default("local"),
    /** dovecot: the auth-client socket (the one Postfix's smtpd_sasl_path names), e.g. /run/dovecot/auth-client. */
    socket: z.string().min(1).optional(),
    /** ldap: the directory, TLS only: ldaps://, or ldap:// upgraded with StartTLS before anything else. */
    url: z
      .string()
      .regex(
        /^ldaps?:\/\/[^/\s]+\/?$/,
        "an ldaps:// URL, or ldap:// (then upgraded with StartTLS): the password crosses to the directory",
      )
      .optional(),
    /** ldap: CA certificates (PEM) the directory's certificate must chain to; the system's when unset. */
    tls_ca: z.string().min(1).optional(),
    /**
     * ldap: bind straight as this DN, e.g. uid={local},ou=people,dc=example,dc=net: `{user}` the
     * login, `{local}` and `{domain}` its parts around the last @, each escaped (RFC 4514).
     */
    bind_dn_template: z.string().refine(namesLogin, LOGIN_PLACEHOLDER).optional(),
    /** ldap: or search here for the login's entry, then bind as it. */
    search_base: z.string().min(1).optional(),
    /** ldap: the search, with the same placeholders, escaped (RFC 4515). */
    search_filter: z.string().refine(namesLogin, LOGIN_PLACEHOLDER).default("(mail={user})"),
    /** ldap: who searches, when the directory refuses anonymous searches; anonymous when unset. */
    bind_dn: z.string().min(1).optional(),
    /** ldap: a file holding bind_dn's password (kept out of porteiro.yaml). */
    bind_password_file: z.string().min(1).optional(),
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
      if ((auth.bind_dn === undefined) !== (auth.bind_password_file === undefined)) {
        context.addIssue({
          code: "custom",
          path: ["bind_dn"],
          message: "bind_dn and bind_password_file go together",
        });
      }
    }
  })
  .prefault({});

export type AuthConfig = z.output<typeof authConfigSchema>;

import { z } from "zod";
import { DEFAULT_CLIENT_PREFIX_V6, endpointSchema } from "../core/index.js";
import { authConfigSchema } from "./auth/config.js";
import { DEFAULT_MAX_IN_FLIGHT_PER_CLIENT } from "./auth-lockout.js";

const count = z.number().int().positive();
const seconds = z.number().positive();

/** The `submission:` section of porteiro.yaml; every key has a default fit for a small ISP. */
export const submissionConfigSchema = z
  .strictObject({
    /** Our name in the greeting, Received lines and generated Message-IDs. */
    hostname: z.string().min(1).optional(),
    /** STARTTLS listener (587 in production). */
    listen: endpointSchema.prefault("127.0.0.1:2587"),
    /** Implicit-TLS listener (465 in production, RFC 8314). */
    listen_tls: endpointSchema.prefault("127.0.0.1:2465"),
    /** PEM files; without them a self-signed pair is generated under DATA/tls/. */
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    /** The ISP's outbound MTA; without it mail goes straight to each domain's MX. */
    smarthost: z
      .strictObject({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(25),
        secure: z.boolean().default(false),
        user: z.string().optional(),
        pass: z.string().optional(),
      })
      .optional(),
    /** Resolver servers and port for direct MX delivery (tests point these at loopback). */
    mx: z
      .strictObject({ servers: z.array(z.string().min(1)).optional(), port: z.number().int().optional() })
      .optional(),
    /** Delivery sessions in flight over all destinations (default 100, like Postfix's process limit). */
    delivery_concurrency: count.default(100),
    /** Delivery sessions to one destination, a domain or the smarthost (default 20, as in Postfix). */
    delivery_connections_per_destination: count.default(20),
    /** How long a message may stay queued before it bounces, in hours (default 5 days). */
    queue_lifetime_hours: seconds.default(120),
    max_message_size: count.default(25 * 1024 * 1024),
    /**
     * Octets a line of a message may hold without its CRLF; a longer one is refused (554 5.6.0).
     * RFC 5322 §2.1.1 says 998; raise it only for clients that cannot be fixed, knowing that a
     * next hop may then cut or refuse the line.
     */
    max_line_length: count.default(998),
    max_recipients: count.default(100),
    max_connections: count.default(1000),
    /** Sessions, and TLS handshakes on the implicit-TLS port, from one client network at once. */
    max_connections_per_ip: count.default(20),
    /** Bits of an IPv6 client's prefix that make one client network (a subscriber's delegation). */
    client_prefix_v6: z.number().int().min(16).max(128).default(DEFAULT_CLIENT_PREFIX_V6),
    /**
     * Share of `max_connections` that sessions not logged in may hold; when it or any cap is full,
     * the oldest of them makes room for a new session, and logged-in ones keep theirs.
     */
    unauthenticated_share: z.number().gt(0).max(1).default(0.5),
    /** Command lines a session may send before it logs in (AUTH exchanges included). */
    max_commands_before_auth: count.default(20),
    /** Seconds from the start of a session to its login. */
    auth_timeout: seconds.default(60),
    /** Seconds from TCP accept to the end of the TLS handshake on the implicit-TLS port. */
    tls_handshake_timeout: seconds.default(10),
    /**
     * Share of `max_connections` that TLS handshakes in progress on the implicit-TLS port may
     * number, from all clients; when they do, the oldest is cut to make room for a new one.
     */
    tls_handshake_share: z.number().gt(0).max(1).default(0.5),
    /** Seconds a client may stay silent while we wait for a command or message bytes. */
    idle_timeout: seconds.default(60),
    /** Seconds a shutdown waits for transactions in flight. */
    shutdown_grace: seconds.default(30),
    /** Look up the client's reverse DNS name for the Received line (bounded to 1.5 s). */
    reverse_lookup: z.boolean().default(true),
    /** Where logins are checked (local, dovecot, ldap), the cache of good ones, the hash cost. */
    auth: authConfigSchema,
    auth_lockout: z
      .strictObject({
        /** Failures within `window` minutes that lock a user or an IP out. */
        failures: count.default(5),
        window: seconds.default(15),
        /** First lock in minutes; each further lock doubles it, up to `max_lock`. */
        lock: seconds.default(1),
        max_lock: seconds.default(24 * 60),
        /** Milliseconds added to each failed answer per recent failure, capped at 10 s. */
        failure_delay_ms: z.number().int().min(0).default(1000),
        /** Password checks in flight at once from one client network; more wait for an answer (454). */
        max_in_flight_per_client: count.default(DEFAULT_MAX_IN_FLIGHT_PER_CLIENT),
      })
      .prefault({}),
    /** Per-user sending limits, keyed on the authenticated user. */
    limits: z
      .strictObject({
        messages_per_minute: count.default(30),
        messages_per_hour: count.default(300),
        messages_per_day: count.default(1000),
        recipients_per_minute: count.default(100),
        recipients_per_hour: count.default(1000),
        recipients_per_day: count.default(3000),
      })
      .prefault({}),
    /** Signs of a compromised account, and what to do with its mail. */
    hold: z
      .strictObject({
        /** `hold`: accept and keep the mail for an operator; `refuse`: answer 451. */
        action: z.enum(["hold", "refuse"]).default("hold"),
        /** Times a user may hit a sending limit within `window` minutes before being flagged. */
        limit_hits: count.default(3),
        /** Distinct recipient domains within `window` minutes that flag a user. */
        distinct_domains: count.default(50),
        window: seconds.default(60),
      })
      .prefault({}),
    /**
     * DKIM keys (RFC 6376), one per sender domain: a message whose From: domain has one is
     * signed before it is spooled. The key file is PEM (RSA), relative to porteiro.yaml.
     */
    dkim: z
      .array(
        z.strictObject({
          domain: z
            .string()
            .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i, "a domain name")
            .transform((d) => d.toLowerCase()),
          selector: z.string().regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i, "a DKIM selector"),
          private_key_file: z.string().min(1),
        }),
      )
      .default([]),
  })
  .prefault({});

export type SubmissionConfig = z.output<typeof submissionConfigSchema>;

/** The defaults alone, for a run without porteiro.yaml. */
export function defaultSubmissionConfig(): SubmissionConfig {
  return submissionConfigSchema.parse(undefined);
}

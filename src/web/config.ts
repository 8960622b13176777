import { z } from "zod";
import { type Endpoint, parseEndpoint, parsePrefix } from "../core/index.js";
import { LANGUAGES } from "../i18n/index.js";

const endpoint = z.string().transform((text, ctx): Endpoint => {
  try {
    return parseEndpoint(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, {
    message: "expected a host name such as mail.example.net",
  });
const port = z.number().int().min(1).max(65535);

/** A reverse proxy's address or network, as fastify (proxy-addr) takes it. */
const proxyAddress = z.string().refine(
  (text) => {
    try {
      parsePrefix(text);
      return !text.includes("%");
    } catch {
      return false;
    }
  },
  { message: "expected the address or network (CIDR) of a reverse proxy, e.g. 127.0.0.1 or 10.0.0.0/8" },
);

/**
 * A mailbox server subscribers read mail from. Mail clients set up an account only with one, so
 * autoconfig answers only once at least one is named.
 */
const incomingSchema = z.strictObject({
  protocol: z.enum(["imap", "pop3"]),
  host: hostname,
  port: port,
  /** SSL: implicit TLS (993/995); STARTTLS on 143/110. */
  socket: z.enum(["SSL", "STARTTLS"]).default("SSL"),
  /** What subscribers log in to it with: the whole address (the default) or the part before the @. */
  login: z.enum(["address", "local-part"]).default("address"),
});

/** The `web:` section of porteiro.yaml: the server, and what the public help site tells subscribers. */
export const webConfigSchema = z
  .strictObject({
    /** Where `porteiro serve` listens for HTTP. */
    listen: endpoint.prefault("127.0.0.1:8025"),
    /**
     * The reverse proxies in front (addresses or CIDRs): a request from one of them is taken to come
     * from the address it names in X-Forwarded-For, for lockouts, limits and "Am I affected?".
     * Empty (the default): the header is ignored, since any client could write it.
     */
    trust_proxy: z.array(proxyAddress).default([]),
    /** Mark the session cookie Secure (set it when a TLS reverse proxy sits in front). */
    secure_cookies: z.boolean().default(false),
    /** Hours a console login lasts. */
    session_hours: z
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
    /** The name subscribers know the ISP by (default: the plan's `isp.name`). */
    provider_name: z.string().min(1).max(100).optional(),
    /** The submission server subscribers configure (default: `submission.hostname`). */
    submission_host: hostname.optional(),
    /** The public ports of the submission service (a NAT or firewall may map them). */
    submission_port: port.default(587),
    submission_tls_port: port.default(465),
    /** The mail domains subscribers' addresses are in; autoconfig answers for these. */
    email_domains: z.array(hostname).default([]),
    /** The mailbox servers (IMAP, POP3); without them autoconfig is off. */
    incoming: z.array(incomingSchema).default([]),
    /**
     * The language of the help site for a visitor who has not chosen one and whose browser asks for
     * none of pt-BR, es and en (default: pt-BR when the plan's isp.country is BR, else en).
     */
    default_language: z.enum(LANGUAGES).optional(),
    /** Where a subscriber gets help from a person: a phone number, an address, a web page. */
    support_contact: z.string().min(1).max(300).optional(),
    /** Pulls of /policy/current.* a minute, per router token and per client address (a NAT's routers share one). */
    policy_pulls_per_minute: z
      .strictObject({
        token: z.number().int().positive().default(6),
        address: z.number().int().positive().default(60),
      })
      .prefault({}),
  })
  .prefault({});

export type WebConfig = z.infer<typeof webConfigSchema>;
export type IncomingServer = z.infer<typeof incomingSchema>;

export const defaultWebConfig = (): WebConfig => webConfigSchema.parse(undefined);

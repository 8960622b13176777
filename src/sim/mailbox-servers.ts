import type { IncomingServer } from "../web/index.js";
import { ISP } from "./isp.js";

/**
 * Where the synthetic ISP's subscribers read their mail, so the demo's autoconfig hands mail
 * clients a complete configuration for its domain: IMAP and POP3, both over implicit TLS.
 */
export const MAILBOX_SERVERS: readonly IncomingServer[] = [
  { protocol: "imap", host: `imap.${ISP.domain}`, port: 993, socket: "SSL", login: "address" },
  { protocol: "pop3", host: `pop.${ISP.domain}`, port: 995, socket: "SSL", login: "address" },
];

import type { IncomingServer, WebConfig } from "./config.js";
import { escapeHtml } from "./html.js";

/** What a mail client is told: the mailbox servers, and the submission host and ports. */
export interface MailSettings {
  readonly providerName: string;
  readonly domains: readonly string[];
  readonly submissionHost: string;
  readonly submissionPort: number;
  readonly submissionTlsPort: number;
  readonly incoming: readonly IncomingServer[];
}

/** Said once at start and by `config check` while no mailbox server is configured. */
export const AUTOCONFIG_OFF =
  "mail-client autoconfig is off until web.incoming names the mailbox servers (IMAP or POP3): Thunderbird and Outlook refuse a configuration without one";

/**
 * Thunderbird and Outlook set up a mailbox account, never a send-only one, so a configuration
 * without a mailbox server would be thrown away whole: none is served until one is named.
 */
export function autoconfigOn(config: Pick<WebConfig, "incoming">): boolean {
  return config.incoming.length > 0;
}

/**
 * Thunderbird's name for how the submission service takes a password: it offers AUTH PLAIN and
 * LOGIN, and only inside TLS.
 */
export const SUBMISSION_AUTHENTICATION = "password-cleartext";

const x = escapeHtml;

const PLACEHOLDER: Record<IncomingServer["login"], string> = {
  address: "%EMAILADDRESS%",
  "local-part": "%EMAILLOCALPART%",
};

function server(
  element: "incomingServer" | "outgoingServer",
  type: string,
  host: string,
  port: number,
  socket: string,
  username: string,
): string {
  return `    <${element} type="${type}">
      <hostname>${x(host)}</hostname>
      <port>${port}</port>
      <socketType>${socket}</socketType>
      <authentication>${SUBMISSION_AUTHENTICATION}</authentication>
      <username>${username}</username>
    </${element}>
`;
}

/**
 * Thunderbird's autoconfig document (clientConfig 1.1) for `domain`: the mailbox servers in the
 * configured order, then submission with implicit TLS before STARTTLS (RFC 8314 prefers it). The
 * user names are Thunderbird's placeholders, so nothing the client asked with is written back.
 */
export function thunderbirdConfig(settings: MailSettings, domain: string): string {
  const incoming = settings.incoming.map((s) =>
    server("incomingServer", s.protocol, s.host, s.port, s.socket, PLACEHOLDER[s.login]),
  );
  const outgoing = [
    server(
      "outgoingServer",
      "smtp",
      settings.submissionHost,
      settings.submissionTlsPort,
      "SSL",
      PLACEHOLDER.address,
    ),
    server(
      "outgoingServer",
      "smtp",
      settings.submissionHost,
      settings.submissionPort,
      "STARTTLS",
      PLACEHOLDER.address,
    ),
  ];
  const domains = [domain, ...settings.domains.filter((d) => d !== domain)];
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${x(domain)}">
${domains.map((d) => `    <domain>${x(d)}</domain>\n`).join("")}    <displayName>${x(settings.providerName)}</displayName>
    <displayShortName>${x(settings.providerName)}</displayShortName>
${incoming.join("")}${outgoing.join("")}  </emailProvider>
</clientConfig>
`;
}

const MAX_ADDRESS = 254;
// No white space, controls or the characters that need quoting in an address (RFC 5322 atext and dots).
const ADDRESS =
  /^[^\s\p{Cc}@<>()[\]\\,;:"]{1,64}@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/u;

/** The address's domain, lower case, when it is a plain mail address. */
export function domainOf(address: string): string | undefined {
  if (address.length > MAX_ADDRESS) return undefined;
  return ADDRESS.exec(address)?.[1]?.toLowerCase();
}

/** The name `address` logs in to `server` with. */
export function loginOf(server: Pick<IncomingServer, "login">, address: string): string {
  return server.login === "local-part" ? address.slice(0, address.lastIndexOf("@")) : address;
}

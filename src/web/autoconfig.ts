import { XMLParser } from "fast-xml-parser";
import type { IncomingServer } from "./config.js";
import { escapeHtml } from "./html.js";

/** What a mail client is told: the submission host and ports, and any mailbox servers. */
export interface MailSettings {
  readonly providerName: string;
  readonly domains: readonly string[];
  readonly submissionHost: string;
  readonly submissionPort: number;
  readonly submissionTlsPort: number;
  readonly incoming: readonly IncomingServer[];
}

const x = escapeHtml;

/**
 * Thunderbird's autoconfig document (clientConfig 1.1): implicit TLS first, then STARTTLS, each
 * with the whole address as user name (RFC 8314 prefers implicit TLS).
 */
export function thunderbirdConfig(settings: MailSettings, domain: string): string {
  const incoming = settings.incoming.map(
    (server) => `    <incomingServer type="${server.protocol}">
      <hostname>${x(server.host)}</hostname>
      <port>${server.port}</port>
      <socketType>${server.socket}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
`,
  );
  const outgoing = [
    [settings.submissionTlsPort, "SSL"],
    [settings.submissionPort, "STARTTLS"],
  ].map(
    ([port, socket]) => `    <outgoingServer type="smtp">
      <hostname>${x(settings.submissionHost)}</hostname>
      <port>${port}</port>
      <socketType>${socket}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
`,
  );
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
const ADDRESS =
  /^[^\s@<>()[\]\\,;:"]{1,64}@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/;

/** The address's domain, lower case, when it is a plain mail address. */
export function domainOf(address: string): string | undefined {
  if (address.length > MAX_ADDRESS) return undefined;
  return ADDRESS.exec(address)?.[1]?.toLowerCase();
}

// No entities and no DOCTYPE processing: an Autodiscover request is a few plain elements.
const parser = new XMLParser({ removeNSPrefix: true, processEntities: false, ignoreDeclaration: true });

/** The EMailAddress of an Outlook Autodiscover (POX) request, or undefined when it has none. */
export function autodiscoverAddress(body: string): string | undefined {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return undefined;
  let document: unknown;
  try {
    document = parser.parse(body, true);
  } catch {
    return undefined;
  }
  const request = (document as { Autodiscover?: { Request?: { EMailAddress?: unknown } } }).Autodiscover
    ?.Request;
  const address = request?.EMailAddress;
  return typeof address === "string" && domainOf(address.trim()) ? address.trim() : undefined;
}

const RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
const OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

function protocol(type: string, host: string, port: number, encryption: string, login: string): string {
  return `      <Protocol>
        <Type>${type}</Type>
        <Server>${x(host)}</Server>
        <Port>${port}</Port>
        <DomainRequired>off</DomainRequired>
        <LoginName>${x(login)}</LoginName>
        <SPA>off</SPA>
        <Encryption>${encryption}</Encryption>
        <AuthRequired>on</AuthRequired>
${type === "SMTP" ? "        <UsePOPAuth>off</UsePOPAuth>\n        <SMTPLast>off</SMTPLast>\n" : ""}      </Protocol>
`;
}

/** Outlook's POX Autodiscover answer: SMTP on the submission port with TLS (STARTTLS) and on the implicit-TLS port with SSL. */
export function autodiscoverResponse(settings: MailSettings, address: string): string {
  const incoming = settings.incoming.map((server) =>
    protocol(
      server.protocol === "imap" ? "IMAP" : "POP3",
      server.host,
      server.port,
      server.socket === "SSL" ? "SSL" : "TLS",
      address,
    ),
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${RESPONSE_NS}">
  <Response xmlns="${OUTLOOK_NS}">
    <User>
      <DisplayName>${x(address)}</DisplayName>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
${incoming.join("")}${protocol("SMTP", settings.submissionHost, settings.submissionPort, "TLS", address)}${protocol("SMTP", settings.submissionHost, settings.submissionTlsPort, "SSL", address)}    </Account>
  </Response>
</Autodiscover>
`;
}

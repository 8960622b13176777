import { XMLParser } from "fast-xml-parser";
import { domainOf, loginOf, type MailSettings } from "./autoconfig.js";
import { escapeHtml } from "./html.js";

const RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
const OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
// Microsoft's examples write the schema with https, Outlook sends http: the same schema.
const OUTLOOK_SCHEMAS = new Set([OUTLOOK_NS, OUTLOOK_NS.replace("http:", "https:")]);

// A request with a DOCTYPE is refused before parsing, so only XML's own entities and character
// references are decoded; text is kept as sent (no number parsing), to check the address as it came.
const parser = new XMLParser({
  removeNSPrefix: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  parseTagValue: false,
});

/** What an Outlook Autodiscover (POX) request asks for, or why it is refused. */
export type AutodiscoverRequest =
  | { readonly address: string; readonly domain: string }
  | { readonly refused: string };

/** Reads a POX request: `<Autodiscover><Request><EMailAddress>` in the Outlook request schema. */
export function readAutodiscoverRequest(body: string): AutodiscoverRequest {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return { refused: "a DOCTYPE or entity is not accepted" };
  let document: unknown;
  try {
    document = parser.parse(body, true);
  } catch {
    return { refused: "the request is not well-formed XML" };
  }
  const request = (document as { Autodiscover?: { Request?: unknown } } | undefined)?.Autodiscover?.Request;
  if (typeof request !== "object" || request === null || Array.isArray(request))
    return { refused: "expected one <Autodiscover><Request> element" };
  const { EMailAddress: address, AcceptableResponseSchema: schema } = request as Record<string, unknown>;
  if (schema !== undefined && !(typeof schema === "string" && OUTLOOK_SCHEMAS.has(schema.trim())))
    return { refused: `only the Outlook response schema is answered (${OUTLOOK_NS})` };
  const trimmed = typeof address === "string" ? address.trim() : undefined;
  const domain = trimmed && domainOf(trimmed);
  if (!trimmed || !domain) return { refused: "EMailAddress is not a mail address" };
  return { address: trimmed, domain };
}

const x = escapeHtml;

function protocol(type: string, host: string, port: number, implicitTls: boolean, login: string): string {
  return `      <Protocol>
        <Type>${type}</Type>
        <Server>${x(host)}</Server>
        <Port>${port}</Port>
        <DomainRequired>off</DomainRequired>
        <LoginName>${x(login)}</LoginName>
        <SPA>off</SPA>
        <SSL>on</SSL>
        <Encryption>${implicitTls ? "SSL" : "TLS"}</Encryption>
        <AuthRequired>on</AuthRequired>
${type === "SMTP" ? "        <UsePOPAuth>off</UsePOPAuth>\n        <SMTPLast>off</SMTPLast>\n" : ""}      </Protocol>
`;
}

/**
 * Outlook's POX Autodiscover answer for `address`: an e-mail account with its mailbox servers
 * (IMAP or POP3), then SMTP with implicit TLS (Encryption SSL) and with STARTTLS (Encryption TLS).
 * `address` is the checked one from the request, escaped wherever it is written.
 */
export function autodiscoverResponse(settings: MailSettings, address: string): string {
  const incoming = settings.incoming.map((s) =>
    protocol(
      s.protocol === "imap" ? "IMAP" : "POP3",
      s.host,
      s.port,
      s.socket === "SSL",
      loginOf(s, address),
    ),
  );
  const smtp = [
    protocol("SMTP", settings.submissionHost, settings.submissionTlsPort, true, address),
    protocol("SMTP", settings.submissionHost, settings.submissionPort, false, address),
  ];
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${RESPONSE_NS}">
  <Response xmlns="${OUTLOOK_NS}">
    <User>
      <DisplayName>${x(address)}</DisplayName>
      <AutoDiscoverSMTPAddress>${x(address)}</AutoDiscoverSMTPAddress>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
${incoming.join("")}${smtp.join("")}    </Account>
  </Response>
</Autodiscover>
`;
}

/**
 * What Thunderbird and Outlook require of an autoconfig document before they set up an account,
 * written down as checks: a document these reject would be thrown away by the client whole.
 *
 * Thunderbird (comm-central, mail/components/accountcreation, readFromXML): <clientConfig> holds
 * an <emailProvider> whose id is a host name, with at least one <domain> host name; it needs at
 * least one usable <incomingServer> (type pop3/imap, host name, port 1-65535, a <username>, a
 * <socketType> of plain/SSL/STARTTLS and an <authentication> it knows) and at least one usable
 * <outgoingServer> (type smtp, the same fields; a username when the authentication is a
 * password), and fills %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% in from the address.
 *
 * Outlook (Microsoft's POX Autodiscover reference): <Autodiscover> in the response schema holds a
 * <Response> in the Outlook response schema, whose <Account> has AccountType email, Action
 * settings and <Protocol> elements, each with a Type, a Server, a Port, a LoginName, SSL on/off,
 * Encryption None/SSL/TLS/Auto and AuthRequired; a mail account needs an IMAP or POP3 protocol
 * and an SMTP one.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const SOCKET_TYPES = ["plain", "SSL", "STARTTLS"];
const INCOMING_AUTH = ["password-cleartext", "password-encrypted", "GSSAPI", "NTLM", "OAuth2"];
const OUTGOING_AUTH = [...INCOMING_AUTH, "none", "client-IP-address", "smtp-after-pop"];
const PASSWORD_AUTH = ["password-cleartext", "password-encrypted"];

/** A server as the client takes it: placeholders filled in. */
export interface ClientServer {
  readonly type: string;
  readonly hostname: string;
  readonly port: number;
  readonly socketType: string;
  readonly authentication: string;
  readonly username: string;
}

export interface ThunderbirdAccount {
  readonly id: string;
  readonly domains: string[];
  readonly displayName: string;
  readonly incoming: ClientServer[];
  readonly outgoing: ClientServer[];
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : [value].flat());

function wellFormed(xml: string): void {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
}

function host(value: unknown, what: string): string {
  if (typeof value !== "string" || !HOST.test(value)) throw new Error(`${what}: not a host name: ${value}`);
  return value;
}

function port(value: unknown, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${what}: not a port: ${value}`);
  return n;
}

function oneOf(value: unknown, allowed: readonly string[], what: string): string {
  if (typeof value !== "string" || !allowed.includes(value))
    throw new Error(`${what}: ${value} is not one of ${allowed.join(", ")}`);
  return value;
}

function fill(template: unknown, address: string, what: string): string {
  if (typeof template !== "string") throw new Error(`${what}: no <username>`);
  const unknown = /%(?!EMAILADDRESS%|EMAILLOCALPART%|EMAILDOMAIN%)[A-Z]+%/.exec(template);
  if (unknown) throw new Error(`${what}: unknown placeholder ${unknown[0]}`);
  const at = address.lastIndexOf("@");
  return template
    .replaceAll("%EMAILADDRESS%", address)
    .replaceAll("%EMAILLOCALPART%", address.slice(0, at))
    .replaceAll("%EMAILDOMAIN%", address.slice(at + 1));
}

// As a DOM parser would: the text as written, character references decoded.
const thunderbirdParser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  htmlEntities: true,
});

/** The account Thunderbird sets up for `address` from `xml`; throws what it would refuse. */
export function thunderbirdAccount(xml: string, address: string): ThunderbirdAccount {
  wellFormed(xml);
  const provider = thunderbirdParser.parse(xml)?.clientConfig?.emailProvider;
  if (typeof provider !== "object" || Array.isArray(provider)) throw new Error("no <emailProvider>");
  const domains = list(provider.domain).map((d) => host(d, "<domain>"));
  if (domains.length === 0) throw new Error("need proper <domain>");
  const server = (element: Record<string, unknown>, what: string, types: string[], auths: string[]) => {
    const type = oneOf(element["@_type"], types, `${what} type`);
    const socketType = oneOf(list(element.socketType)[0], SOCKET_TYPES, `${what} <socketType>`);
    const authentication = oneOf(list(element.authentication)[0], auths, `${what} <authentication>`);
    const needsUser = what === "<incomingServer>" || PASSWORD_AUTH.includes(authentication);
    return {
      type,
      hostname: host(element.hostname, `${what} <hostname>`),
      port: port(element.port, `${what} <port>`),
      socketType,
      authentication,
      username: needsUser ? fill(element.username, address, what) : "",
    };
  };
  const incoming = list(provider.incomingServer).map((s) =>
    server(s as Record<string, unknown>, "<incomingServer>", ["pop3", "imap"], INCOMING_AUTH),
  );
  if (incoming.length === 0) throw new Error("Need proper <incomingServer> in XML file");
  const outgoing = list(provider.outgoingServer).map((s) =>
    server(s as Record<string, unknown>, "<outgoingServer>", ["smtp"], OUTGOING_AUTH),
  );
  if (outgoing.length === 0) throw new Error("Need proper <outgoingServer> in XML file");
  return {
    id: host(provider["@_id"], "emailProvider id"),
    domains,
    displayName: String(provider.displayName ?? ""),
    incoming,
    outgoing,
  };
}

export interface OutlookProtocol {
  readonly type: string;
  readonly server: string;
  readonly port: number;
  readonly loginName: string;
  readonly encryption: string;
}

const RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
const OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
const outlookParser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, htmlEntities: true });

/** The protocols Outlook sets a POP3/IMAP account up with from `xml`; throws what it would refuse. */
export function outlookAccount(xml: string): OutlookProtocol[] {
  wellFormed(xml);
  const root = outlookParser.parse(xml)?.Autodiscover;
  if (root?.["@_xmlns"] !== RESPONSE_NS) throw new Error("<Autodiscover> is not in the response schema");
  const response = root.Response;
  if (response?.["@_xmlns"] !== OUTLOOK_NS)
    throw new Error("<Response> is not in the Outlook response schema");
  const account = response.Account;
  if (account?.AccountType !== "email") throw new Error("AccountType is not email");
  if (account.Action !== "settings") throw new Error("Action is not settings");
  const protocols = list(account.Protocol).map((p) => {
    const protocol = p as Record<string, unknown>;
    const type = oneOf(protocol.Type, ["IMAP", "POP3", "SMTP"], "<Type>");
    const loginName = protocol.LoginName;
    if (typeof loginName !== "string" || loginName === "") throw new Error(`${type}: no <LoginName>`);
    oneOf(protocol.SSL, ["on", "off"], `${type} <SSL>`);
    oneOf(protocol.AuthRequired, ["on", "off"], `${type} <AuthRequired>`);
    oneOf(protocol.SPA, ["on", "off"], `${type} <SPA>`);
    return {
      type,
      server: host(protocol.Server, `${type} <Server>`),
      port: port(protocol.Port, `${type} <Port>`),
      loginName,
      encryption: oneOf(protocol.Encryption, ["None", "SSL", "TLS", "Auto"], `${type} <Encryption>`),
    };
  });
  if (!protocols.some((p) => p.type === "IMAP" || p.type === "POP3"))
    throw new Error("no IMAP or POP3 <Protocol>: not a mail account");
  if (!protocols.some((p) => p.type === "SMTP")) throw new Error("no SMTP <Protocol>");
  return protocols;
}

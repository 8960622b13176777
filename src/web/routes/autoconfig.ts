import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { autoconfigOn, domainOf, type MailSettings, thunderbirdConfig } from "../autoconfig.js";
import { autodiscoverResponse, readAutodiscoverRequest } from "../autodiscover.js";
import type { WebContext } from "../context.js";
import { providerName } from "../layout.js";

const XML_TYPE = "application/xml; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";
const MAX_REQUEST_BYTES = 16 * 1024;

function settingsOf(context: WebContext): MailSettings {
  return {
    providerName: providerName(context),
    domains: context.config.email_domains,
    submissionHost: context.submissionHost,
    submissionPort: context.config.submission_port,
    submissionTlsPort: context.config.submission_tls_port,
    incoming: context.config.incoming,
  };
}

/** Ours when no domains are configured (one provider, any domain) or when it is one of them. */
function serves(context: WebContext, domain: string): boolean {
  const domains = context.config.email_domains;
  return domains.length === 0 || domains.includes(domain);
}

/**
 * The domain a Thunderbird request is for when it names no address: the one in the Host it
 * asked (autoconfig.DOMAIN, or DOMAIN for the well-known path), else the first configured one.
 */
function domainOfHost(context: WebContext, host: string): string | undefined {
  const name = host.toLowerCase().replace(/^autoconfig\./, "");
  if (context.config.email_domains.includes(name)) return name;
  return context.config.email_domains[0] ?? domainOf(`postmaster@${context.submissionHost}`);
}

const notServed = (reply: FastifyReply, why: string) => reply.code(404).type(TEXT_TYPE).send(`${why}\n`);

/** Mail-client autoconfig: Thunderbird's config-v1.1.xml and Outlook's POX Autodiscover. */
export function register(app: FastifyInstance, context: WebContext): void {
  const on = autoconfigOn(context.config);
  const off = "mail-client autoconfig is off: no mailbox server is configured";

  const thunderbird = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!on) return notServed(reply, off);
    const asked = (request.query as { emailaddress?: unknown }).emailaddress;
    if (asked !== undefined && typeof asked !== "string")
      return reply.code(400).type(TEXT_TYPE).send("give emailaddress once\n");
    const domain = asked === undefined ? domainOfHost(context, request.hostname) : domainOf(asked.trim());
    if (!domain) {
      const why =
        asked === undefined ? "name the address: ?emailaddress=" : "emailaddress is not a mail address";
      return reply.code(400).type(TEXT_TYPE).send(`${why}\n`);
    }
    if (!serves(context, domain)) return notServed(reply, "no configuration for this domain");
    return reply.type(XML_TYPE).send(thunderbirdConfig(settingsOf(context), domain));
  };
  app.get("/mail/config-v1.1.xml", thunderbird);
  app.get("/.well-known/autoconfig/mail/config-v1.1.xml", thunderbird);

  app.register(async (scope) => {
    // Outlook posts text/xml; some clients say application/xml or nothing useful at all.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "string", bodyLimit: MAX_REQUEST_BYTES },
      (_request, body, done) => done(null, body),
    );
    const autodiscover = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!on) return notServed(reply, off);
      const asked = readAutodiscoverRequest(typeof request.body === "string" ? request.body : "");
      if ("refused" in asked) return reply.code(400).type(TEXT_TYPE).send(`${asked.refused}\n`);
      if (!serves(context, asked.domain)) return notServed(reply, "no configuration for this domain");
      return reply.type(XML_TYPE).send(autodiscoverResponse(settingsOf(context), asked.address));
    };
    scope.post("/autodiscover/autodiscover.xml", autodiscover);
    scope.post("/Autodiscover/Autodiscover.xml", autodiscover);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  autodiscoverAddress,
  autodiscoverResponse,
  domainOf,
  type MailSettings,
  thunderbirdConfig,
} from "../autoconfig.js";
import type { WebContext } from "../context.js";
import { providerName } from "../layout.js";

const XML_TYPE = "application/xml; charset=utf-8";
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

/** Mail-client autoconfig: Thunderbird's config-v1.1.xml and Outlook's POX Autodiscover. */
export function register(app: FastifyInstance, context: WebContext): void {
  const thunderbird = async (request: FastifyRequest, reply: FastifyReply) => {
    const asked = (request.query as { emailaddress?: unknown }).emailaddress;
    const domain =
      typeof asked === "string"
        ? domainOf(asked.trim())
        : (context.config.email_domains[0] ?? domainOf(`x@${context.submissionHost}`));
    if (!domain || !serves(context, domain)) {
      return reply.code(404).type("text/plain; charset=utf-8").send("no configuration for this address\n");
    }
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
      const address = typeof request.body === "string" ? autodiscoverAddress(request.body) : undefined;
      const domain = address && domainOf(address);
      if (!address || !domain) {
        return reply
          .code(400)
          .type("text/plain; charset=utf-8")
          .send("expected an Autodiscover request with an EMailAddress\n");
      }
      if (!serves(context, domain)) {
        return reply.code(404).type("text/plain; charset=utf-8").send("no configuration for this address\n");
      }
      return reply.type(XML_TYPE).send(autodiscoverResponse(settingsOf(context), address));
    };
    scope.post("/autodiscover/autodiscover.xml", autodiscover);
    scope.post("/Autodiscover/Autodiscover.xml", autodiscover);
  });
}

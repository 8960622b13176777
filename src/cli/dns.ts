import type { Command } from "commander";
import { UserError } from "../core/index.js";
import { autoconfigOn, defaultWebConfig, type WebConfig } from "../web/index.js";
import { loadConfig } from "./config.js";

const NAME =
  /^(?=.{1,253}\.?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

function hostName(text: string, flag: string): string {
  if (!NAME.test(text)) throw new UserError(`${flag} ${text}: not a host name`);
  return text.toLowerCase().replace(/\.$/, "");
}

// Implicit TLS first (RFC 8314): its SRV name, then the STARTTLS one, per mailbox protocol.
const MAILBOX_SERVICES = [
  ["imap", "SSL", "_imaps._tcp"],
  ["imap", "STARTTLS", "_imap._tcp"],
  ["pop3", "SSL", "_pop3s._tcp"],
  ["pop3", "STARTTLS", "_pop3._tcp"],
] as const;

/**
 * The records that let mail clients find the submission service: RFC 6186 SRV records
 * (`_submissions._tcp` from RFC 8314 first: implicit TLS preferred), the mailbox servers' SRV
 * records with "." for each mailbox service not offered, and the autoconfig/autodiscover names
 * pointing at the web server. With no mailbox server configured nothing is said about mailbox
 * services: a "." would tell clients there are none.
 */
export function dnsRecords(
  domain: string,
  submissionHost: string,
  webHost: string,
  web: WebConfig,
): string[] {
  const fqdn = (name: string) => `${name}.`;
  const srv = (service: string, priority: number, port: number, target: string) =>
    `${service}.${fqdn(domain)}\t3600\tIN\tSRV\t${priority} 1 ${port} ${fqdn(target)}`;
  const lines = [
    `; mail-client configuration for ${domain} (RFC 6186, RFC 8314)`,
    srv("_submissions._tcp", 0, web.submission_tls_port, submissionHost),
    srv("_submission._tcp", 10, web.submission_port, submissionHost),
  ];
  if (autoconfigOn(web)) {
    for (const [protocol, socket, service] of MAILBOX_SERVICES) {
      const servers = web.incoming.filter((s) => s.protocol === protocol && s.socket === socket);
      if (servers.length === 0) lines.push(`${service}.${fqdn(domain)}\t3600\tIN\tSRV\t0 0 0 .`);
      for (const server of servers)
        lines.push(srv(service, socket === "SSL" ? 0 : 10, server.port, server.host));
    }
  } else {
    lines.push(
      "; no _imap(s)/_pop3(s) records: web.incoming names no mailbox server (autoconfig is off until it does)",
    );
  }
  lines.push(
    `; Thunderbird autoconfig and Outlook Autodiscover, answered by porteiro's web server over HTTPS`,
    `autoconfig.${fqdn(domain)}\t3600\tIN\tCNAME\t${fqdn(webHost)}`,
    `autodiscover.${fqdn(domain)}\t3600\tIN\tCNAME\t${fqdn(webHost)}`,
    srv("_autodiscover._tcp", 0, 443, webHost),
  );
  return lines;
}

export function registerDnsCommands(program: Command): void {
  const dns = program.command("dns").description("DNS records for the operator's zone");
  dns
    .command("records")
    .description(
      "print the SRV and CNAME records that let mail clients configure themselves, in zone-file syntax",
    )
    .requiredOption("--domain <domain>", "the mail domain subscribers' addresses are in")
    .option("--host <host>", "the submission server (default: web.submission_host from -c, else mail.DOMAIN)")
    .option(
      "--web-host <host>",
      "where porteiro's web server answers autoconfig (default: the submission host)",
    )
    .option(
      "-c, --config <file>",
      "porteiro.yaml: its web: section names the host, ports and mailbox servers",
    )
    .addHelpText("after", "\nExample:\n  porteiro dns records --domain example.net --host mail.example.net")
    .action((options: { domain: string; host?: string; webHost?: string; config?: string }) => {
      const config = options.config ? loadConfig(options.config) : undefined;
      const web = config?.web ?? defaultWebConfig();
      const domain = hostName(options.domain, "--domain");
      const host = hostName(
        options.host ?? web.submission_host ?? config?.submission.hostname ?? `mail.${domain}`,
        "--host",
      );
      const webHost = options.webHost ? hostName(options.webHost, "--web-host") : host;
      process.stdout.write(`${dnsRecords(domain, host, webHost, web).join("\n")}\n`);
    });
}

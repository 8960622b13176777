import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../core/index.js";

/** The reference plan ships with the package (examples/), next to src/ and dist/ alike. */
const EXAMPLE_PLAN = fileURLToPath(new URL("../../examples/plan.yaml", import.meta.url));

const STARTER_CONFIG = `# porteiro's configuration (see the README). Relative paths are read from this file's folder.
plan: plan.yaml # the address plan; check it with \`porteiro plan check plan.yaml\`
data: data # where porteiro keeps its database, spool and generated files

# The authenticated submission service on 587/465 (\`porteiro serve\`, \`porteiro submission serve\`).
# Every key is optional; examples/porteiro.yaml in the package lists them all with their defaults.
submission:
  hostname: mail.example.net # the name clients connect to and see in the certificate
  listen: 127.0.0.1:2587 # STARTTLS; 0.0.0.0:587 in production
  listen_tls: 127.0.0.1:2465 # implicit TLS; 0.0.0.0:465 in production
  # cert: /etc/ssl/mail.example.net.pem   # without these, a self-signed pair in data/tls/
  # key: /etc/ssl/mail.example.net.key
  # smarthost: { host: 192.0.2.25, port: 25 } # without it, mail goes to each domain's MX

# The web server: operator console (/console/), public help site (/), mail-client autoconfig.
web:
  listen: 127.0.0.1:8025 # put a TLS reverse proxy in front to publish it
  secure_cookies: false # true once the console is served over HTTPS
  session_hours: 12 # how long a console login lasts
  # What the help site and autoconfig tell subscribers:
  provider_name: Example Telecom # default: the plan's isp.name
  submission_host: mail.example.net # default: submission.hostname
  submission_port: 587 # the public ports, as subscribers reach them
  submission_tls_port: 465
  email_domains: [example.net] # autoconfig answers for these (empty: for any domain)
  # incoming: # mailbox servers; mail-client autoconfig is off until one is named
  #   - { protocol: imap, host: imap.example.net, port: 993, socket: SSL } # login: address (or local-part)
  # support_contact: "call 0800 000 0000, Monday to Friday 8-20"
`;

/** Writes a starter porteiro.yaml and plan.yaml; refuses to overwrite either without --force. */
export function writeStarterFiles(dir: string, force: boolean): string[] {
  const files: [string, string][] = [
    [join(dir, "porteiro.yaml"), STARTER_CONFIG],
    [join(dir, "plan.yaml"), readFileSync(EXAMPLE_PLAN, "utf8")],
  ];
  const present = files.filter(([file]) => existsSync(file)).map(([file]) => file);
  if (present.length > 0 && !force) {
    throw new UserError(
      `${present.join(" and ")} already exist${present.length === 1 ? "s" : ""}; add --force to overwrite`,
    );
  }
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of files) writeFileSync(file, text);
  return files.map(([file]) => file);
}

export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description("write a commented starter porteiro.yaml and plan.yaml")
    .option("--dir <dir>", "where to write them", ".")
    .option("--force", "overwrite files that exist")
    .addHelpText("after", "\nThen: porteiro plan check plan.yaml && porteiro serve -c porteiro.yaml")
    .action((options: { dir: string; force?: boolean }) => {
      const written = writeStarterFiles(resolve(options.dir), options.force === true);
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
      process.stdout.write(
        `next: edit the plan, check it with \`porteiro plan check ${written[1]}\`, then \`porteiro serve -c ${written[0]}\`\n`,
      );
    });
}

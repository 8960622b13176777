import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro } from "./run.js";

test("dns records prints RFC 6186/8314 submission records and the autoconfig names in zone-file syntax, and no mailbox records while none is configured", () => {
  const result = porteiro(["dns", "records", "--domain", "example.net", "--host", "mail.example.net"]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      "; mail-client configuration for example.net (RFC 6186, RFC 8314)",
      "_submissions._tcp.example.net.\t3600\tIN\tSRV\t0 1 465 mail.example.net.",
      "_submission._tcp.example.net.\t3600\tIN\tSRV\t10 1 587 mail.example.net.",
      "; no _imap(s)/_pop3(s) records: web.incoming names no mailbox server (autoconfig is off until it does)",
      "; Thunderbird autoconfig and Outlook Autodiscover, answered by porteiro's web server over HTTPS",
      "autoconfig.example.net.\t3600\tIN\tCNAME\tmail.example.net.",
      "autodiscover.example.net.\t3600\tIN\tCNAME\tmail.example.net.",
      "_autodiscover._tcp.example.net.\t3600\tIN\tSRV\t0 1 443 mail.example.net.",
      "",
    ].join("\n"),
  );
});

test("dns records gives each configured mailbox server its SRV record and says '.' for the mailbox services not offered, and refuses a bad name", (t) => {
  const dir = tempDir(t, "dns");
  const config = join(dir, "porteiro.yaml");
  writeFileSync(
    config,
    `web:
  submission_host: smtp.example.org
  submission_port: 2587
  submission_tls_port: 2465
  incoming:
    - { protocol: imap, host: imap.example.org, port: 993, socket: SSL }
    - { protocol: pop3, host: pop.example.org, port: 110, socket: STARTTLS, login: local-part }
`,
  );
  const result = porteiro([
    "dns",
    "records",
    "--domain",
    "example.org",
    "-c",
    config,
    "--web-host",
    "www.example.org",
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      "; mail-client configuration for example.org (RFC 6186, RFC 8314)",
      "_submissions._tcp.example.org.\t3600\tIN\tSRV\t0 1 2465 smtp.example.org.",
      "_submission._tcp.example.org.\t3600\tIN\tSRV\t10 1 2587 smtp.example.org.",
      "_imaps._tcp.example.org.\t3600\tIN\tSRV\t0 1 993 imap.example.org.",
      "_imap._tcp.example.org.\t3600\tIN\tSRV\t0 0 0 .",
      "_pop3s._tcp.example.org.\t3600\tIN\tSRV\t0 0 0 .",
      "_pop3._tcp.example.org.\t3600\tIN\tSRV\t10 1 110 pop.example.org.",
      "; Thunderbird autoconfig and Outlook Autodiscover, answered by porteiro's web server over HTTPS",
      "autoconfig.example.org.\t3600\tIN\tCNAME\twww.example.org.",
      "autodiscover.example.org.\t3600\tIN\tCNAME\twww.example.org.",
      "_autodiscover._tcp.example.org.\t3600\tIN\tSRV\t0 1 443 www.example.org.",
      "",
    ].join("\n"),
  );
  const bad = porteiro(["dns", "records", "--domain", "exa mple.org"]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, "--domain exa mple.org: not a host name\n");
});

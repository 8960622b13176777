import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { IncomingServer } from "../../src/web/index.js";
import { outlookAccount, thunderbirdAccount } from "../helpers/mail-client-rules.js";
import { testApp } from "./app.js";

const incoming: IncomingServer[] = [
  { protocol: "imap", host: "imap.example.net", port: 993, socket: "SSL", login: "address" },
  { protocol: "pop3", host: "pop.example.net", port: 110, socket: "STARTTLS", login: "local-part" },
];
const config = {
  provider_name: "Example <Telecom> & Co",
  email_domains: ["example.net", "example.org"],
  incoming,
};
const THUNDERBIRD_PATHS = ["/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml"];
const AUTODISCOVER_PATHS = ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"];

const request = (
  address: string,
  schema = "outlook/responseschema/2006a",
) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/${schema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

const post = (
  app: Awaited<ReturnType<typeof testApp>>["app"],
  payload: string,
  url = AUTODISCOVER_PATHS[0],
) => app.inject({ method: "POST", url: url as string, headers: { "content-type": "text/xml" }, payload });

test("Thunderbird accepts the document for each email domain at both paths: mailbox servers, then submission 465 SSL and 587 STARTTLS", async (t) => {
  const { app } = await testApp(t, { config });
  for (const domain of config.email_domains) {
    const address = `ana.silva@${domain}`;
    for (const path of THUNDERBIRD_PATHS) {
      const response = await app.inject({ url: `${path}?emailaddress=${encodeURIComponent(address)}` });
      assert.equal(response.statusCode, 200, `${path} ${domain}`);
      assert.match(String(response.headers["content-type"]), /^application\/xml/);
      const account = thunderbirdAccount(response.body, address);
      assert.equal(account.id, domain);
      assert.deepEqual(account.domains, [domain, ...config.email_domains.filter((d) => d !== domain)]);
      assert.equal(account.displayName, "Example <Telecom> & Co");
      assert.deepEqual(
        account.incoming.map((s) => [s.type, s.hostname, s.port, s.socketType, s.authentication, s.username]),
        [
          ["imap", "imap.example.net", 993, "SSL", "password-cleartext", address],
          ["pop3", "pop.example.net", 110, "STARTTLS", "password-cleartext", "ana.silva"],
        ],
      );
      assert.deepEqual(
        account.outgoing.map((s) => [s.type, s.hostname, s.port, s.socketType, s.authentication, s.username]),
        [
          ["smtp", "mail.example.net", 465, "SSL", "password-cleartext", address],
          ["smtp", "mail.example.net", 587, "STARTTLS", "password-cleartext", address],
        ],
      );
      assert.ok(!response.body.includes("ana.silva"), "the asked address is not written back");
    }
  }
});

test("without emailaddress the document is for the domain in autoconfig.DOMAIN, else the first configured one", async (t) => {
  const { app } = await testApp(t, { config });
  const asked = async (host: string) => {
    const response = await app.inject({ url: "/mail/config-v1.1.xml", headers: { host } });
    assert.equal(response.statusCode, 200, host);
    return thunderbirdAccount(response.body, "ana@example.org").id;
  };
  assert.equal(await asked("autoconfig.example.org"), "example.org");
  assert.equal(await asked("example.org:8443"), "example.org");
  assert.equal(await asked("127.0.0.1:8025"), "example.net");
});

test("with no email_domains any domain is served; without an address, the submission host's name stands for it", async (t) => {
  const { app } = await testApp(t, { config: { ...config, email_domains: [] } });
  const address = "ana@any.example";
  const named = await app.inject({ url: `/mail/config-v1.1.xml?emailaddress=${address}` });
  assert.deepEqual(thunderbirdAccount(named.body, address).domains, ["any.example"]);
  const unnamed = await app.inject({ url: "/mail/config-v1.1.xml", headers: { host: "127.0.0.1" } });
  assert.equal(thunderbirdAccount(unnamed.body, address).id, "mail.example.net");
});

test("Outlook accepts the POX answer for each email domain at both spellings: IMAP and POP3, then SMTP 465 SSL and 587 TLS", async (t) => {
  const { app } = await testApp(t, { config });
  for (const domain of config.email_domains) {
    const address = `o'brien&co@${domain}`;
    for (const url of AUTODISCOVER_PATHS) {
      const response = await post(app, request(address.replace("&", "&amp;")), url);
      assert.equal(response.statusCode, 200, `${url} ${domain}: ${response.body}`);
      assert.deepEqual(
        outlookAccount(response.body).map((p) => [p.type, p.server, p.port, p.encryption, p.loginName]),
        [
          ["IMAP", "imap.example.net", 993, "SSL", address],
          ["POP3", "pop.example.net", 110, "TLS", "o'brien&co"],
          ["SMTP", "mail.example.net", 465, "SSL", address],
          ["SMTP", "mail.example.net", 587, "TLS", address],
        ],
      );
    }
  }
});

test("a domain porteiro does not serve gets 404 from both clients' paths", async (t) => {
  const { app } = await testApp(t, { config });
  for (const path of THUNDERBIRD_PATHS) {
    const response = await app.inject({ url: `${path}?emailaddress=ana%40other.example` });
    assert.equal(response.statusCode, 404, path);
    assert.equal(response.body, "no configuration for this domain\n");
  }
  for (const url of AUTODISCOVER_PATHS) {
    assert.equal((await post(app, request("ana@other.example"), url)).statusCode, 404, url);
  }
});

test("without web.incoming autoconfig is off: 404 at every path, and the help site gives the manual settings only", async (t) => {
  const { app } = await testApp(t, { config: { ...config, incoming: [] } });
  for (const path of THUNDERBIRD_PATHS) {
    const response = await app.inject({ url: `${path}?emailaddress=ana%40example.net` });
    assert.equal(response.statusCode, 404, path);
    assert.equal(response.body, "mail-client autoconfig is off: no mailbox server is configured\n");
  }
  for (const url of AUTODISCOVER_PATHS) {
    const response = await post(app, request("ana@example.net"), url);
    assert.equal(response.statusCode, 404, url);
    assert.match(response.body, /autoconfig is off/);
  }
  const home = (await app.inject({ url: "/?address=192.0.2.1" })).body;
  assert.match(home, /Outgoing server <code>mail\.example\.net<\/code>, port <code>587<\/code>/);
  assert.doesNotMatch(home, /Incoming mail|find all of these settings themselves/);
});

test("with web.incoming the help site names the mailbox servers and says new accounts set themselves up", async (t) => {
  const { app } = await testApp(t, { config });
  const home = (await app.inject({ url: "/?address=192.0.2.1" })).body;
  assert.match(
    home,
    /Incoming mail: IMAP server <code>imap\.example\.net<\/code>, port <code>993<\/code> with SSL\/TLS, user name your full e-mail address or POP3 server <code>pop\.example\.net<\/code>, port <code>110<\/code> with STARTTLS, user name the part of your e-mail address before the @\./,
  );
  assert.match(home, /Thunderbird or Outlook\? Type your address and password/);
});

test("Autodiscover refuses what is not a plain Outlook request, and bounds the body", async (t) => {
  const { app } = await testApp(t, { config });
  const refused = async (payload: string, reason: RegExp) => {
    const response = await post(app, payload);
    assert.equal(response.statusCode, 400, payload);
    assert.match(response.body, reason);
  };
  const entity = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${request("&x;")}`;
  await refused(entity, /DOCTYPE or entity/);
  await refused(
    request("<b>ana</b>@example.net"),
    /^expected one <Autodiscover><Request>|not a mail address/,
  );
  await refused(request("&lt;b&gt;@example.net"), /EMailAddress is not a mail address/);
  await refused(request("not an address"), /EMailAddress is not a mail address/);
  await refused(request("ana\u0001@example.net"), /EMailAddress is not a mail address/);
  await refused(
    request("ana@example.net", "mobilesync/responseschema/2006"),
    /only the Outlook response schema/,
  );
  await refused("<not xml", /not well-formed/);
  await refused("", /expected one <Autodiscover><Request>|not well-formed/);
  assert.equal((await post(app, `${request("ana@example.net")}${" ".repeat(20_000)}`)).statusCode, 413);
});

test("Thunderbird's emailaddress is refused unless it is one plain address", async (t) => {
  const { app } = await testApp(t, { config });
  for (const query of [
    "emailaddress=not-an-address",
    "emailaddress=%3Cb%3E%40example.net",
    "emailaddress=a%40example.net&emailaddress=b%40example.net",
  ]) {
    const response = await app.inject({ url: `/mail/config-v1.1.xml?${query}` });
    assert.equal(response.statusCode, 400, query);
  }
});

test("any EMailAddress or emailaddress gets a refusal or a document the client accepts, never markup of its own", async (t) => {
  const { app } = await testApp(t, { config });
  const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const texts = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc
      .tuple(fc.string({ maxLength: 30 }), fc.constantFrom("example.net", "example.org", "other.example"))
      .map(([local, domain]) => `${local}@${domain}`),
  );
  await fc.assert(
    fc.asyncProperty(texts, async (text) => {
      const pox = await post(app, request(escapeXml(text)));
      if (pox.statusCode === 200) {
        const smtp = outlookAccount(pox.body).filter((p) => p.type === "SMTP");
        assert.deepEqual(
          smtp.map((p) => p.loginName),
          [text.trim(), text.trim()],
        );
      } else assert.ok([400, 404].includes(pox.statusCode), `${pox.statusCode} ${pox.body}`);
      const tb = await app.inject({ url: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(text)}` });
      if (tb.statusCode === 200) thunderbirdAccount(tb.body, text.trim());
      else assert.ok([400, 404].includes(tb.statusCode), `${tb.statusCode} ${tb.body}`);
    }),
    { numRuns: 300 },
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { testApp } from "./app.js";

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => ["outgoingServer", "incomingServer", "Protocol", "domain"].includes(name),
});

function parseXml(text: string) {
  assert.equal(XMLValidator.validate(text), true, text);
  return parser.parse(text);
}

const config = {
  provider_name: "Example <Telecom> & Co",
  email_domains: ["example.net", "example.org"],
  incoming: [{ protocol: "imap" as const, host: "imap.example.net", port: 993, socket: "SSL" as const }],
};

test("Thunderbird autoconfig at both paths: SMTP 465 SSL and 587 STARTTLS with the whole address", async (t) => {
  const { app } = await testApp(t, { config });
  for (const url of [
    "/mail/config-v1.1.xml?emailaddress=ana%40example.org",
    "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ana%40example.org",
  ]) {
    const response = await app.inject({ url });
    assert.equal(response.statusCode, 200, url);
    assert.match(String(response.headers["content-type"]), /^application\/xml/);
    const provider = parseXml(response.body).clientConfig.emailProvider;
    assert.equal(provider["@_id"], "example.org");
    assert.deepEqual(provider.domain, ["example.org", "example.net"]);
    assert.equal(provider.displayName, "Example <Telecom> & Co");
    assert.deepEqual(
      provider.outgoingServer.map((s: Record<string, unknown>) => [
        s["@_type"],
        s.hostname,
        s.port,
        s.socketType,
        s.username,
      ]),
      [
        ["smtp", "mail.example.net", 465, "SSL", "%EMAILADDRESS%"],
        ["smtp", "mail.example.net", 587, "STARTTLS", "%EMAILADDRESS%"],
      ],
    );
    assert.equal(provider.incomingServer[0]["@_type"], "imap");
    assert.equal(provider.incomingServer[0].port, 993);
  }
  assert.equal(
    (await app.inject({ url: "/mail/config-v1.1.xml?emailaddress=ana%40other.example" })).statusCode,
    404,
  );
});

test("without incoming servers configured, the document has only the outgoing ones", async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject({ url: "/mail/config-v1.1.xml?emailaddress=ana%40anything.example" });
  const provider = parseXml(response.body).clientConfig.emailProvider;
  assert.equal(provider.incomingServer, undefined);
  assert.equal(provider.outgoingServer.length, 2);
});

const request = (address: string) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

test("Outlook Autodiscover (POX) answers SMTP 587 with TLS and 465 with SSL at both spellings", async (t) => {
  const { app } = await testApp(t, { config });
  for (const url of ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"]) {
    const response = await app.inject({
      method: "POST",
      url,
      headers: { "content-type": "text/xml" },
      payload: request("ana@example.net"),
    });
    assert.equal(response.statusCode, 200, url);
    const account = parseXml(response.body).Autodiscover.Response.Account;
    assert.equal(account.Action, "settings");
    const smtp = account.Protocol.filter((p: Record<string, unknown>) => p.Type === "SMTP");
    assert.deepEqual(
      smtp.map((p: Record<string, unknown>) => [p.Server, p.Port, p.Encryption, p.LoginName, p.AuthRequired]),
      [
        ["mail.example.net", 587, "TLS", "ana@example.net", "on"],
        ["mail.example.net", 465, "SSL", "ana@example.net", "on"],
      ],
    );
    assert.deepEqual(
      account.Protocol.filter((p: Record<string, unknown>) => p.Type === "IMAP").map(
        (p: Record<string, unknown>) => p.Port,
      ),
      [993],
    );
  }
});

test("Autodiscover refuses what is not a plain request: entities, bad addresses, other domains", async (t) => {
  const { app } = await testApp(t, { config });
  const post = (payload: string) =>
    app.inject({
      method: "POST",
      url: "/autodiscover/autodiscover.xml",
      headers: { "content-type": "text/xml" },
      payload,
    });
  const entity = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${request("&x;")}`;
  assert.equal((await post(entity)).statusCode, 400);
  assert.equal((await post(request("<b>ana</b>@example.net"))).statusCode, 400);
  assert.equal((await post(request("not an address"))).statusCode, 400);
  assert.equal((await post("<not xml")).statusCode, 400);
  assert.equal((await post(request("ana@other.example"))).statusCode, 404);
  assert.equal((await post(`${request("ana@example.net")}${" ".repeat(20_000)}`)).statusCode, 413);
});

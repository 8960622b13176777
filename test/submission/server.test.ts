import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { requirePeers } from "../helpers/peers.js";
import {
  replies,
  requireSwaks,
  run,
  startTestService,
  swaks,
  swaksAuth,
  USER,
} from "../helpers/submission.js";

const BODY =
  "Subject: hello from the test\r\nFrom: Ana <ana@example.net>\r\nTo: bia@example.org\r\n\r\n" +
  "line one\r\n\tindented line, trailing space \r\nümlaut in UTF-8\r\n\r\nlast line\r\n";

const RECEIVED =
  /^Received: from client\.example\.net \(unknown \[127\.0\.0\.1\]\)\r\n\t\(authenticated user ana@example\.net\)\r\n\t\(using TLSv1\.[23] with cipher [A-Z0-9_-]+\)\r\n\tby mail\.example\.net \(porteiro\) with ESMTPSA id \S+\r\n\t(?:for <[^>]+>)?; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n/;

test("swaks over STARTTLS with AUTH PLAIN and pipelining: the message is spooled byte for byte, with Received, Message-ID and Date added", async (t) => {
  if (!requireSwaks(t)) return;
  const { service, spool, dataDir } = await startTestService(t);
  const file = join(dataDir, "message.eml");
  writeFileSync(file, `${BODY}.\r\n`);
  const result = await swaks(service, "starttls", [
    ...swaksAuth("PLAIN"),
    "--pipeline",
    "--from",
    USER,
    "--to",
    "bia@example.org,caio@example.com",
    "--no-data-fixup",
    "--data",
    `@${file}`,
  ]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.ok(replies(result.stdout).some((r) => /^250 2\.0\.0 Ok: queued as \S+$/.test(r)));

  const [message, ...others] = spool.messages();
  assert.ok(message, "one message spooled");
  assert.equal(others.length, 0);
  assert.equal(message.username, USER);
  assert.equal(message.mailFrom, USER);
  assert.equal(message.held, false);
  assert.deepEqual(
    spool.recipients(message.id).map((r) => [r.recipient, r.state]),
    [
      ["bia@example.org", "queued"],
      ["caio@example.com", "queued"],
    ],
  );
  const stored = readFileSync(spool.pathOf(message.id));
  assert.equal(message.size, stored.length);
  const text = stored.toString("utf8");
  const received = RECEIVED.exec(text);
  assert.ok(received, `Received line as specified:\n${text.slice(0, 400)}`);
  assert.ok(!received[0].includes("for <"), "no recipient disclosed for a message to two");
  const rest = text.slice(received[0].length);
  const added =
    /^Message-ID: <[A-Za-z0-9._-]+@mail\.example\.net>\r\nDate: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n/.exec(
      rest,
    );
  assert.ok(added, `Message-ID and Date added:\n${rest.slice(0, 200)}`);
  assert.equal(rest.slice(added[0].length), BODY, "the client's bytes follow unchanged");
});

test("swaks over implicit TLS with AUTH LOGIN: a complete message gets only the Received line, naming its one recipient", async (t) => {
  if (!requireSwaks(t)) return;
  const { service, spool } = await startTestService(t);
  const result = await swaks(service, "tls", [
    ...swaksAuth("LOGIN"),
    "--from",
    "sales@ana.example",
    "--to",
    "bia@example.org",
    "--header",
    "Subject: implicit TLS",
  ]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const [message] = spool.messages();
  assert.ok(message);
  assert.equal(message.mailFrom, "sales@ana.example");
  const text = readFileSync(spool.pathOf(message.id), "utf8");
  const received = RECEIVED.exec(text);
  assert.ok(received, text.slice(0, 400));
  assert.match(received[0], /\tfor <bia@example\.org>; /);
  assert.equal(text.match(/^Message-Id:/gim)?.length, 1, "swaks' own Message-Id kept, none added");
  assert.equal(text.match(/^Date:/gim)?.length, 1, "swaks' own Date kept, none added");
});

test("AUTH is offered only inside TLS; SIZE is advertised", async (t) => {
  if (!requireSwaks(t)) return;
  const { service } = await startTestService(t, { max_message_size: 1_000_000 });
  const result = await swaks(service, "starttls", ["--quit-after", "EHLO"]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const split = result.stdout.indexOf("-> STARTTLS");
  assert.ok(split > 0, result.stdout);
  const plain = result.stdout.slice(0, split);
  const afterTls = result.stdout.slice(split);
  assert.doesNotMatch(plain, /AUTH/);
  assert.match(plain, /250-STARTTLS|250 STARTTLS/);
  assert.match(afterTls, /250[- ]AUTH PLAIN LOGIN/);
  assert.match(afterTls, /250[- ]SIZE 1000000/);
});

test("Python's smtplib: STARTTLS, login, dot-stuffed lines come back unstuffed", async (t) => {
  if (!requirePeers(t, ["python3", "openssl"])) return;
  const { service, spool } = await startTestService(t);
  const script = `
import smtplib, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20) as client:
    client.starttls(context=context)
    client.login("${USER}", "correct horse battery")
    client.sendmail("${USER}", ["bia@example.org"], b"Subject: dots\\r\\n\\r\\n.leading dot\\r\\n..two dots\\r\\n.\\r\\nend\\r\\n")
with smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[2]), timeout=20, context=context) as client:
    client.login("${USER}", "correct horse battery")
    client.sendmail("${USER}", ["caio@example.com"], b"Subject: implicit\\r\\n\\r\\nhi\\r\\n")
print("sent")
`;
  const result = await run("python3", [
    "-c",
    script,
    String(service.starttls.port),
    String(service.implicitTls.port),
  ]);
  assert.equal(result.status, 0, result.stderr);
  const messages = spool.messages();
  assert.equal(messages.length, 2);
  const first = messages.find((m) => spool.recipients(m.id)[0]?.recipient === "bia@example.org");
  assert.ok(first);
  const text = readFileSync(spool.pathOf(first.id), "utf8");
  assert.ok(text.endsWith("\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n"), text);
});

test("a client that hangs up in the middle of DATA leaves nothing behind", async (t) => {
  if (!requirePeers(t, ["python3", "openssl"])) return;
  const { service, spool } = await startTestService(t);
  const script = `
import smtplib, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
client = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), timeout=20, context=context)
client.login("${USER}", "correct horse battery")
client.mail("${USER}")
client.rcpt("bia@example.org")
client.putcmd("data")
assert client.getreply()[0] == 354
client.send(b"Subject: cut short\\r\\n\\r\\nhalf a message")
client.sock.close()
`;
  const result = await run("python3", ["-c", script, String(service.implicitTls.port)]);
  assert.equal(result.status, 0, result.stderr);
  const deadline = Date.now() + 5_000;
  while (readdirSync(join(spool.dir, "tmp")).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(readdirSync(join(spool.dir, "tmp")), [], "the temp file is gone");
  assert.equal(spool.messages().length, 0);
});

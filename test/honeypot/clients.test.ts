/**
 * Real clients against the sensor on loopback: curl through the HTTP proxy and SOCKS4/4a/5,
 * swaks and Python's smtplib through SOCKS and straight to the relay. Every capture is checked
 * field by field, and the sensor must have opened no connection of its own.
 * Needs curl, swaks and python3 (skips without them; fails under CI=true).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BodyFiles, messagesDir, type SessionDetail } from "../../src/honeypot/index.js";
import { requirePeers } from "../helpers/peers.js";
import { run, startHarness } from "./sensor-harness.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/honeypot/", import.meta.url));
const MESSAGE = `${FIXTURES}message.eml`;
const MESSAGE_BYTES = readFileSync(MESSAGE);
const SHA = createHash("sha256").update(MESSAGE_BYTES).digest("hex");

/** curl sending MESSAGE over SMTP to `url`, the EHLO name being the URL's path. */
function curlMail(url: string, proxy: string[]): string[] {
  return [
    "-sS",
    "--max-time",
    "10",
    "--url",
    url,
    "--mail-from",
    "bulk@sender.example",
    "--mail-rcpt",
    "victim@target.example",
    "--mail-rcpt",
    "other@target.example",
    "--upload-file",
    MESSAGE,
    ...proxy,
  ];
}

function assertMailSession(
  s: SessionDetail,
  expected: { listener: string; path: string; destination: string | null; helo: string },
) {
  assert.equal(s.sensor, "sensor-test");
  assert.equal(s.source, "127.0.0.1");
  assert.ok(s.source_port > 0);
  assert.ok(Date.parse(s.started) <= Date.parse(s.ended));
  assert.ok(Date.now() - Date.parse(s.started) < 60_000);
  assert.equal(s.listener, expected.listener);
  assert.equal(s.path, expected.path);
  assert.equal(s.destination, expected.destination);
  assert.equal(s.helo, expected.helo);
  assert.equal(s.outcome, "quit");
  assert.equal(s.messages, 1);
  assert.equal(s.recipients, 2);
  assert.ok(s.bytes > MESSAGE_BYTES.length);
  const [m] = s.message_list;
  assert.ok(m);
  assert.equal(m.mail_from, "bulk@sender.example");
  assert.deepEqual(m.recipients, ["victim@target.example", "other@target.example"]);
  assert.equal(m.sha256, SHA);
  assert.equal(m.size, MESSAGE_BYTES.length);
  assert.equal(m.truncated, false);
  assert.equal(m.body_stored, true);
  assert.equal(m.subject_pattern, "your invoice #");
  assert.deepEqual(m.urls, ["pay.example/inv"]);
}

test("curl through SOCKS5, SOCKS4, SOCKS4a and the HTTP proxy meets the emulated MX; the message is stored once", async (t) => {
  if (!requirePeers(t, ["curl"])) return;
  const h = await startHarness(t);
  const sends: [string, string[]][] = [
    ["smtp://mx.target.example:25/bot1.example", ["--socks5-hostname", h.socks]],
    ["smtp://198.51.100.25:25/bot2.example", ["--socks5", `spam:hunter2@${h.socks}`]],
    ["smtp://198.51.100.25:587/bot3.example", ["--socks4", h.socks]],
    ["smtp://mx.target.example:465/bot4.example", ["--socks4a", h.socks]],
    [
      "smtp://mx.target.example:25/bot5.example",
      ["--proxy", `http://${h.http}`, "--proxytunnel", "-U", "u1:p1"],
    ],
  ];
  for (const [url, proxy] of sends) {
    const sent = await run("curl", curlMail(url, proxy));
    assert.equal(sent.status, 0, `${url} ${proxy.join(" ")}: ${sent.stderr}`);
  }
  const sessions = await h.sessions(sends.length);
  assert.equal(sessions.length, sends.length);
  const [s5h, s5, s4, s4a, connect] = sessions as [
    SessionDetail,
    SessionDetail,
    SessionDetail,
    SessionDetail,
    SessionDetail,
  ];
  assertMailSession(s5h, {
    listener: "socks5",
    path: "socks5→smtp",
    destination: "mx.target.example:25",
    helo: "bot1.example",
  });
  assert.equal(s5h.proxy_user, null);
  assertMailSession(s5, {
    listener: "socks5",
    path: "socks5→smtp",
    destination: "198.51.100.25:25",
    helo: "bot2.example",
  });
  assert.equal(s5.proxy_user, "spam");
  assert.equal(s5.proxy_password, "hunter2");
  assertMailSession(s4, {
    listener: "socks4",
    path: "socks4→smtp",
    destination: "198.51.100.25:587",
    helo: "bot3.example",
  });
  assertMailSession(s4a, {
    listener: "socks4",
    path: "socks4a→smtp",
    destination: "mx.target.example:465",
    helo: "bot4.example",
  });
  assertMailSession(connect, {
    listener: "http",
    path: "http-connect→smtp",
    destination: "mx.target.example:25",
    helo: "bot5.example",
  });
  assert.equal(connect.proxy_user, "u1");
  assert.equal(connect.proxy_password, "p1");
  assert.deepEqual(new BodyFiles(messagesDir(h.data)).read(SHA), MESSAGE_BYTES);
  assert.equal(h.sensor.counters.get("proxy_requests_to_mail"), 5);
  assert.equal(h.sensor.counters.get("outbound_attempts"), 0);
});

test("requests for any other port get a plausible failure: HTTP 504/502, SOCKS5 refused, SOCKS4 rejected", async (t) => {
  if (!requirePeers(t, ["curl"])) return;
  const h = await startHarness(t);
  const get = await run("curl", [
    "-s",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code}",
    "--proxy",
    `http://${h.http}`,
    "http://198.51.100.80/probe?token=abc",
  ]);
  assert.equal(get.stdout, "504");
  const tls = await run("curl", [
    "-sS",
    "--max-time",
    "5",
    "--proxy",
    `http://${h.http}`,
    "https://198.51.100.80/",
  ]);
  assert.match(tls.stderr, /502/);
  const socks5 = await run("curl", ["-sS", "--max-time", "5", "--socks5", h.socks, "http://198.51.100.80/"]);
  assert.equal(socks5.status, 97);
  assert.match(socks5.stderr, /\(5\)/);
  const socks4 = await run("curl", [
    "-sS",
    "--max-time",
    "5",
    "--socks4",
    h.socks,
    "http://198.51.100.80:8080/",
  ]);
  assert.equal(socks4.status, 97);
  const sessions = await h.sessions(4);
  assert.deepEqual(
    sessions.map((s) => [s.listener, s.path, s.destination, s.outcome, s.messages]),
    [
      ["http", "http-get", "198.51.100.80:80", "refused", 0],
      ["http", "http-connect", "198.51.100.80:443", "refused", 0],
      ["socks5", "socks5", "198.51.100.80:80", "refused", 0],
      ["socks4", "socks4", "198.51.100.80:8080", "refused", 0],
    ],
  );
  assert.equal(h.sensor.counters.get("proxy_requests_refused"), 4);
  assert.equal(h.sensor.counters.get("outbound_attempts"), 0);
});

test("swaks straight to the relay and through SOCKS4a; the banner names the relay or the requested host", async (t) => {
  if (!requirePeers(t, ["swaks", "python3"])) return;
  const h = await startHarness(t);
  const direct = await run("swaks", [
    "--server",
    h.smtp,
    "--helo",
    "bot.example",
    "--from",
    "a@sender.example",
    "--to",
    "b@target.example",
    "--header",
    "Subject: Hello 123",
  ]);
  assert.equal(direct.status, 0, direct.stdout + direct.stderr);
  assert.match(direct.stdout, /<- {2}220 relay\.sensor\.example ESMTP/);
  assert.match(direct.stdout, /<- {2}250 2\.0\.0 Ok: queued as [0-9A-F]{12}/);
  const piped = await run("swaks", [
    "--pipe",
    `python3 ${FIXTURES}socks_pipe.py 127.0.0.1 ${h.socksPort} mx.victim.example 25`,
    "--helo",
    "bot.example",
    "--from",
    "a@sender.example",
    "--to",
    "c@victim.example",
  ]);
  assert.equal(piped.status, 0, piped.stdout + piped.stderr);
  assert.match(piped.stdout, /<- {2}220 mx\.victim\.example ESMTP/);
  const [relay, tunnel] = (await h.sessions(2)) as [SessionDetail, SessionDetail];
  assert.deepEqual(
    [relay.listener, relay.path, relay.destination, relay.helo, relay.outcome],
    ["smtp", "smtp", null, "bot.example", "quit"],
  );
  assert.deepEqual(relay.message_list[0]?.recipients, ["b@target.example"]);
  assert.equal(relay.message_list[0]?.subject_pattern, "hello #");
  assert.deepEqual(
    [tunnel.listener, tunnel.path, tunnel.destination, tunnel.proxy_user, tunnel.helo],
    ["socks4", "socks4a→smtp", "mx.victim.example:25", "swaks", "bot.example"],
  );
  assert.equal(tunnel.message_list[0]?.mail_from, "a@sender.example");
});

test("Python smtplib through SOCKS5 with credentials and straight to the relay; dot-stuffing is undone", async (t) => {
  if (!requirePeers(t, ["python3"])) return;
  const h = await startHarness(t);
  const script = `${FIXTURES}socks_smtp.py`;
  const viaSocks = await run("python3", [
    script,
    "127.0.0.1",
    String(h.socksPort),
    "mx.victim.example",
    "25",
    "s@spam.example",
    "r1@victim.example",
    "r2@victim.example",
    "--user",
    "admin",
    "--password",
    "admin",
  ]);
  assert.equal(viaSocks.status, 0, viaSocks.stderr);
  assert.match(viaSocks.stdout, /^250 2\.0\.0 Ok: queued as/);
  const direct = await run("python3", [
    "-c",
    `
import smtplib
s = smtplib.SMTP("127.0.0.1", ${h.smtpPort}, local_hostname="direct.example")
s.sendmail("s@spam.example", ["r3@victim.example"], b"Subject: x\\r\\n\\r\\n.dot\\r\\n")
s.quit()`,
  ]);
  assert.equal(direct.status, 0, direct.stderr);
  const [socks, relay] = (await h.sessions(2)) as [SessionDetail, SessionDetail];
  assert.deepEqual(
    [
      socks.listener,
      socks.path,
      socks.destination,
      socks.proxy_user,
      socks.proxy_password,
      socks.helo,
      socks.recipients,
    ],
    ["socks5", "socks5→smtp", "mx.victim.example:25", "admin", "admin", "spambot.example", 2],
  );
  const body = new BodyFiles(messagesDir(h.data)).read(socks.message_list[0]?.sha256 ?? "");
  assert.match(body?.toString() ?? "", /\r\n\.a line starting with a dot\r\n$/);
  assert.deepEqual(socks.message_list[0]?.urls, ["pills.example/buy"]);
  assert.deepEqual(
    [relay.listener, relay.helo, relay.message_list[0]?.recipients],
    ["smtp", "direct.example", ["r3@victim.example"]],
  );
  assert.equal(
    new BodyFiles(messagesDir(h.data)).read(relay.message_list[0]?.sha256 ?? "")?.toString(),
    "Subject: x\r\n\r\n.dot\r\n",
  );
});

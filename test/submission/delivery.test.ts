// Delivery from the spool to a real Postfix on loopback, as smarthost and as the MX found through
// a stub DNS server. Needs postfix (Debian package postfix) and root; the refused-connection test
// needs neither.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { describe, type TestContext, test } from "node:test";
import { SMTPServer } from "smtp-server";
import { createLogger } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import {
  type Delivery,
  type DeliveryOptions,
  Spool,
  type SpooledRecipient,
  startDelivery,
} from "../../src/submission/index.js";
import { startDnsStub } from "../helpers/dns-stub.js";
import { freePort, startPostfix } from "../helpers/postfix.js";
import { PASSWORD, startTestService, USER } from "../helpers/submission.js";
import { tempDir } from "../helpers/tmp.js";

process.env.PORTEIRO_LOG_LEVEL ??= "silent";
const logger = createLogger("delivery-test");

const MAILBOXES = ["bob@example.net", "carol@example.net", "ana@example.org"];
const DEFERRED = ["later@example.net"];

/**
 * Opens spools and starts workers, undone in reverse order when the test ends: workers stop
 * before their database closes (node:test runs t.after hooks first in, first out, so this is
 * called before anything else registers one).
 */
function setup(t: TestContext) {
  const undo: (() => unknown)[] = [];
  t.after(async () => {
    for (const step of undo.reverse()) await step();
  });
  return {
    spool(dir: string): Spool {
      const db = openStore(dir);
      undo.push(() => db.close());
      return new Spool(db, dir);
    },
    deliver(options: Omit<DeliveryOptions, "logger">): Delivery {
      const delivery = startDelivery({ logger, ...options });
      undo.push(() => delivery.stop());
      return delivery;
    },
  };
}

/** A message as the submission server would have spooled it: CRLF lines, dots, 8-bit text. */
function sampleMessage(from: string, to: readonly string[]): { raw: Buffer; messageId: string } {
  const messageId = `<${randomBytes(8).toString("hex")}@example.org>`;
  const raw = Buffer.from(
    [
      `From: Ana <${from}>`,
      `To: ${to.join(", ")}`,
      "Subject: =?utf-8?q?relat=C3=B3rio?=",
      `Message-ID: ${messageId}`,
      "Date: Sat, 28 Nov 2026 10:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Olá, segue o relatório.",
      ".a line that starts with a dot",
      "..and one with two",
      "trailing spaces   ",
      "\ttab",
      "",
    ].join("\r\n"),
  );
  return { raw, messageId };
}

async function spoolMessage(spool: Spool, from: string, to: readonly string[]) {
  const { raw, messageId } = sampleMessage(from, to);
  const writer = await spool.create();
  await writer.write(raw);
  const message = await writer.commit({
    username: from,
    mailFrom: from,
    recipients: to,
    clientAddress: "192.0.2.10",
  });
  return { id: message.id, raw, messageId };
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const byAddress = (recipients: SpooledRecipient[], address: string) =>
  recipients.find((r) => r.recipient === address) as SpooledRecipient;

/** Postfix stores LF line ends and prepends its own trace headers; the rest must be ours, unchanged. */
function assertIntact(delivered: Buffer, raw: Buffer): void {
  const text = delivered.toString("utf8");
  const original = raw.toString("utf8").replace(/\r\n/g, "\n");
  assert.ok(text.endsWith(original), `delivered message differs from the spooled one:\n${text}`);
  const added = text.slice(0, text.length - original.length);
  for (const line of added.split("\n").filter((l) => l !== "")) {
    assert.match(line, /^(Return-Path|X-Original-To|Delivered-To|Received):|^\s/, `unexpected line: ${line}`);
  }
  // Postfix says ESMTPS when the session was encrypted: STARTTLS was used.
  assert.match(added, /with ESMTPS/);
}

/** The parts of a multipart/report DSN, by content type. */
function dsnParts(dsn: Buffer): Map<string, string> {
  const text = dsn.toString("utf8");
  const contentType =
    /^Content-Type: multipart\/report; report-type=delivery-status; boundary="([^"]+)"$/m.exec(text);
  assert.ok(contentType, `not a multipart/report DSN:\n${text}`);
  const boundary = contentType[1] as string;
  const body = text.slice(text.indexOf("\n\n") + 2);
  const chunks = body.split(`--${boundary}`);
  assert.equal(chunks.at(-1)?.trim(), "--", "closing boundary");
  const parts = new Map<string, string>();
  for (const chunk of chunks.slice(1, -1)) {
    const type = /^Content-Type: ([^;\n]+)/m.exec(chunk)?.[1] as string;
    parts.set(type, chunk.slice(chunk.indexOf("\n\n") + 2));
  }
  assert.deepEqual([...parts.keys()], ["text/plain", "message/delivery-status", "text/rfc822-headers"]);
  return parts;
}

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly smtpUtf8: boolean;
  readonly data: string;
}

/**
 * A next hop that takes every message and keeps it: smtp-server on loopback, offering SMTPUTF8
 * or not (Postfix here always offers it).
 */
async function startNextHop(t: TestContext, offersSmtpUtf8: boolean) {
  const received: Received[] = [];
  const server = new SMTPServer({
    hideSMTPUTF8: !offersSmtpUtf8,
    hideSTARTTLS: true,
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          smtpUtf8: session.envelope.smtpUtf8 === true,
          data: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received };
}

describe("delivery", () => {
  test("delivers to a smarthost intact over STARTTLS and bounces a refused recipient with a DSN", async (t) => {
    const env = setup(t);
    const postfix = await startPostfix(t, { mailboxes: MAILBOXES, deferred: DEFERRED });
    if (!postfix) return;
    const spool = env.spool(tempDir(t, "delivery"));
    const sent = await spoolMessage(spool, "ana@example.org", [
      "bob@example.net",
      "carol@example.net",
      "nouser@example.net",
    ]);
    env.deliver({
      spool,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port: postfix.port },
    });

    for (const address of ["bob@example.net", "carol@example.net"]) {
      const [delivered] = await postfix.waitForMail(address, 1);
      assertIntact(delivered as Buffer, sent.raw);
    }
    const [dsn] = await postfix.waitForMail("ana@example.org", 1);
    const text = (dsn as Buffer).toString("utf8");
    assert.match(text, /^Return-Path: <>$/m, "a DSN has the null sender");
    assert.match(text, /^From: Mail Delivery System <MAILER-DAEMON@porteiro\.test>$/m);
    assert.match(text, /^Auto-Submitted: auto-replied$/m);
    const parts = dsnParts(dsn as Buffer);
    const status = parts.get("message/delivery-status") as string;
    assert.match(status, /^Reporting-MTA: dns; porteiro\.test$/m);
    assert.match(status, /^Final-Recipient: rfc822; nouser@example\.net$/m);
    assert.match(status, /^Action: failed$/m);
    assert.match(status, /^Status: 5\.1\.1$/m);
    assert.match(status, /^Diagnostic-Code: smtp; 550 5\.1\.1 <nouser@example\.net>/m);
    assert.doesNotMatch(status, /bob@|carol@/, "only the failed recipient is reported");
    const headers = parts.get("text/rfc822-headers") as string;
    assert.ok(headers.includes(`Message-ID: ${sent.messageId}`));
    assert.doesNotMatch(headers, /relatório/, "headers only, not the body");

    // The original and then the DSN are removed once every recipient is final.
    await waitFor("an empty spool", () => spool.messages().length === 0);
  });

  test("logs in to a smarthost that wants AUTH after STARTTLS; a wrong password defers, never bounces", async (t) => {
    const env = setup(t);
    // porteiro's own submission service is the smarthost: AUTH only inside TLS, sender checked.
    const relay = await startTestService(t);
    const spool = env.spool(tempDir(t, "delivery"));
    const good = await spoolMessage(spool, USER, ["bob@example.net"]);
    const smarthost = { host: "127.0.0.1", port: relay.service.starttls.port, user: USER };
    env.deliver({ spool, hostname: "porteiro.test", smarthost: { ...smarthost, pass: PASSWORD } });
    await waitFor("the message on the relay", () => relay.spool.messages().length === 1);
    const [relayed] = relay.spool.messages();
    assert.equal(relayed?.username, USER, "the relay saw our login");
    const file = readFileSync(relay.spool.pathOf(relayed?.id as string));
    assert.ok(file.subarray(file.length - good.raw.length).equals(good.raw), "the body arrives intact");
    await waitFor("an empty spool", () => spool.messages().length === 0);

    const refused = env.spool(tempDir(t, "delivery"));
    const kept = await spoolMessage(refused, USER, ["bob@example.net"]);
    env.deliver({ spool: refused, hostname: "porteiro.test", smarthost: { ...smarthost, pass: "wrong" } });
    const [recipient] = await waitFor("an attempt", () => {
      const rows = refused.recipients(kept.id);
      return rows[0]?.attempts ? rows : undefined;
    });
    assert.equal(recipient?.state, "queued", "our own login failing is not the recipient's fault");
    assert.match(recipient?.lastError ?? "", /535/);
  });

  test("records each recipient's state; a temporary refusal stays queued with backoff", async (t) => {
    const env = setup(t);
    const postfix = await startPostfix(t, { mailboxes: MAILBOXES, deferred: DEFERRED });
    if (!postfix) return;
    const spool = env.spool(tempDir(t, "delivery"));
    const sent = await spoolMessage(spool, "ana@example.org", ["bob@example.net", "later@example.net"]);
    const started = Date.now();
    env.deliver({
      spool,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port: postfix.port },
    });
    const recipients = await waitFor("both outcomes", () => {
      const list = spool.recipients(sent.id);
      return list.every((r) => r.attempts === 1) && list;
    });
    assert.equal(byAddress(recipients, "bob@example.net").state, "delivered");
    const later = byAddress(recipients, "later@example.net");
    assert.equal(later.state, "queued");
    assert.match(later.lastError ?? "", /^450 4\.2\.0 <later@example\.net>/);
    const wait = Date.parse(later.nextAttemptAt) - started;
    assert.ok(wait >= 50_000 && wait <= 70_000, `first retry about a minute later, got ${wait} ms`);
    assert.ok(spool.message(sent.id), "kept while a recipient is queued");
    assert.equal(postfix.mail("ana@example.org").length, 0, "no DSN for a delay");
  });

  test("expires a recipient after the lifetime and reports it in a DSN", async (t) => {
    const env = setup(t);
    const postfix = await startPostfix(t, { mailboxes: MAILBOXES, deferred: DEFERRED });
    if (!postfix) return;
    const spool = env.spool(tempDir(t, "delivery"));
    const sent = await spoolMessage(spool, "ana@example.org", ["later@example.net"]);
    env.deliver({
      spool,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port: postfix.port },
      lifetimeMs: 1,
    });
    const [dsn] = await postfix.waitForMail("ana@example.org", 1);
    const status = dsnParts(dsn as Buffer).get("message/delivery-status") as string;
    assert.match(status, /^Final-Recipient: rfc822; later@example\.net$/m);
    assert.match(status, /^Action: failed$/m);
    assert.match(status, /^Status: 5\.4\.7$/m);
    assert.match(status, /^Diagnostic-Code: smtp; 450 4\.2\.0/m);
    await waitFor("the expired message removed", () => !spool.message(sent.id));
  });

  test("a destination that does not answer leaves recipients queued after one attempt", async (t) => {
    const env = setup(t);
    const spool = env.spool(tempDir(t, "delivery"));
    const sent = await spoolMessage(spool, "ana@example.org", ["bob@example.net"]);
    const closedPort = await freePort();
    env.deliver({
      spool,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port: closedPort },
    });
    const [recipient] = await waitFor("an attempt", () => {
      const list = spool.recipients(sent.id);
      return list[0]?.attempts === 1 && list;
    });
    assert.equal(recipient?.state, "queued");
    assert.match(recipient?.lastError ?? "", /ECONNREFUSED|connect/i);
    assert.ok(Date.parse(recipient?.nextAttemptAt ?? "") > Date.now() + 30_000);
  });

  test("stop() waits for a session in flight only so long, and the message stays queued", async (t) => {
    const env = setup(t);
    // A server that accepts and then says nothing: the session hangs until it is cut.
    const silent = createServer(() => {});
    const sockets = new Set<Socket>();
    silent.on("connection", (socket) => sockets.add(socket));
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const spool = env.spool(tempDir(t, "delivery"));
    const sent = await spoolMessage(spool, "ana@example.org", ["bob@example.net"]);
    const port = (silent.address() as AddressInfo).port;
    const delivery = env.deliver({
      spool,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port },
      stopTimeoutMs: 300,
    });
    await waitFor("a session", () => sockets.size > 0);
    const stopping = Date.now();
    await delivery.stop();
    assert.ok(Date.now() - stopping < 3000, "stop() is bounded");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(spool.recipients(sent.id)[0]?.state, "queued", "not delivered, so still queued");
  });

  test("delivers to the MX hosts that DNS names, in order of preference, and bounces a domain that does not exist", async (t) => {
    const env = setup(t);
    const postfix = await startPostfix(t, {
      mailboxes: [...MAILBOXES, "dave@example.com"],
      deferred: DEFERRED,
    });
    if (!postfix) return;
    const dns = await startDnsStub(t, {
      // The preferred host refuses connections (nothing listens on 127.0.0.2): the next one is tried.
      "example.net": {
        MX: [
          [20, "mx.example.net"],
          [5, "down.example.net"],
        ],
      },
      "down.example.net": { A: ["127.0.0.2"] },
      "mx.example.net": { A: ["127.0.0.1"] },
      "example.org": { MX: [[10, "mx.example.net"]] },
      // No MX: the domain's own address is its mail host (RFC 5321 §5.1).
      "example.com": { A: ["127.0.0.1"] },
    });
    const spool = env.spool(tempDir(t, "delivery"));
    const sent = await spoolMessage(spool, "ana@example.org", [
      "bob@example.net",
      "dave@example.com",
      "ghost@nowhere.example",
    ]);
    env.deliver({ spool, hostname: "porteiro.test", mx: { servers: [dns], port: postfix.port } });
    for (const address of ["bob@example.net", "dave@example.com"]) {
      const [delivered] = await postfix.waitForMail(address, 1);
      assertIntact(delivered as Buffer, sent.raw);
    }
    const [dsn] = await postfix.waitForMail("ana@example.org", 1);
    const status = dsnParts(dsn as Buffer).get("message/delivery-status") as string;
    assert.match(status, /^Final-Recipient: rfc822; ghost@nowhere\.example$/m);
    assert.match(status, /^Status: 5\.1\.2$/m);
    assert.match(status, /^Diagnostic-Code: X-Porteiro; 5\.1\.2 domain nowhere\.example does not exist$/m);
    assert.doesNotMatch(status, /bob@|dave@/);
    await waitFor("an empty spool", () => spool.messages().length === 0);
  });

  test("a held message waits until released; a failed DSN is dropped, never answered", async (t) => {
    const env = setup(t);
    const dns = await startDnsStub(t, {});
    const spool = env.spool(tempDir(t, "delivery"));
    const writer = await spool.create();
    await writer.write(Buffer.from("Subject: a bounce\r\n\r\nreport\r\n"));
    const dsn = await writer.commit(
      {
        username: "MAILER-DAEMON",
        mailFrom: "",
        recipients: ["ghost@nowhere.example"],
        clientAddress: "127.0.0.1",
      },
      "held for the test",
    );
    const delivery = env.deliver({
      spool,
      hostname: "porteiro.test",
      mx: { servers: [dns], port: 9 },
      pollMs: 50,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(spool.recipients(dsn.id)[0]?.attempts, 0, "a held message is not tried");
    spool.setHeld(dsn.id, null);
    delivery.kick();
    await waitFor("the bounced DSN removed", () => !spool.message(dsn.id));
    assert.deepEqual(spool.messages(), [], "no DSN about a DSN");
  });

  test("a message handed over on commit goes out at once, without waiting for a spool scan", async (t) => {
    const env = setup(t);
    const postfix = await startPostfix(t, { mailboxes: MAILBOXES });
    if (!postfix) return;
    const spool = env.spool(tempDir(t, "delivery"));
    const delivery = env.deliver({
      spool,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port: postfix.port },
      // No poll during the test: only the hand-over can start this delivery.
      pollMs: 600_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = await spoolMessage(spool, "ana@example.org", ["bob@example.net", "carol@example.net"]);
    const message = spool.message(sent.id);
    assert.ok(message);
    delivery.enqueue(message, ["bob@example.net", "carol@example.net"]);
    for (const address of ["bob@example.net", "carol@example.net"]) {
      const [delivered] = await postfix.waitForMail(address, 1);
      assertIntact(delivered as Buffer, sent.raw);
    }
    await waitFor("the delivered message removed", () => !spool.message(sent.id));
    assert.ok(!existsSync(spool.pathOf(sent.id)));
  });

  test("a worker killed mid-delivery loses nothing: a new worker delivers the rest", async (t) => {
    const env = setup(t);
    const postfix = await startPostfix(t, { mailboxes: MAILBOXES });
    if (!postfix) return;
    const dir = tempDir(t, "delivery");
    const spool = env.spool(dir);
    const count = 40;
    const expected = new Set<string>();
    for (let i = 0; i < count; i++) {
      expected.add((await spoolMessage(spool, "ana@example.org", ["bob@example.net"])).messageId);
    }
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/helpers/delivery-worker.ts", dir, String(postfix.port)],
      { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent" } },
    );
    t.after(() => child.kill("SIGKILL"));
    await waitFor("the first deliveries", () => spool.messages().length <= count - 3, 30_000);
    child.kill("SIGKILL");
    await once(child, "exit");
    const left = spool.messages().length;
    assert.ok(left > 0, "killed before it finished (else the test proves nothing)");

    env.deliver({
      spool,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port: postfix.port },
    });
    await waitFor("an empty spool", () => spool.messages().length === 0, 30_000);
    const got = new Set(
      (await postfix.waitForMail("bob@example.net", count)).map(
        (m) => /^Message-ID: (\S+)$/m.exec(m.toString("utf8"))?.[1] as string,
      ),
    );
    assert.deepEqual(
      [...expected].filter((id) => !got.has(id)),
      [],
      "every spooled message arrived",
    );
  });

  test("a recipient that needs SMTPUTF8 bounces 5.6.7 at a hop without it, the others go; a hop with it gets it", async (t) => {
    const env = setup(t);
    const plain = await startNextHop(t, false);
    const spool = env.spool(tempDir(t, "delivery"));
    await spoolMessage(spool, "ana@example.org", ["bob@example.net", "josé@example.net"]);
    env.deliver({ spool, hostname: "porteiro.test", smarthost: { host: "127.0.0.1", port: plain.port } });
    const dsn = await waitFor("the DSN", () => plain.received.find((m) => m.from === ""));
    assert.deepEqual(dsn.to, ["ana@example.org"]);
    const status = dsnParts(Buffer.from(dsn.data.replace(/\r\n/g, "\n"))).get(
      "message/delivery-status",
    ) as string;
    assert.match(status, /^Final-Recipient: utf-8; josé@example\.net$/m);
    assert.match(status, /^Status: 5\.6\.7$/m);
    assert.match(status, /^Diagnostic-Code: X-Porteiro; 5\.6\.7 127\.0\.0\.1 does not offer SMTPUTF8/m);
    assert.doesNotMatch(status, /bob@/);
    const original = plain.received.filter((m) => m.from === "ana@example.org");
    assert.deepEqual(
      original.map((m) => m.to),
      [["bob@example.net"]],
      "bob's copy went, josé's never reached the hop",
    );
    await waitFor("an empty spool", () => spool.messages().length === 0);

    const capable = await startNextHop(t, true);
    const other = env.spool(tempDir(t, "delivery"));
    const sent = await spoolMessage(other, "ana@example.org", ["josé@example.net"]);
    env.deliver({
      spool: other,
      hostname: "porteiro.test",
      smarthost: { host: "127.0.0.1", port: capable.port },
    });
    const [delivered] = await waitFor("the message", () => capable.received.length > 0 && capable.received);
    assert.deepEqual(delivered?.to, ["josé@example.net"]);
    assert.equal(delivered?.smtpUtf8, true);
    assert.equal(delivered?.data, sent.raw.toString("utf8"));
  });
});

import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { requirePeers } from "../helpers/peers.js";
import {
  PASSWORD,
  RawSession,
  replies,
  requireSwaks,
  run,
  startTestService,
  swaks,
  swaksAuth,
  swaksSend,
  type TestService,
  USER,
} from "../helpers/submission.js";

/** Nothing in the index and no file left in the spool or its temp folder. */
function assertNothingSpooled(running: TestService): void {
  assert.equal(running.spool.messages().length, 0, "no message indexed");
  assert.deepEqual(
    readdirSync(running.spool.dir).filter((f) => f !== "tmp"),
    [],
    "no message file",
  );
  assert.deepEqual(readdirSync(join(running.spool.dir, "tmp")), [], "no temp file left");
}

test("no AUTH: MAIL FROM is answered 530 5.7.0", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t);
  const result = await swaks(running.service, "starttls", ["--from", USER, "--to", "bia@example.org"]);
  assert.notEqual(result.status, 0);
  assert.ok(replies(result.stdout).includes("530 5.7.0 Authentication required"), result.stdout);
  assertNothingSpooled(running);
});

test("AUTH before STARTTLS: not offered, not accepted, and MAIL FROM still needs it (530 5.7.0)", async (t) => {
  if (!requirePeers(t, ["openssl"])) return;
  const running = await startTestService(t);
  const session = await RawSession.open(running.service.starttls.port);
  t.after(() => session.close());
  assert.match(await session.reply(), /^220 /);
  session.send("EHLO client.example.net");
  const ehlo = await session.reply();
  assert.match(ehlo, /STARTTLS/);
  assert.doesNotMatch(ehlo, /AUTH/);
  session.send(`AUTH PLAIN ${Buffer.from(`\0${USER}\0${PASSWORD}`).toString("base64")}`);
  assert.match(await session.reply(), /^5\d\d /);
  session.send(`MAIL FROM:<${USER}>`);
  assert.equal(await session.reply(), "530 5.7.0 Authentication required");
  assertNothingSpooled(running);
});

test("spoofed MAIL FROM: 550 5.7.1", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t);
  const result = await swaks(running.service, "starttls", [
    ...swaksAuth("PLAIN"),
    "--from",
    "ceo@bank.example",
    "--to",
    "bia@example.org",
  ]);
  assert.equal(result.status, 23, result.stdout);
  assert.ok(
    replies(result.stdout).some((r) => r.startsWith("550 5.7.1 Sender address <ceo@bank.example> not owned")),
    result.stdout,
  );
  assertNothingSpooled(running);
});

test("unknown user and wrong password: 535 5.7.8", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t);
  for (const [user, password] of [
    ["nobody@example.net", PASSWORD],
    [USER, "not the password"],
  ] as const) {
    const result = await swaks(running.service, "tls", [
      ...swaksAuth("LOGIN", user, password),
      "--from",
      USER,
      "--to",
      "bia@example.org",
    ]);
    assert.equal(result.status, 28, result.stdout);
    assert.ok(replies(result.stdout).includes("535 5.7.8 Authentication credentials invalid"), result.stdout);
  }
  assertNothingSpooled(running);
});

test("repeated failed logins lock the account out (454 4.7.0), even with the right password", async (t) => {
  if (!requirePeers(t, ["python3", "openssl"])) return;
  const running = await startTestService(t, { auth_lockout: { failures: 3 } });
  const script = `
import smtplib, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), timeout=20, context=context) as client:
    client.ehlo()
    for password in ["wrong-1-password", "wrong-2-password", "wrong-3-password", "${PASSWORD}"]:
        code, text = client.docmd("AUTH", "PLAIN " + __import__("base64").b64encode(("\\0${USER}\\0" + password).encode()).decode())
        print(code, text.decode())
`;
  const result = await run("python3", ["-c", script, String(running.service.implicitTls.port)]);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split("\n"), [
    "535 5.7.8 Authentication credentials invalid",
    "535 5.7.8 Authentication credentials invalid",
    "535 5.7.8 Authentication credentials invalid",
    "454 4.7.0 Too many failed logins; try again later",
  ]);
});

/** swaks sending the bytes of `data` as they are, logged in. */
function sendRaw(running: TestService, name: string, data: string, mode: "starttls" | "tls" = "starttls") {
  const file = join(running.dataDir, name);
  writeFileSync(file, data, "latin1");
  return swaksSend(running.service, mode, ["--no-data-fixup", "--data", `@${file}`]);
}

/** Sends `data` as it is and expects the end of DATA answered with `reply` (its start), nothing spooled. */
async function assertRefusedData(
  running: TestService,
  data: string,
  reply: string,
  mode: "starttls" | "tls" = "starttls",
): Promise<void> {
  const result = await sendRaw(running, "refused.eml", data, mode);
  assert.equal(result.status, 26, result.stdout);
  assert.ok(
    replies(result.stdout).some((r) => r.startsWith(reply)),
    result.stdout,
  );
  assertNothingSpooled(running);
}

test("bare LF and bare CR in DATA (SMTP smuggling): refused 554 5.6.0, nothing spooled", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t);
  const smuggled = [
    // A bare-LF "end of data" followed by a second, smuggled transaction.
    `Subject: one\r\n\r\nhello\n.\nMAIL FROM:<ceo@bank.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n\r\nfake\r\n.\r\n`,
    `Subject: two\r\n\r\nhello\r.\r\nsmuggled\r\n.\r\n`,
    `Subject: three\r\n\r\nhello\r\n.\nsmuggled\r\n.\r\n`,
  ];
  for (const data of smuggled) {
    await assertRefusedData(running, data, "554 5.6.0 Bare CR or LF in message; lines must end with CRLF");
  }
});

test("a NUL before a line-starting dot (a next hop that drops NUL ends DATA there): 554 5.6.0, nothing spooled", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t);
  await assertRefusedData(
    running,
    "Subject: one\r\n\r\nhello\r\n\0.\r\nMAIL FROM:<ceo@bank.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n\r\nfake\r\n.\r\n",
    "554 5.6.0 NUL character in message (RFC 5322 2.3)",
  );
});

test("a line over 998 octets: 554 5.6.0, nothing spooled; 998 pass, and max_line_length lets longer ones through", async (t) => {
  if (!requireSwaks(t)) return;
  const message = (length: number) => `Subject: long\r\n\r\n${"x".repeat(length)}\r\n.\r\n`;
  const strict = await startTestService(t);
  await assertRefusedData(
    strict,
    message(999),
    "554 5.6.0 Line longer than 998 octets in message (RFC 5322 2.1.1)",
  );
  const fits = await sendRaw(strict, "fits.eml", message(998));
  assert.equal(fits.status, 0, fits.stdout);

  const lenient = await startTestService(t, { max_line_length: 5000 });
  const accepted = await sendRaw(lenient, "long.eml", message(4000));
  assert.equal(accepted.status, 0, accepted.stdout);
  assert.equal(lenient.spool.messages().length, 1);
});

test("RCPT flood: 452 4.5.3 past the per-message cap", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t, { max_recipients: 3 });
  const to = ["a", "b", "c", "d", "e"].map((n) => `${n}@example.org`).join(",");
  const result = await swaks(running.service, "starttls", [
    ...swaksAuth("PLAIN"),
    "--from",
    USER,
    "--to",
    to,
    "--quit-after",
    "RCPT",
  ]);
  const codes = replies(result.stdout).filter((r) => /^(250 Accepted|452)/.test(r));
  assert.deepEqual(codes, [
    "250 Accepted", // MAIL FROM
    "250 Accepted",
    "250 Accepted",
    "250 Accepted",
    "452 4.5.3 Too many recipients; at most 3 per message",
    "452 4.5.3 Too many recipients; at most 3 per message",
  ]);
});

test("oversize body: 552 5.3.4 whatever SIZE said, nothing spooled", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t, { max_message_size: 10_000 });
  await assertRefusedData(
    running,
    `Subject: big\r\n\r\n${`${"x".repeat(998)}\r\n`.repeat(30)}.\r\n`,
    "552 5.3.4 Message exceeds the fixed maximum size of 10000 bytes",
    "tls",
  );
});

test("slowloris: an idle client is cut off after the idle timeout", async (t) => {
  if (!requirePeers(t, ["openssl"])) return;
  const running = await startTestService(t, { idle_timeout: 1 });
  const session = await RawSession.open(running.service.starttls.port);
  t.after(() => session.close());
  assert.match(await session.reply(), /^220 /);
  session.send("EHLO client.example.net");
  assert.match(await session.reply(), /^250 /m);
  const started = Date.now();
  assert.match(await session.reply(5_000), /^421 /);
  assert.ok(await session.waitClosed(5_000), "the server closed the connection");
  const waited = Date.now() - started;
  assert.ok(waited >= 800 && waited < 4_000, `closed after ${waited} ms`);
});

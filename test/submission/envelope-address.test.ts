import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { envelopeAddress, inALabels, needsSmtpUtf8 } from "../../src/submission/envelope-address.js";
import { loggedIn, type RawSession, startTestService, USER } from "../helpers/submission.js";

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/).filter((l) => !/^..--/.test(l));
const domain = fc.tuple(label, fc.constantFrom("net", "org", "com.br")).map(([a, b]) => `${a}.${b}`);
const asciiLocal = fc.stringMatching(/^[a-z0-9._+-]{1,16}$/);
const utf8Local = fc
  .tuple(asciiLocal, fc.constantFrom("é", "ç", "ü", "名", "😀"), asciiLocal)
  .map(([a, b, c]) => a + b + c);

test("an ASCII address passes as it is, in either role, with or without SMTPUTF8", () => {
  fc.assert(
    fc.property(
      asciiLocal,
      domain,
      fc.boolean(),
      fc.constantFrom("sender", "recipient"),
      (l, d, utf8, role) => {
        assert.deepEqual(envelopeAddress(`${l}@${d}`, role as "sender", utf8), {
          ok: true,
          address: `${l}@${d}`,
        });
      },
    ),
  );
});

test("a non-ASCII local part needs SMTPUTF8 (553 5.6.7); a U-label domain is given in A-labels", () => {
  fc.assert(
    fc.property(utf8Local, domain, (l, d) => {
      const refused = envelopeAddress(`${l}@${d}`, "recipient", false);
      assert.ok(!refused.ok && refused.code === 553 && refused.text.startsWith("5.6.7 "));
      assert.deepEqual(envelopeAddress(`${l}@${d}`, "recipient", true), { ok: true, address: `${l}@${d}` });
      assert.ok(needsSmtpUtf8(`${l}@${d}`));
    }),
  );
  assert.equal(inALabels("bia@München.de"), "bia@xn--mnchen-3ya.de");
  assert.deepEqual(envelopeAddress("bia@münchen.de", "recipient", false), {
    ok: true,
    address: "bia@xn--mnchen-3ya.de",
  });
  assert.equal(inALabels("bia@[192.0.2.1]"), "bia@[192.0.2.1]");
});

test("an address holding U+FFFD (what invalid UTF-8 decodes to) is refused 501 whatever else it holds", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.boolean(), (before, after, utf8) => {
      const sender = envelopeAddress(`${before}\ufffd${after}`, "sender", utf8);
      const recipient = envelopeAddress(`${before}\ufffd${after}`, "recipient", utf8);
      assert.ok(!sender.ok && sender.code === 501 && sender.text.startsWith("5.1.7 "));
      assert.ok(!recipient.ok && recipient.code === 501 && recipient.text.startsWith("5.1.3 "));
    }),
  );
});

/** Sends a command as raw bytes (so that they may be invalid UTF-8) and returns the reply. */
async function command(session: RawSession, ...parts: (string | number[])[]): Promise<string> {
  session.send(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p)))));
  return session.reply();
}

test("on the wire: UTF-8 addresses only with SMTPUTF8, invalid UTF-8 refused, domains spooled in A-labels", async (t) => {
  const running = await startTestService(t);
  const session = await loggedIn(running.service.implicitTls.port);
  t.after(() => session.close());

  assert.match(await command(session, `MAIL FROM:<${USER}>`), /^250 /);
  assert.equal(
    await command(session, "RCPT TO:<josé@example.org>"),
    "553 5.6.7 A non-ASCII address needs SMTPUTF8 on MAIL FROM (RFC 6531)",
  );
  assert.match(await command(session, "RSET"), /^250 /);
  assert.equal(
    await command(session, "MAIL FROM:<josé@ana.example>"),
    "553 5.6.7 A non-ASCII address needs SMTPUTF8 on MAIL FROM (RFC 6531)",
    "a sender pattern matching it does not make it fit to relay",
  );
  assert.equal(
    await command(session, "MAIL FROM:<an", [0xff], "@ana.example> SMTPUTF8"),
    "501 5.1.7 Address is not valid UTF-8",
  );

  assert.match(await command(session, `MAIL FROM:<${USER}> SMTPUTF8`), /^250 /);
  assert.equal(
    await command(session, "RCPT TO:<jos", [0xc3], "@example.org>"),
    "501 5.1.3 Address is not valid UTF-8",
  );
  assert.match(await command(session, "RCPT TO:<josé@example.org>"), /^250 /);
  assert.match(await command(session, "RCPT TO:<bia@xn--mnchen-3ya.de>"), /^250 /);
  assert.match(await command(session, "RCPT TO:<caio@münchen.de>"), /^250 /);
  assert.match(await command(session, "DATA"), /^354 /);
  assert.match(await command(session, "Subject: olá\r\n\r\noi\r\n."), /^250 /);

  const [message] = running.spool.messages();
  assert.ok(message);
  assert.deepEqual(
    running.spool
      .recipients(message.id)
      .map((r) => r.recipient)
      .sort(),
    ["bia@xn--mnchen-3ya.de", "caio@xn--mnchen-3ya.de", "josé@example.org"],
  );
});

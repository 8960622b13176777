import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, type KeyObject, verify } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fromAddress, loadDkimKeys } from "../../src/submission/dkim.js";
import { requireSwaks, startTestService, swaks, swaksAuth, USER } from "../helpers/submission.js";
import { tempDir } from "../helpers/tmp.js";

// An independent check of RFC 6376 relaxed/relaxed rsa-sha256, written from the RFC, not from the signer.
const relaxedBody = (body: string) => {
  const lines = body.split("\r\n").map((line) => line.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.length === 0 ? "" : `${lines.join("\r\n")}\r\n`;
};

const relaxedHeader = (field: string) => {
  const colon = field.indexOf(":");
  const value = field
    .slice(colon + 1)
    .replace(/\r\n/g, "")
    .replace(/[ \t]+/g, " ")
    .trim();
  return `${field.slice(0, colon).trim().toLowerCase()}:${value}`;
};

/** Verifies the topmost DKIM-Signature of a message against `publicKey`; returns its tags. */
function verifyDkim(message: string, publicKey: KeyObject): Map<string, string> {
  const split = message.indexOf("\r\n\r\n");
  const fields = message
    .slice(0, split + 2)
    .split(/\r\n(?![ \t])/)
    .filter(Boolean);
  const signature = fields.find((f) => /^dkim-signature:/i.test(f));
  assert.ok(signature, "a DKIM-Signature field");
  const tags = new Map(
    signature
      .slice(signature.indexOf(":") + 1)
      .replace(/\s+/g, "")
      .split(";")
      .filter(Boolean)
      .map((tag) => [tag.slice(0, tag.indexOf("=")), tag.slice(tag.indexOf("=") + 1)] as [string, string]),
  );
  assert.equal(tags.get("a"), "rsa-sha256");
  assert.equal(tags.get("c"), "relaxed/relaxed");
  const bodyHash = createHash("sha256")
    .update(relaxedBody(message.slice(split + 4)), "utf8")
    .digest("base64");
  assert.equal(tags.get("bh"), bodyHash, "body hash");
  const unused = [...fields];
  let data = "";
  for (const name of (tags.get("h") ?? "").split(":")) {
    // The last instance not yet used, bottom up (RFC 6376 §5.4.2).
    let at = unused.length - 1;
    while (at >= 0 && !(unused[at] as string).toLowerCase().startsWith(`${name.toLowerCase()}:`)) at--;
    if (at === -1) continue;
    data += `${relaxedHeader(unused[at] as string)}\r\n`;
    unused.splice(at, 1);
  }
  data += relaxedHeader(signature.replace(/(\bb=)[^;]*$/, "$1"));
  const ok = verify(
    "sha256",
    Buffer.from(data, "utf8"),
    publicKey,
    Buffer.from(tags.get("b") ?? "", "base64"),
  );
  assert.ok(ok, "the signature verifies");
  return tags;
}

function keyPair(dir: string) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const file = join(dir, "example.net.key");
  writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }));
  return { file, publicKey };
}

test("mail whose From: domain has a key is signed before spooling; the signature verifies independently", async (t) => {
  if (!requireSwaks(t)) return;
  const keys = tempDir(t, "dkim-keys");
  const { file, publicKey } = keyPair(keys);
  const { service, spool, dataDir } = await startTestService(t, {
    dkim: [{ domain: "Example.NET", selector: "s2026", private_key_file: file }],
  });
  const body =
    "From: Ana <ana@example.net>\r\nTo: bia@example.org\r\nSubject:  spaced   out \r\n\r\n" +
    "line  with  spaces \t\r\n\r\nlast line\r\n\r\n\r\n";
  const data = join(dataDir, "message.eml");
  writeFileSync(data, `${body}.\r\n`);
  const sent = (from: string, message: string) =>
    swaks(service, "starttls", [
      ...swaksAuth("PLAIN"),
      "--from",
      from,
      "--to",
      "bia@example.org",
      "--no-data-fixup",
      "--data",
      message,
    ]);
  assert.equal((await sent(USER, `@${data}`)).status, 0);

  const [message] = spool.messages();
  assert.ok(message);
  const text = readFileSync(spool.pathOf(message.id), "utf8");
  assert.match(text, /^DKIM-Signature: /, "the signature leads the message");
  assert.ok(text.endsWith(body), "the client's bytes follow unchanged");
  const tags = verifyDkim(text, publicKey);
  assert.equal(tags.get("d"), "example.net");
  assert.equal(tags.get("s"), "s2026");
  const signed = (tags.get("h") ?? "").toLowerCase().split(":");
  for (const name of ["from", "to", "subject", "date", "message-id"]) assert.ok(signed.includes(name), name);
  assert.ok(!signed.includes("received"));
  assert.throws(() => verifyDkim(text.replace("last line", "last  line!"), publicKey), /body hash/);
  assert.throws(() => verifyDkim(text.replace("spaced", "spiced"), publicKey), /verifies/);

  // No key for the domain, or a From: the user does not own: the message goes unsigned.
  for (const from of ["sales@ana.example", "ceo@example.net"]) {
    spool.remove(message.id, true);
    const other = join(dataDir, "other.eml");
    writeFileSync(other, `From: <${from}>\r\nSubject: x\r\n\r\nhi\r\n.\r\n`);
    assert.equal((await sent(from === "ceo@example.net" ? USER : from, `@${other}`)).status, 0);
    const [unsigned] = spool.messages().filter((m) => m.id !== message.id);
    assert.ok(unsigned);
    assert.doesNotMatch(readFileSync(spool.pathOf(unsigned.id), "utf8"), /^DKIM-Signature:/im, from);
    spool.remove(unsigned.id, true);
  }
});

test("fromAddress reads the first mailbox of a folded From: field", () => {
  assert.equal(fromAddress('Subject: x\r\nFrom: "Ana, A." <Ana@Example.NET>\r\n'), "ana@example.net");
  assert.equal(fromAddress("From:\r\n\tana@example.net (Ana)\r\n"), "ana@example.net");
  assert.equal(fromAddress("X-From: ana@example.net\r\n"), undefined);
  assert.equal(fromAddress("From: undisclosed-recipients:;\r\n"), undefined);
});

test("a DKIM key file that is missing or not RSA is a one-line error", (t) => {
  const dir = tempDir(t, "dkim-bad");
  const { privateKey } = generateKeyPairSync("ed25519");
  const ed = join(dir, "ed.key");
  writeFileSync(ed, privateKey.export({ type: "pkcs8", format: "pem" }));
  const entry = (file: string) => [{ domain: "example.net", selector: "s1", private_key_file: file }];
  assert.throws(
    () => loadDkimKeys(entry(join(dir, "none.key"))),
    /none\.key: cannot use it as the DKIM key of example\.net/,
  );
  assert.throws(() => loadDkimKeys(entry(ed)), /not an RSA key/);
});

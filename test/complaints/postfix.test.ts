/**
 * Reports as a real MTA delivers them: a private Postfix on loopback (see test/helpers/postfix.ts;
 * needs postfix and root) receives ARF and X-ARF reports over SMTP and writes them to a Maildir,
 * adding its own Return-Path, Delivered-To and Received fields and its line endings; the
 * import reads what Postfix wrote.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createTransport } from "nodemailer";
import { importComplaints, listComplaints } from "../../src/complaints/index.js";
import { openStore } from "../../src/store/index.js";
import { startPostfix } from "../helpers/postfix.js";
import { tempDir } from "../helpers/tmp.js";

const ABUSE = "abuse@example.net";
const REPORTS = ["arf-ipv6-headers-only.eml", "arf-ipv6-same-message.eml", "xarf4-mail.eml", "not-arf.eml"];

test("reports delivered by Postfix to a Maildir import like the originals", async (t) => {
  const postfix = await startPostfix(t, { mailboxes: [ABUSE] });
  if (!postfix) return;
  const transport = createTransport({
    host: "127.0.0.1",
    port: postfix.port,
    tls: { rejectUnauthorized: false },
  });
  t.after(() => transport.close());
  for (const name of REPORTS) {
    await transport.sendMail({
      envelope: { from: "fbl@mx.example.org", to: [ABUSE] },
      raw: readFileSync(join("test/fixtures/complaints", name)),
    });
  }
  const delivered = await postfix.waitForMail(ABUSE, REPORTS.length);
  assert.ok(delivered.every((m) => m.toString().startsWith("Return-Path: <fbl@mx.example.org>\n")));

  // The messages as Postfix's virtual(8) wrote them, laid out as the Maildir it keeps them in.
  const maildir = join(tempDir(t, "postfix-maildir"), "abuse");
  mkdirSync(join(maildir, "new"), { recursive: true });
  for (const [i, message] of delivered.entries()) {
    writeFileSync(join(maildir, "new", `${1767261600 + i}.V801I${i}.postfix.test`), message);
  }

  const data = tempDir(t, "postfix-complaints");
  const store = openStore(data);
  t.after(() => store.close());
  const result = await importComplaints(store, data, maildir);
  assert.deepEqual(
    [result.items, result.imported, result.duplicates, result.rejected],
    [4, 2, 1, 1],
    JSON.stringify(result.rejections),
  );
  assert.match(result.rejections[0]?.reason as string, /^not an abuse report/);
  assert.deepEqual(
    listComplaints(store).map((c) => [c.sourceIp, c.feedbackType, c.duplicates]),
    [
      ["203.0.113.77", "messaging/spam", 0],
      ["2001:db8:1:1ab::5", "abuse", 1],
    ],
  );
});

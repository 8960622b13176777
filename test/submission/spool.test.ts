import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { Spool } from "../../src/submission/index.js";
import { tempDir } from "../helpers/tmp.js";

const ENVELOPE = {
  username: "ana@example.net",
  mailFrom: "ana@example.net",
  recipients: ["bob@example.org", "carla@example.com"],
  clientAddress: "127.0.0.1",
};

function spoolIn(t: import("node:test").TestContext) {
  const data = tempDir(t, "spool");
  const db = openStore(data);
  t.after(() => db.close());
  return { data, db, spool: new Spool(db, data) };
}

test("a committed message is a complete file plus one row per recipient", async (t) => {
  const { spool } = spoolIn(t);
  const writer = await spool.create();
  await writer.write(Buffer.from("Subject: hi\r\n\r\n"));
  await writer.write(Buffer.from("body\r\n"));
  const message = await writer.commit(ENVELOPE);
  assert.equal(readFileSync(spool.pathOf(message.id), "utf8"), "Subject: hi\r\n\r\nbody\r\n");
  assert.equal(message.size, 21);
  assert.deepEqual(
    spool.recipients(message.id).map((r) => [r.recipient, r.state, r.attempts]),
    [
      ["bob@example.org", "queued", 0],
      ["carla@example.com", "queued", 0],
    ],
  );
  assert.deepEqual(readdirSync(join(spool.dir, "tmp")), []);
  assert.equal(spool.due(new Date(), 10).length, 2);
});

test("an aborted message leaves nothing behind", async (t) => {
  const { spool } = spoolIn(t);
  const writer = await spool.create();
  await writer.write(Buffer.from("partial"));
  await writer.abort();
  assert.deepEqual(readdirSync(join(spool.dir, "tmp")), []);
  assert.deepEqual(spool.messages(), []);
});

test("recover removes temp files and spool files that were never indexed, and keeps the rest", async (t) => {
  const { spool } = spoolIn(t);
  const kept = await (await spool.create()).commit(ENVELOPE);
  writeFileSync(join(spool.dir, "tmp", "crashed.eml"), "half a message");
  writeFileSync(join(spool.dir, "unindexed.eml"), "renamed, never indexed");
  assert.deepEqual(spool.recover(), { tempFiles: 1, orphans: 1 });
  assert.ok(existsSync(spool.pathOf(kept.id)));
  assert.ok(!existsSync(join(spool.dir, "unindexed.eml")));
  assert.equal(spool.messages().length, 1);
});

test("held messages are not due; outcomes are recorded per recipient; finished messages can be removed", async (t) => {
  const { spool } = spoolIn(t);
  const held = await (await spool.create()).commit(
    ENVELOPE,
    "recipients spread over 40 domains in 10 minutes",
  );
  assert.equal(held.held, true);
  assert.equal(spool.due(new Date(), 10).length, 0);
  spool.setHeld(held.id, null);
  assert.equal(spool.due(new Date(), 10).length, 2);
  const later = new Date(Date.now() + 60_000);
  spool.record(held.id, "bob@example.org", { state: "queued", error: "451 try later", nextAttemptAt: later });
  spool.record(held.id, "carla@example.com", { state: "delivered" });
  assert.equal(spool.due(new Date(), 10).length, 0);
  assert.equal(spool.remove(held.id), false, "a queued recipient keeps the message");
  spool.record(held.id, "bob@example.org", { state: "bounced", error: "550 no such user" });
  assert.equal(spool.recipients(held.id)[0]?.attempts, 2);
  assert.equal(spool.remove(held.id), true);
  assert.ok(!existsSync(spool.pathOf(held.id)));
});

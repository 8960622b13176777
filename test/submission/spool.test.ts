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
  const first = await spool.settle(held.id, [
    { recipient: "bob@example.org", state: "queued", error: "451 try later", nextAttemptAt: later },
    { recipient: "carla@example.com", state: "delivered" },
  ]);
  assert.deepEqual(first, { queued: 1, removed: false });
  assert.equal(spool.due(new Date(), 10).length, 0);
  assert.equal(spool.remove(held.id), false, "a queued recipient keeps the message");
  const second = await spool.settle(held.id, [
    { recipient: "bob@example.org", state: "bounced", error: "550 no such user" },
  ]);
  assert.deepEqual(second, { queued: 0, removed: false }, "a failure stays for the DSN");
  assert.equal(spool.recipients(held.id)[0]?.attempts, 2);
  assert.equal(spool.remove(held.id), true);
  assert.ok(!existsSync(spool.pathOf(held.id)));
});

test("a message whose recipients were all delivered leaves the spool with its last outcome", async (t) => {
  const { spool } = spoolIn(t);
  const message = await (await spool.create()).commit(ENVELOPE);
  const settled = await spool.settle(
    message.id,
    ENVELOPE.recipients.map((recipient) => ({ recipient, state: "delivered" as const })),
  );
  assert.deepEqual(settled, { queued: 0, removed: true });
  assert.equal(spool.message(message.id), undefined);
  assert.deepEqual(spool.recipients(message.id), []);
  assert.ok(!existsSync(spool.pathOf(message.id)));
});

test("messages committed together are each indexed, and one failed index row fails only its own commit", async (t) => {
  const { spool } = spoolIn(t);
  const writers = await Promise.all(Array.from({ length: 40 }, () => spool.create()));
  for (const writer of writers) await writer.write(Buffer.from("Subject: x\r\n\r\nbody\r\n"));
  // NOT NULL on username: this one row cannot be inserted.
  const broken = { ...ENVELOPE, username: null as unknown as string };
  const results = await Promise.allSettled(
    writers.map((writer, i) => writer.commit(i === 7 ? broken : ENVELOPE)),
  );
  assert.equal(results.filter((r) => r.status === "rejected").length, 1);
  assert.equal(results[7]?.status, "rejected");
  const accepted = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  assert.equal(accepted.length, 39);
  for (const message of accepted)
    assert.equal(spool.recipients(message.id).length, ENVELOPE.recipients.length);
  assert.equal(spool.messages().length, 39);
  assert.equal(
    readdirSync(spool.dir).filter((f) => f.endsWith(".eml")).length,
    39,
    "the refused file is gone",
  );
});

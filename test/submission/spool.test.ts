import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { type IndexEntry, Spool, WHOLE_LIMIT } from "../../src/submission/index.js";
import { RECOVER_MIN_AGE_MS } from "../../src/submission/spool.js";
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

test("a message past WHOLE_LIMIT goes to a temp file as it arrives; committed or aborted, it ends the same", async (t) => {
  const { spool } = spoolIn(t);
  const part = Buffer.alloc(WHOLE_LIMIT, "a");
  const big = await spool.create();
  await big.write(Buffer.from("Subject: big\r\n\r\n"));
  await big.write(part);
  await big.write(part);
  assert.equal(readdirSync(join(spool.dir, "tmp")).length, 1, "written before the commit");
  const message = await big.commit(ENVELOPE);
  assert.deepEqual(
    readFileSync(spool.pathOf(message.id)),
    Buffer.concat([Buffer.from("Subject: big\r\n\r\n"), part, part]),
  );
  assert.equal(message.size, 2 * WHOLE_LIMIT + "Subject: big\r\n\r\n".length);
  const dropped = await spool.create();
  await dropped.write(part);
  await dropped.write(part);
  await dropped.abort();
  assert.deepEqual(readdirSync(join(spool.dir, "tmp")), []);
  assert.equal(spool.messages().length, 1);
});

test("a small message goes whole to the store hand-off; a large one's file is written here and only indexed there", async (t) => {
  const data = tempDir(t, "spool");
  const db = openStore(data);
  t.after(() => db.close());
  const stored: { entry: IndexEntry; content: Buffer }[] = [];
  const indexed: IndexEntry[] = [];
  const local = new Spool(db, data);
  const spool = new Spool(db, data, {
    store: async (entry, content) => {
      stored.push({ entry, content });
      await local.store(entry, content);
    },
    index: async (entry) => {
      indexed.push(entry);
      await local.index(entry);
    },
  });
  const small = await spool.create();
  await small.write(Buffer.from("Subject: small\r\n\r\n"));
  await small.write(Buffer.from("body\r\n"));
  const first = await small.commit(ENVELOPE);
  assert.equal(stored.length, 1);
  assert.equal(stored[0]?.content.toString(), "Subject: small\r\n\r\nbody\r\n");
  assert.equal(stored[0]?.content.byteLength, stored[0]?.content.buffer.byteLength, "owns its memory");
  assert.equal(readFileSync(spool.pathOf(first.id), "utf8"), "Subject: small\r\n\r\nbody\r\n");
  const large = await spool.create();
  await large.write(Buffer.alloc(WHOLE_LIMIT + 1, "b"));
  const second = await large.commit(ENVELOPE);
  assert.deepEqual(
    indexed.map((e) => e.id),
    [second.id],
  );
  assert.equal(statSync(spool.pathOf(second.id)).size, WHOLE_LIMIT + 1);
  assert.equal(spool.recipients(first.id).length + spool.recipients(second.id).length, 4);
});

test("with spare files, a delivered message's file is written over by the next message, cut to its length", async (t) => {
  const data = tempDir(t, "spool");
  const db = openStore(data);
  t.after(() => db.close());
  const spool = new Spool(db, data, { spareFiles: 1 });
  const commit = async (text: string) => {
    const writer = await spool.create();
    await writer.write(Buffer.from(text));
    return writer.commit(ENVELOPE);
  };
  const delivered = ENVELOPE.recipients.map((recipient) => ({ recipient, state: "delivered" as const }));
  const long = await commit(`Subject: long\r\n\r\n${"x".repeat(5000)}\r\n`);
  const inode = statSync(spool.pathOf(long.id)).ino;
  const other = await commit("Subject: other\r\n\r\nbody\r\n");
  await spool.settle(long, delivered);
  await spool.settle(other, delivered);
  assert.ok(!existsSync(spool.pathOf(long.id)));
  assert.deepEqual(readdirSync(join(spool.dir, "tmp")), [`${long.id}.spare`], "one kept, the other deleted");
  const short = await commit("Subject: short\r\n\r\nhi\r\n");
  assert.equal(statSync(spool.pathOf(short.id)).ino, inode, "the same file");
  assert.equal(readFileSync(spool.pathOf(short.id), "utf8"), "Subject: short\r\n\r\nhi\r\n");
  assert.deepEqual(readdirSync(join(spool.dir, "tmp")), []);
});

test("outcomes covering every recipient: all delivered deletes the message at once; anything else is recorded", async (t) => {
  const { spool } = spoolIn(t);
  const delivered = await (await spool.create()).commit(ENVELOPE);
  assert.deepEqual(
    await spool.settle(
      delivered,
      ENVELOPE.recipients.map((recipient) => ({ recipient, state: "delivered" as const })),
      true,
    ),
    { queued: 0, removed: true },
  );
  assert.equal(spool.message(delivered.id), undefined);
  assert.deepEqual(spool.recipients(delivered.id), [], "the recipient rows went with it");
  const mixed = await (await spool.create()).commit(ENVELOPE);
  const later = new Date(Date.now() + 60_000);
  assert.deepEqual(
    await spool.settle(
      mixed,
      [
        { recipient: "bob@example.org", state: "delivered" },
        { recipient: "carla@example.com", state: "queued", error: "451 later", nextAttemptAt: later },
      ],
      true,
    ),
    { queued: 1, removed: false },
  );
  assert.deepEqual(
    spool.recipients(mixed.id).map((r) => [r.recipient, r.state]),
    [
      ["bob@example.org", "delivered"],
      ["carla@example.com", "queued"],
    ],
  );
});

/** A moment when files written now count as a crash's leftovers. */
const afterRecoverAge = () => Date.now() + RECOVER_MIN_AGE_MS + 1000;

test("recover leaves spare files; a spool takes up to its limit of them and deletes the rest", async (t) => {
  const { data, db, spool } = spoolIn(t);
  for (const name of ["a", "b", "c"]) writeFileSync(join(spool.dir, "tmp", `${name}.spare`), name.repeat(10));
  writeFileSync(join(spool.dir, "tmp", "crashed.eml"), "half a message");
  assert.deepEqual(spool.recover(afterRecoverAge()), { tempFiles: 1, orphans: 0 });
  assert.equal(readdirSync(join(spool.dir, "tmp")).length, 3);
  const recycling = new Spool(db, data, { spareFiles: 2 });
  assert.equal(readdirSync(join(spool.dir, "tmp")).length, 2);
  const writer = await recycling.create();
  await writer.write(Buffer.from("new"));
  const message = await writer.commit(ENVELOPE);
  assert.equal(readFileSync(recycling.pathOf(message.id), "utf8"), "new");
  assert.equal(readdirSync(join(spool.dir, "tmp")).length, 1);
});

test("recover removes temp files and spool files that were never indexed, and keeps the rest", async (t) => {
  const { spool } = spoolIn(t);
  const kept = await (await spool.create()).commit(ENVELOPE);
  writeFileSync(join(spool.dir, "tmp", "crashed.eml"), "half a message");
  writeFileSync(join(spool.dir, "unindexed.eml"), "renamed, never indexed");
  assert.deepEqual(
    spool.recover(),
    { tempFiles: 0, orphans: 0 },
    "files just written may be another process's, still being indexed",
  );
  assert.deepEqual(spool.recover(afterRecoverAge()), { tempFiles: 1, orphans: 1 });
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
  const first = await spool.settle(held, [
    { recipient: "bob@example.org", state: "queued", error: "451 try later", nextAttemptAt: later },
    { recipient: "carla@example.com", state: "delivered" },
  ]);
  assert.deepEqual(first, { queued: 1, removed: false });
  assert.equal(spool.due(new Date(), 10).length, 0);
  assert.equal(spool.remove(held.id), false, "a queued recipient keeps the message");
  const second = await spool.settle(held, [
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
    message,
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

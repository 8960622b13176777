import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { Spool, SubmissionMetrics, startQueueManager } from "../../src/submission/index.js";
import { startPostfix } from "../helpers/postfix.js";
import { tempDir } from "../helpers/tmp.js";

const logger = createLogger("test");

test("the queue thread spools and indexes each message before answering and delivers it to the smarthost", async (t) => {
  const postfix = await startPostfix(t, { mailboxes: ["bob@example.org", "eve@example.org"] });
  if (!postfix) return;
  const dir = tempDir(t, "queue-manager-");
  const metrics = new SubmissionMetrics();
  const queue = await startQueueManager(
    {
      dataDir: dir,
      hostname: "submission.example.net",
      smarthost: { host: "127.0.0.1", port: postfix.port },
      concurrency: 10,
      connectionsPerDestination: 2,
      lifetimeMs: 3_600_000,
      logLevel: "silent",
    },
    { logger, metrics },
  );
  const db = openStore(dir);
  t.after(() => db.close());
  const spool = new Spool(db, dir, {
    index: (entry) => queue.index(entry),
    store: (entry, content) => queue.store(entry, content),
  });
  // Bob's message is small and moves whole to the thread; Eve's is past WHOLE_LIMIT, so its file
  // is written here and only its rows go to the thread.
  const padding = { "bob@example.org": "", "eve@example.org": `${"z".repeat(998)}\r\n`.repeat(70) };
  try {
    const ids: string[] = [];
    for (const to of ["bob@example.org", "eve@example.org"] as const) {
      const writer = await spool.create();
      await writer.write(
        Buffer.from(
          `From: ana@example.net\r\nTo: ${to}\r\nSubject: via the queue thread\r\n\r\n${padding[to]}hello ${to}\r\n`,
        ),
      );
      const message = await writer.commit({
        username: "ana@example.net",
        mailFrom: "ana@example.net",
        recipients: [to],
        clientAddress: "192.0.2.7",
      });
      // Committed means indexed: this thread's own connection sees the row at once.
      assert.equal(spool.message(message.id)?.mailFrom, "ana@example.net");
      ids.push(message.id);
    }
    // A held message stays; indexing it again fails in the thread and the caller hears why.
    const held = {
      id: "held-twice",
      envelope: {
        username: "ana@example.net",
        mailFrom: "ana@example.net",
        recipients: ["bob@example.org"],
        clientAddress: "192.0.2.7",
      },
      size: 10,
      receivedAt: new Date().toISOString(),
      hold: "test",
    };
    await queue.index(held);
    await assert.rejects(queue.index(held), /UNIQUE/);
    assert.equal(spool.message("held-twice")?.held, true);
    const [bob] = await postfix.waitForMail("bob@example.org", 1);
    const [eve] = await postfix.waitForMail("eve@example.org", 1);
    assert.match(bob?.toString() ?? "", /hello bob@example\.org/);
    assert.match(eve?.toString() ?? "", /hello eve@example\.org/);
    const lf = (text: string) => text.replaceAll("\r\n", "\n");
    assert.ok(
      lf(eve?.toString() ?? "").includes(lf(padding["eve@example.org"])),
      "the large message arrives whole",
    );
    for (let i = 0; i < 100 && spool.messages().length > 1; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      spool.messages().map((m) => m.id),
      ["held-twice"],
      "delivered messages leave the spool; the held one stays",
    );
    const delivered = (await metrics.registry.getSingleMetricAsString("porteiro_submission_deliveries_total"))
      .split("\n")
      .find((line) => line.includes('outcome="delivered"'));
    assert.match(delivered ?? "", / 2$/, "the thread's outcomes reach the metrics of the main thread");
  } finally {
    await queue.stop();
  }
  await assert.rejects(
    queue.index({
      id: "x",
      envelope: { username: "a", mailFrom: "a", recipients: ["b@example.org"], clientAddress: "192.0.2.1" },
      size: 1,
      receivedAt: new Date().toISOString(),
      hold: undefined,
    }),
    /not running/,
    "after stop nothing is acknowledged",
  );
});

test("a commit that cannot be handed to the queue thread is refused alone, and the thread goes on", async (t) => {
  const dir = tempDir(t, "queue-manager-");
  const queue = await startQueueManager(
    {
      dataDir: dir,
      hostname: "submission.example.net",
      // Nothing here is delivered: the messages are held.
      smarthost: { host: "127.0.0.1", port: 9 },
      concurrency: 1,
      connectionsPerDestination: 1,
      lifetimeMs: 3_600_000,
      logLevel: "silent",
    },
    { logger, metrics: new SubmissionMetrics() },
  );
  t.after(() => queue.stop());
  const entry = (id: string, clientAddress: unknown) => ({
    id,
    envelope: {
      username: "ana@example.net",
      mailFrom: "ana@example.net",
      recipients: ["bob@example.org"],
      clientAddress: clientAddress as string,
    },
    size: 1,
    receivedAt: new Date().toISOString(),
    hold: "test",
  });
  // A function cannot be copied to another thread: postMessage throws for the whole batch.
  await assert.rejects(queue.index(entry("broken", () => undefined)), { name: "DataCloneError" });
  await queue.index(entry("fine", "192.0.2.7"));
  const db = openStore(dir);
  t.after(() => db.close());
  assert.deepEqual(
    new Spool(db, dir).messages().map((m) => m.id),
    ["fine"],
  );
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { Spool } from "../../src/submission/index.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

/** Spools one message to two recipients and records a failed attempt for one of them. */
async function spoolOne(dir: string): Promise<string> {
  const db = openStore(dir);
  try {
    const spool = new Spool(db, dir);
    const writer = await spool.create();
    await writer.write(Buffer.from("Subject: hi\r\n\r\nhello\r\n"));
    const message = await writer.commit({
      username: "ana@example.org",
      mailFrom: "ana@example.org",
      recipients: ["bob@example.net", "later@example.net"],
      clientAddress: "192.0.2.10",
    });
    await spool.settle(message, [
      { recipient: "bob@example.net", state: "delivered", error: "250 2.0.0 Ok" },
      {
        recipient: "later@example.net",
        state: "queued",
        error: "450 4.2.0 try again later",
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      },
    ]);
    return message.id;
  } finally {
    db.close();
  }
}

test("queue list, show, hold, release, retry and delete", async (t) => {
  const dir = tempDir(t, "queue");
  const id = await spoolOne(dir);

  const listed = porteiro(["queue", "list", "--data", dir, "--format", "json"]);
  assert.equal(listed.status, 0, listed.stderr);
  const [row] = JSON.parse(listed.stdout);
  assert.equal(row.id, id);
  assert.equal(row.user, "ana@example.org");
  assert.equal(row.from, "ana@example.org");
  assert.equal(row.held, false);
  assert.deepEqual(
    row.recipients.map((r: { address: string; state: string; attempts: number }) => [
      r.address,
      r.state,
      r.attempts,
    ]),
    [
      ["bob@example.net", "delivered", 1],
      ["later@example.net", "queued", 1],
    ],
  );

  const table = porteiro(["queue", "list", "--data", dir]);
  assert.match(
    table.stdout,
    /^id\s+user\s+from\s+size\s+age\s+recipients\s+attempts\s+next attempt\s+held$/m,
  );
  assert.match(table.stdout, /ana@example\.org\s+\d+ B\s+0m\s+bob@/);
  assert.match(table.stdout, /bob@example\.net \(delivered\), later@example\.net \(queued\)/);

  const csv = porteiro(["queue", "list", "--data", dir, "--format", "csv"]);
  assert.match(csv.stdout, /^id,user,from,recipients,attempts,next_attempt_at,held,size,received_at$/m);
  assert.match(csv.stdout, new RegExp(`^${id},ana@example.org,ana@example.org,`, "m"));

  const shown = porteiro(["queue", "show", id, "--data", dir]);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /^later@example\.net\s+queued\s+1\s+\S+\s+450 4\.2\.0 try again later$/m);

  assert.equal(porteiro(["queue", "hold", id, "--data", dir, "--reason", "looks odd"]).status, 0);
  const held = JSON.parse(porteiro(["queue", "list", "--data", dir, "--format", "json"]).stdout)[0];
  assert.equal(held.held, true);
  assert.equal(held.hold_reason, "looks odd");
  assert.equal(porteiro(["queue", "release", id, "--data", dir]).status, 0);
  assert.equal(
    JSON.parse(porteiro(["queue", "list", "--data", dir, "--format", "json"]).stdout)[0].held,
    false,
  );

  const retried = porteiro(["queue", "retry", "--data", dir]);
  assert.equal(retried.stdout, "1 recipient due now\n");
  const due = JSON.parse(porteiro(["queue", "show", id, "--data", dir, "--format", "json"]).stdout);
  const later = due.recipients.find((r: { address: string }) => r.address === "later@example.net");
  assert.ok(Date.parse(later.next_attempt_at) <= Date.now());

  const missing = porteiro(["queue", "delete", "nosuchid", "--data", dir]);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, "no message nosuchid in the queue\n");
  assert.doesNotMatch(missing.stderr, STACK_LINE);
  const unselected = porteiro(["queue", "delete", "--data", dir]);
  assert.equal(unselected.status, 1, "delete needs an id or a selection");
  assert.match(
    unselected.stderr,
    /^give a message id, or select with --all, --from ADDRESS or --older-than DURATION\n$/,
  );

  assert.equal(porteiro(["queue", "delete", id, "--data", dir]).stdout, `deleted ${id}\n`);
  assert.equal(porteiro(["queue", "list", "--data", dir]).stdout, "the queue is empty\n");
  assert.equal(existsSync(`${dir}/spool/${id}.eml`), false);
});

test("bulk queue operations: hold, release and delete by --all, --from and --older-than", async (t) => {
  const dir = tempDir(t, "queue");
  const ids = [await spoolOne(dir), await spoolOne(dir)];
  const db = openStore(dir);
  // One message of another sender, received two days ago.
  db.prepare("UPDATE spool_messages SET username = ?, mail_from = ?, received_at = ? WHERE id = ?").run(
    "bia@example.org",
    "bia@example.org",
    new Date(Date.now() - 2 * 86_400_000).toISOString(),
    ids[1],
  );
  db.close();
  const heldOf = () =>
    Object.fromEntries(
      JSON.parse(porteiro(["queue", "list", "--data", dir, "--format", "json"]).stdout).map(
        (row: { id: string; held: boolean }) => [row.id, row.held],
      ),
    );

  assert.equal(
    porteiro(["queue", "hold", "--from", "BIA@example.org", "--data", dir]).stdout,
    "held 1 message\n",
  );
  assert.deepEqual(heldOf(), { [ids[0] as string]: false, [ids[1] as string]: true });
  assert.equal(porteiro(["queue", "hold", "--all", "--data", dir]).stdout, "held 2 messages\n");
  assert.equal(
    porteiro(["queue", "release", "--older-than", "1d", "--data", dir]).stdout,
    "released 1 message\n",
  );
  assert.deepEqual(heldOf(), { [ids[0] as string]: true, [ids[1] as string]: false });

  const both = porteiro(["queue", "delete", ids[0] as string, "--all", "--data", dir]);
  assert.equal(both.status, 1);
  assert.equal(both.stderr, "give a message id or --all/--from/--older-than, not both\n");
  const badAge = porteiro(["queue", "delete", "--older-than", "soon", "--data", dir]);
  assert.equal(badAge.status, 1);
  assert.match(badAge.stderr, /expected a duration such as 90m, 12h or 3d/);

  assert.equal(
    porteiro(["queue", "delete", "--from", "ana@example.org", "--older-than", "1d", "--data", dir]).stdout,
    "deleted 0 messages\n",
  );
  assert.equal(porteiro(["queue", "delete", "--all", "--data", dir]).stdout, "deleted 2 messages\n");
  assert.equal(porteiro(["queue", "list", "--data", dir]).stdout, "the queue is empty\n");
});

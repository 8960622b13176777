/**
 * `campaign send` killed with -9 in the middle of a campaign and run again: every subscriber
 * gets their notice once, under the Message-ID recorded for them, checked at a real Postfix (the
 * smarthost). While the first run queues, another process holds the spool's delivery lock (as a
 * `serve` would) and is killed too; the second run takes the stale lock over and delivers all.
 * (A kill between a smarthost's 250 and the record of it would send that one message again, as
 * any SMTP queue does; the lock holder keeps that moment out of this test.) Then the follow-up on
 * the same world: the funnel's moved and still-on-25, and the one reminder.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { simpleParser } from "mailparser";
import { openStore } from "../../src/store/index.js";
import { porteiro } from "../cli/run.js";
import { startPostfix } from "../helpers/postfix.js";
import { tempDir } from "../helpers/tmp.js";
import { campaignWorld, WORLD_AT, worldFlowsNow, worldSubscriber } from "./world.js";

const SUBSCRIBERS = 30;

test("campaign send killed with -9 mid-send, then run again: every subscriber notified exactly once", {
  timeout: 180_000,
}, async (t) => {
  const mailboxes = Array.from({ length: SUBSCRIBERS }, (_, i) => worldSubscriber(i).email);
  const postfix = await startPostfix(t, { mailboxes });
  if (!postfix) return;
  // 600 a minute: the send lasts about three seconds, long enough to be cut in the middle.
  const world = await campaignWorld(tempDir(t, "campaign-crash"), {
    subscribers: SUBSCRIBERS,
    smarthostPort: postfix.port,
    perMinute: 600,
    reminderDays: 0,
  });
  const send = ["campaign", "send", "-c", world.config, "--region", "sul", "--at", WORLD_AT];
  const store = openStore(world.data);
  t.after(() => store.close());
  const queued = () =>
    store
      .prepare("SELECT COUNT(*) FROM campaign_notices WHERE queued_at IS NOT NULL")
      .pluck()
      .get() as number;

  const holder = spawn("sleep", ["600"]);
  t.after(() => holder.kill("SIGKILL"));
  mkdirSync(join(world.data, "spool"), { recursive: true });
  writeFileSync(join(world.data, "spool", "delivery.lock"), `${holder.pid}\n`);

  const first = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...send], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise((resolve) => first.once("exit", resolve));
  while (queued() < 5) {
    assert.equal(first.exitCode, null, "the first send ended before it could be killed");
    await sleep(20);
  }
  first.kill("SIGKILL");
  await exited;
  const before = queued();
  assert.ok(before < SUBSCRIBERS, `killed after ${before} notices were queued, not in the middle`);
  holder.kill("SIGKILL");
  await new Promise((resolve) => holder.once("exit", resolve));

  const again = porteiro(send);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`^sul@${WORLD_AT}: ${SUBSCRIBERS - before} notices queued`, "m"));
  assert.equal(queued(), SUBSCRIBERS);

  const recorded = new Map(
    (
      store.prepare("SELECT email, message_id FROM campaign_notices").all() as {
        email: string;
        message_id: string;
      }[]
    ).map((r) => [r.email, r.message_id]),
  );
  for (const mailbox of mailboxes) {
    const copies: Buffer[] = await postfix.waitForMail(mailbox, 1);
    const ids = new Set(await Promise.all(copies.map(async (copy) => (await simpleParser(copy)).messageId)));
    assert.deepEqual([...ids], [recorded.get(mailbox)], `${mailbox}: one notice, the one recorded`);
    assert.equal(copies.length, 1, `${mailbox}: delivered once`);
  }
  const third = porteiro(send);
  assert.match(third.stdout, /: 0 notices queued/, "a third run finds everyone notified");

  // The follow-up: this hour the first subscriber submits on 587 and the second still sends
  // direct to port 25; the others are silent, but no flows are stored for a day past their
  // notice yet, so their silence does not count as moved.
  worldFlowsNow(
    world.data,
    new Map([
      [0, 587],
      [1, 25],
    ]),
  );
  const status = porteiro(["campaign", "status", "-c", world.config, "--format", "json"]);
  assert.equal(status.status, 0, status.stderr);
  assert.deepEqual(JSON.parse(status.stdout), {
    regions: [
      {
        region: "sul",
        class: "mail-client",
        affected: SUBSCRIBERS,
        notified: SUBSCRIBERS,
        delivered: SUBSCRIBERS,
        moved: 1,
        still_on_25: 1,
      },
    ],
  });
  // reminder_days 0: the one still on port 25 gets one reminder, once.
  const remind = [...send, "--reminders"];
  assert.match(porteiro(remind).stdout, /: 1 reminders queued/);
  assert.match(porteiro(remind).stdout, /: 0 reminders queued/);
  const [, reminder] = await postfix.waitForMail(worldSubscriber(1).email, 2);
  assert.match((await simpleParser(reminder as Buffer)).subject ?? "", /^Lembrete: Telecom Açaí: /);
});

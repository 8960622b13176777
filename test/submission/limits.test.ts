import assert from "node:assert/strict";
import { test } from "node:test";
import { UserStore } from "../../src/submission/index.js";
import { SendingLimits } from "../../src/submission/sending-limits.js";
import { replies, requireSwaks, startTestService, swaks, swaksAuth, USER } from "../helpers/submission.js";

const MINUTE = 60_000;

function policy(overrides: Partial<ConstructorParameters<typeof SendingLimits>[0]> = {}) {
  return {
    messages: { perMinute: 2, perHour: 5, perDay: 10 },
    recipients: { perMinute: 10, perHour: 100, perDay: 1000 },
    limitHits: 3,
    distinctDomains: 4,
    flagWindowMs: 60 * MINUTE,
    ...overrides,
  };
}

test("sending limits count per user over a minute, an hour and a day", () => {
  const limits = new SendingLimits(policy());
  const t0 = 1_000_000_000;
  limits.record(USER, ["a@x.example"], t0);
  limits.record(USER, ["a@x.example"], t0 + 1);
  assert.equal(limits.messageRefusal(USER, t0 + 2), "more than 2 messages per minute");
  assert.equal(limits.messageRefusal("other@example.net", t0 + 2), undefined, "per user");
  assert.equal(limits.messageRefusal(USER, t0 + MINUTE), undefined, "a new minute");
  for (let i = 0; i < 3; i++) limits.record(USER, ["a@x.example"], t0 + MINUTE + i);
  assert.equal(limits.messageRefusal(USER, t0 + 3 * MINUTE), "more than 5 messages per hour");
  assert.equal(limits.recipientRefusal(USER, 5, t0 + 61 * MINUTE), undefined);
  assert.equal(limits.recipientRefusal(USER, 10, t0 + 61 * MINUTE), "more than 10 recipients per minute");
});

test("an account that keeps hitting limits, or writes to many domains at once, is flagged once per sign", () => {
  const t0 = 1_000_000_000;
  const hits = new SendingLimits(policy());
  hits.record(USER, ["a@x.example"], t0);
  hits.record(USER, ["a@x.example"], t0);
  for (let i = 0; i < 3; i++) hits.messageRefusal(USER, t0 + i);
  assert.match(hits.suspicion(USER, [], t0 + 10) ?? "", /hit sending limits 3 times/);
  assert.equal(hits.suspicion(USER, [], t0 + 11), undefined, "reported once: the store keeps the hold");
  for (let i = 0; i < 2; i++) hits.messageRefusal(USER, t0 + 20 + i);
  assert.equal(hits.suspicion(USER, [], t0 + 30), undefined, "old hits do not count again");

  const spread = new SendingLimits(policy());
  spread.record(USER, ["a@one.example", "b@two.example"], t0);
  assert.equal(spread.suspicion(USER, ["c@three.example"], t0 + 1), undefined);
  assert.match(spread.suspicion(USER, ["c@three.example", "d@four.example"], t0 + 1) ?? "", /4 domains/);
  assert.equal(spread.suspicion(USER, ["e@five.example"], t0 + 2), undefined, "the evidence is dropped");
});

test("a user over the per-minute message limit hears 451 4.7.1", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t, { limits: { messages_per_minute: 2 } });
  const send = () =>
    swaks(running.service, "starttls", [...swaksAuth("PLAIN"), "--from", USER, "--to", "bia@example.org"]);
  assert.equal((await send()).status, 0);
  assert.equal((await send()).status, 0);
  const third = await send();
  assert.equal(third.status, 23, third.stdout);
  assert.ok(
    replies(third.stdout).includes(
      "451 4.7.1 Sending limit reached (more than 2 messages per minute); try again later",
    ),
    third.stdout,
  );
  assert.equal(running.spool.messages().length, 2);
});

test("recipients spread over many domains: the account is held in the store and its mail held (hold)", async (t) => {
  if (!requireSwaks(t)) return;
  const to = "a@one.example,b@two.example,c@three.example";
  const held = await startTestService(t, { hold: { distinct_domains: 3 } });
  const accepted = await swaks(held.service, "tls", [...swaksAuth("LOGIN"), "--from", USER, "--to", to]);
  assert.equal(accepted.status, 0, accepted.stdout);
  const [message] = held.spool.messages();
  assert.ok(message);
  assert.equal(message.held, true);
  assert.match(message.holdReason ?? "", /recipients in 3 domains/);
  assert.deepEqual(held.spool.due(new Date(Date.now() + MINUTE), 10), [], "held mail is not delivered");
  const users = new UserStore(held.db);
  assert.match(users.get(USER)?.hold?.reason ?? "", /^recipients in 3 domains within 60 min$/);

  // Later mail, on the other listener and with no sign of its own, is held too.
  const later = await swaks(held.service, "starttls", [
    ...swaksAuth("PLAIN"),
    "--from",
    USER,
    "--to",
    "bia@example.org",
  ]);
  assert.equal(later.status, 0, later.stdout);
  assert.deepEqual(
    held.spool.messages().map((m) => m.held),
    [true, true],
  );
  assert.equal(users.release(USER), true);
  const released = await swaks(held.service, "tls", [
    ...swaksAuth("LOGIN"),
    "--from",
    USER,
    "--to",
    "bia@example.org",
  ]);
  assert.equal(released.status, 0, released.stdout);
  assert.deepEqual(
    held.spool.messages().map((m) => m.held),
    [true, true, false],
    "a released account sends again; what it sent while held stays held for the operator",
  );
});

test("recipients spread over many domains with action refuse: 451 4.7.1 now and for later mail", async (t) => {
  if (!requireSwaks(t)) return;
  const to = "a@one.example,b@two.example,c@three.example";
  const refusing = await startTestService(t, { hold: { distinct_domains: 3, action: "refuse" } });
  const refused = await swaks(refusing.service, "tls", [...swaksAuth("LOGIN"), "--from", USER, "--to", to]);
  assert.equal(refused.status, 26, refused.stdout);
  assert.ok(
    replies(refused.stdout).some((r) => r.startsWith("451 4.7.1 Account held for review (recipients in 3")),
    refused.stdout,
  );
  const later = await swaks(refusing.service, "starttls", [
    ...swaksAuth("PLAIN"),
    "--from",
    USER,
    "--to",
    "bia@example.org",
  ]);
  assert.equal(later.status, 23, later.stdout);
  assert.ok(
    replies(later.stdout).some((r) => r.startsWith("451 4.7.1 Account held for review (recipients in 3")),
    later.stdout,
  );
  assert.equal(refusing.spool.messages().length, 0);
});

test("a hold found in the store (set before a restart, or by another process) is obeyed", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t, { hold: { action: "refuse" } });
  new UserStore(running.db).hold(USER, "hit sending limits 3 times within 60 min");
  const refused = await swaks(running.service, "starttls", [
    ...swaksAuth("PLAIN"),
    "--from",
    USER,
    "--to",
    "bia@example.org",
  ]);
  assert.equal(refused.status, 23, refused.stdout);
  assert.ok(
    replies(refused.stdout).includes(
      "451 4.7.1 Account held for review (hit sending limits 3 times within 60 min); try again later",
    ),
    refused.stdout,
  );
});

test("an account that keeps hitting the limit is put on hold", async (t) => {
  if (!requireSwaks(t)) return;
  const running = await startTestService(t, { limits: { messages_per_minute: 1 }, hold: { limit_hits: 2 } });
  const send = () =>
    swaks(running.service, "starttls", [...swaksAuth("PLAIN"), "--from", USER, "--to", "bia@example.org"]);
  assert.equal((await send()).status, 0);
  assert.equal((await send()).status, 23);
  assert.equal(new UserStore(running.db).get(USER)?.hold, null);
  assert.equal((await send()).status, 23);
  assert.match(new UserStore(running.db).get(USER)?.hold?.reason ?? "", /hit sending limits 2 times/);
});

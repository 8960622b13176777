import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthLockout, CheckScheduler, isRefusal, type LoginAttempt } from "../../src/submission/index.js";

/** A check the test finishes by hand, recording when it started. */
function manual(log: string[], name: string) {
  let finish: (ok: boolean) => void = () => undefined;
  const check = () => {
    log.push(name);
    return new Promise<boolean>((resolve) => {
      finish = resolve;
    });
  };
  return { check, finish: (ok = false) => finish(ok) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("checks run `concurrency` at a time; waiting clean ones go before suspect ones, FIFO within a lane", async () => {
  const scheduler = new CheckScheduler({ concurrency: 2, maxQueuedPerLane: 10 });
  const log: string[] = [];
  const checks = new Map<string, ReturnType<typeof manual>>();
  const run = (lane: "clean" | "suspect", name: string) => {
    const check = manual(log, name);
    checks.set(name, check);
    return scheduler.schedule(lane, check.check);
  };
  run("suspect", "s1");
  run("suspect", "s2");
  run("suspect", "s3");
  run("suspect", "s4");
  run("clean", "c1");
  run("clean", "c2");
  assert.deepEqual(log, ["s1", "s2"]);
  assert.equal(scheduler.active, 2);
  assert.equal(scheduler.queued("suspect"), 2);
  assert.equal(scheduler.queued("clean"), 2);
  checks.get("s1")?.finish();
  await tick();
  assert.deepEqual(log, ["s1", "s2", "c1"], "a free slot goes to the clean lane first");
  checks.get("s2")?.finish();
  checks.get("c1")?.finish();
  await tick();
  assert.deepEqual(log, ["s1", "s2", "c1", "c2", "s3"]);
  checks.get("c2")?.finish();
  checks.get("s3")?.finish();
  await tick();
  checks.get("s4")?.finish();
  await tick();
  assert.deepEqual(log, ["s1", "s2", "c1", "c2", "s3", "s4"]);
  assert.equal(scheduler.active, 0);
  assert.equal(scheduler.started("clean"), 2);
  assert.equal(scheduler.started("suspect"), 4);
});

test("past a lane's bound an attempt is refused at once, unchecked; the other lane still takes its own", async () => {
  const scheduler = new CheckScheduler({ concurrency: 1, maxQueuedPerLane: 2 });
  const log: string[] = [];
  const running = manual(log, "running");
  const first = scheduler.schedule("suspect", running.check);
  assert.ok(first);
  assert.ok(scheduler.schedule("suspect", manual(log, "q1").check));
  assert.ok(scheduler.schedule("suspect", manual(log, "q2").check));
  const unchecked = manual(log, "refused");
  assert.equal(scheduler.schedule("suspect", unchecked.check), undefined);
  assert.equal(scheduler.refused("suspect"), 1);
  assert.ok(scheduler.schedule("clean", manual(log, "c1").check), "the clean lane has room of its own");
  assert.equal(scheduler.queued(), 3);
  running.finish(true);
  assert.equal(await first, true, "the check's answer is the caller's");
  await tick();
  assert.deepEqual(log, ["running", "c1"], "the refused check never ran");
});

test("a check that throws or rejects frees its slot and rejects its caller", async () => {
  const scheduler = new CheckScheduler({ concurrency: 1, maxQueuedPerLane: 4 });
  const thrown = scheduler.schedule("clean", () => {
    throw new Error("store closed");
  });
  const rejected = scheduler.schedule("clean", () => Promise.reject(new Error("disk error")));
  const fine = scheduler.schedule("clean", () => Promise.resolve("ok"));
  await assert.rejects(thrown as Promise<unknown>, /store closed/);
  await assert.rejects(rejected as Promise<unknown>, /disk error/);
  assert.equal(await fine, "ok");
  assert.equal(scheduler.active, 0);
});

test("an attempt is clean only when its user and client network have no recent failure and no check pending", () => {
  const lockout = new AuthLockout({
    failures: 5,
    windowMs: 60_000,
    lockMs: 60_000,
    maxLockMs: 60_000,
    failureDelayMs: 0,
    maxInFlightPerClient: 8,
  });
  const begin = (user: string, client: string) => {
    const attempt = lockout.begin(user, client);
    assert.ok(!isRefusal(attempt));
    return attempt as LoginAttempt;
  };
  const first = begin("ana", "198.51.100.1");
  assert.equal(first.lane, "clean");
  const second = begin("bia", "198.51.100.1");
  assert.equal(second.lane, "suspect", "another check from the network is pending");
  assert.equal(begin("ana", "203.0.113.1").lane, "suspect", "another check for the user is pending");
  first.failed();
  second.succeeded();
  assert.equal(begin("caio", "198.51.100.1").lane, "suspect", "the network failed lately");
  assert.equal(begin("dora", "192.0.2.1").lane, "clean", "a fresh user from a fresh network");
});

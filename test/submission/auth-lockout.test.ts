import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthLockout, isRefusal, type LoginAttempt } from "../../src/submission/auth-lockout.js";

const MINUTE = 60_000;
const USER = "ana@example.net";
const policy = {
  failures: 2,
  windowMs: 15 * MINUTE,
  lockMs: MINUTE,
  maxLockMs: 3 * MINUTE,
  failureDelayMs: 100,
  maxInFlightPerClient: 3,
};

function admitted(outcome: ReturnType<AuthLockout["begin"]>): LoginAttempt {
  assert.ok(!isRefusal(outcome), `refused: ${JSON.stringify(outcome)}`);
  return outcome;
}

test("failed logins lock a user and a client out, each relapse twice as long", () => {
  const lockout = new AuthLockout(policy);
  const t0 = Date.now();
  assert.equal(admitted(lockout.begin(USER, "192.0.2.1", t0)).failed(), 100);
  assert.equal(lockout.lockedUntil(USER, "192.0.2.1", t0), undefined);
  admitted(lockout.begin(USER, "192.0.2.1", t0 + 1)).failed();
  const until = lockout.lockedUntil(USER, "192.0.2.9");
  assert.ok(until !== undefined && until > Date.now(), "the user is locked");
  assert.equal(lockout.lockedUntil("bia@example.net", "192.0.2.1"), until, "so is the client");
  assert.equal(lockout.lockedUntil("bia@example.net", "192.0.2.9"), undefined);
  const refused = lockout.begin(USER, "203.0.113.1");
  assert.ok(isRefusal(refused) && refused.reason === "locked");
});

test("a user's checks in flight use up its failure budget: a burst gets no more guesses than the lock allows", () => {
  const lockout = new AuthLockout(policy);
  const first = admitted(lockout.begin(USER, "192.0.2.1"));
  const second = admitted(lockout.begin(USER, "198.51.100.1"));
  const third = lockout.begin(USER, "203.0.113.1");
  assert.ok(isRefusal(third) && third.reason === "busy", "two guesses in flight are the whole budget");
  first.succeeded();
  admitted(lockout.begin(USER, "203.0.113.1")).failed();
  second.failed();
  const after = lockout.begin(USER, "203.0.113.2");
  assert.ok(isRefusal(after) && after.reason === "locked");
});

test("a client network has a bounded number of checks in flight, and an abandoned check counts nothing", () => {
  const lockout = new AuthLockout({ ...policy, failures: 100 });
  const running = [1, 2, 3].map((n) => admitted(lockout.begin(`user${n}@example.net`, "192.0.2.1")));
  const fourth = lockout.begin("user4@example.net", "192.0.2.1");
  assert.ok(isRefusal(fourth) && fourth.reason === "busy");
  admitted(lockout.begin("user4@example.net", "192.0.2.2"));
  for (const attempt of running) attempt.abandoned();
  admitted(lockout.begin("user4@example.net", "192.0.2.1"));
  assert.equal(lockout.lockedUntil("user1@example.net", "192.0.2.1"), undefined);
});

test("a good login clears the user's failures but not the client's", () => {
  const lockout = new AuthLockout({ ...policy, failures: 3 });
  admitted(lockout.begin(USER, "192.0.2.1")).failed();
  admitted(lockout.begin(USER, "192.0.2.1")).failed();
  admitted(lockout.begin(USER, "192.0.2.1")).succeeded();
  admitted(lockout.begin(USER, "192.0.2.2")).failed();
  admitted(lockout.begin(USER, "192.0.2.2")).failed();
  assert.equal(lockout.lockedUntil(USER, "192.0.2.3"), undefined, "the user starts again");
  admitted(lockout.begin("bia@example.net", "192.0.2.1")).failed();
  assert.notEqual(lockout.lockedUntil("carla@example.net", "192.0.2.1"), undefined, "the client did not");
});

test("an attempt ends once", () => {
  const attempt = admitted(new AuthLockout(policy).begin(USER, "192.0.2.1"));
  attempt.failed();
  assert.throws(() => attempt.succeeded(), /ended twice/);
});

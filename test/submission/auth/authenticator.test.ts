import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { test } from "node:test";
import { hashPasswordSync } from "../../../src/core/index.js";
import { openStore } from "../../../src/store/index.js";
import { Authenticator } from "../../../src/submission/auth/authenticator.js";
import { HashPool } from "../../../src/submission/auth/hash-pool.js";
import { LocalBackend } from "../../../src/submission/auth/local-backend.js";
import { SubmissionMetrics, UserStore } from "../../../src/submission/index.js";
import { tempDir } from "../../helpers/tmp.js";

const PASSWORD = "correct horse battery";

/** A real hash pool that counts the hashes it verifies: a cache hit must verify none. */
class CountingPool extends HashPool {
  verified = 0;
  override verify(stored: string, password: string): Promise<boolean> {
    this.verified++;
    return super.verify(stored, password);
  }
}

function setUp(t: TestContext, options: { log2N?: number; cacheSize?: number } = {}) {
  const dir = tempDir(t, "auth");
  const db = openStore(dir);
  // A second connection stands for another process (`porteiro users …` from the shell).
  const other = openStore(dir);
  const users = new UserStore(db);
  const pool = new CountingPool(2);
  const metrics = new SubmissionMetrics();
  const authenticator = new Authenticator({
    backend: new LocalBackend({
      users,
      pool,
      log2N: options.log2N ?? 15,
      onUpgrade: () => metrics.hashUpgrades.inc(),
    }),
    users,
    cache: { size: options.cacheSize ?? 100, ttlMs: 60_000 },
    senderRule: "address",
    metrics,
  });
  t.after(async () => {
    await authenticator.close();
    other.close();
    db.close();
  });
  const check = (user: string, password: string) => authenticator.check("clean", user, password, "192.0.2.1");
  const count = async (result: string) =>
    (await metrics.authChecks.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
  return { users, otherUsers: new UserStore(other), pool, metrics, authenticator, check, count };
}

test("a login needs the right password of an existing, active account", async (t) => {
  const { users, check } = setUp(t);
  await users.add("ana@example.net", PASSWORD);
  assert.equal(await check("Ana@Example.net", PASSWORD), "ana@example.net");
  assert.equal(await check("ana@example.net", "wrong password"), undefined);
  assert.equal(await check("nobody@example.net", PASSWORD), undefined);
  users.setSuspended("ana@example.net", true);
  assert.equal(await check("ana@example.net", PASSWORD), undefined);
});

test("a good login is answered from the cache; a wrong one always costs a full check", async (t) => {
  const { users, pool, check, count } = setUp(t);
  await users.add("ana@example.net", PASSWORD);
  assert.equal(await check("ana@example.net", PASSWORD), "ana@example.net");
  const afterFirst = pool.verified;
  for (let i = 0; i < 5; i++) assert.equal(await check("ana@example.net", PASSWORD), "ana@example.net");
  assert.equal(pool.verified, afterFirst, "cached logins hash nothing");
  assert.equal(await count("cache_hit"), 5);
  for (let i = 0; i < 3; i++) assert.equal(await check("ana@example.net", "wrong password"), undefined);
  assert.equal(pool.verified, afterFirst + 3, "each wrong guess is hashed in full");
  assert.equal(await count("failed"), 3);
});

test("passwd, suspend and remove from another process end a cached login at once", async (t) => {
  const { users, otherUsers, check, pool } = setUp(t);
  await users.add("ana@example.net", PASSWORD);
  assert.ok(await check("ana@example.net", PASSWORD));

  otherUsers.setSuspended("ana@example.net", true);
  assert.equal(await check("ana@example.net", PASSWORD), undefined);
  otherUsers.setSuspended("ana@example.net", false);
  assert.ok(await check("ana@example.net", PASSWORD));

  await otherUsers.setPassword("ana@example.net", "a new long password");
  const before = pool.verified;
  assert.equal(await check("ana@example.net", PASSWORD), undefined);
  assert.equal(pool.verified, before + 1, "the old password is checked against the new hash");
  assert.ok(await check("ana@example.net", "a new long password"));

  otherUsers.remove("ana@example.net");
  assert.equal(await check("ana@example.net", "a new long password"), undefined);
});

test("the cache keeps no more logins than its size", async (t) => {
  const { users, pool, check } = setUp(t, { cacheSize: 1 });
  await users.add("ana@example.net", PASSWORD);
  await users.add("bia@example.net", PASSWORD);
  await check("ana@example.net", PASSWORD);
  await check("bia@example.net", PASSWORD);
  const before = pool.verified;
  await check("ana@example.net", PASSWORD);
  assert.equal(pool.verified, before + 1, "ana's entry made way for bia's");
});

test("a hash weaker than the configured cost is made again at the next good login, not at a bad one", async (t) => {
  const { users, metrics, check } = setUp(t, { log2N: 15 });
  await users.add("ana@example.net", PASSWORD);
  const weak = hashPasswordSync(PASSWORD, 14);
  assert.ok(users.upgradeHash("ana@example.net", users.credentials("ana@example.net")?.hash ?? "", weak));
  assert.equal(await check("ana@example.net", "wrong password"), undefined);
  assert.equal(users.credentials("ana@example.net")?.hash, weak);
  assert.equal(await check("ana@example.net", PASSWORD), "ana@example.net");
  assert.match(users.credentials("ana@example.net")?.hash ?? "", /^scrypt\$32768\$8\$1\$/);
  assert.equal((await metrics.hashUpgrades.get()).values[0]?.value, 1);
  assert.equal(await check("ana@example.net", PASSWORD), "ana@example.net", "the upgraded hash is cached");
});

test("logins with the same user and password at once share one check", async (t) => {
  const { users, pool, check } = setUp(t);
  await users.add("ana@example.net", PASSWORD);
  const before = pool.verified;
  const answers = await Promise.all(Array.from({ length: 10 }, () => check("ana@example.net", PASSWORD)));
  assert.deepEqual(new Set(answers), new Set(["ana@example.net"]));
  assert.equal(pool.verified, before + 1);
  const wrong = await Promise.all(
    Array.from({ length: 3 }, (_, i) => check("ana@example.net", `wrong ${i}`)),
  );
  assert.deepEqual(wrong, [undefined, undefined, undefined]);
  assert.equal(pool.verified, before + 4, "different guesses are each checked");
});

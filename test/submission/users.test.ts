import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { maySendAs, UserStore } from "../../src/submission/index.js";
import { tempDir } from "../helpers/tmp.js";

function users(t: import("node:test").TestContext): UserStore {
  const db = openStore(tempDir(t, "users"));
  t.after(() => db.close());
  return new UserStore(db);
}

test("an account authenticates with its password only, and not while suspended", async (t) => {
  const store = users(t);
  await store.add("Ana@Example.net", "correct horse battery", ["*@example.org"]);
  const row = (store as unknown as { db: import("better-sqlite3").Database }).db
    .prepare("SELECT password_hash FROM submission_users")
    .get() as { password_hash: string };
  assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$/);
  assert.ok(!row.password_hash.includes("correct horse"));
  assert.equal(
    (await store.authenticate("ana@example.net", "correct horse battery"))?.address,
    "ana@example.net",
  );
  assert.equal(await store.authenticate("ana@example.net", "wrong password"), undefined);
  assert.equal(await store.authenticate("nobody@example.net", "correct horse battery"), undefined);
  store.setSuspended("ana@example.net", true);
  assert.equal(await store.authenticate("ana@example.net", "correct horse battery"), undefined);
  store.setSuspended("ana@example.net", false);
  await store.setPassword("ana@example.net", "a new long password");
  assert.equal(await store.authenticate("ana@example.net", "correct horse battery"), undefined);
  assert.ok(await store.authenticate("ana@example.net", "a new long password"));
});

test("senders: the own address and each pattern, nothing else", async (t) => {
  const store = users(t);
  const user = await store.add("ana@example.net", "correct horse battery", [
    "*@example.org",
    "news@example.com",
  ]);
  assert.ok(maySendAs(user, "ana@example.net"));
  assert.ok(maySendAs(user, "Anyone@Example.org"));
  assert.ok(maySendAs(user, "news@example.com"));
  assert.ok(!maySendAs(user, "bob@example.net"));
  assert.ok(!maySendAs(user, "ceo@example.com"));
});

test("bad input is refused with a reason and changes nothing", async (t) => {
  const store = users(t);
  await store.add("ana@example.net", "correct horse battery");
  await assert.rejects(store.add("ana@example.net", "another password"), /already exists/);
  await assert.rejects(store.add("bob@example.net", "short"), /at least 8 characters/);
  await assert.rejects(store.add("not-an-address", "long enough password"), /is not a mail address/);
  await assert.rejects(
    store.add("bob@example.net", "long enough password", ["*"]),
    /is not a sender pattern/,
  );
  assert.deepEqual(
    store.list().map((u) => u.address),
    ["ana@example.net"],
  );
  assert.throws(() => store.remove("bob@example.net"), /no user bob@example.net/);
  store.remove("ana@example.net");
  assert.deepEqual(store.list(), []);
});

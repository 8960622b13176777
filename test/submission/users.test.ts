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

test("a password is stored as scrypt, never in clear", async (t) => {
  const store = users(t);
  await store.add("Ana@Example.net", "correct horse battery", ["*@example.org"]);
  const stored = store.credentials("ana@example.net");
  assert.match(stored?.hash ?? "", /^scrypt\$32768\$8\$1\$/);
  assert.ok(!stored?.hash.includes("correct horse"));
  assert.equal(stored?.suspended, false);
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

test("a hold is stored with its first reason, survives reopening, and is released", async (t) => {
  const dir = tempDir(t, "users-hold");
  const db = openStore(dir);
  const store = new UserStore(db);
  await store.add("ana@example.net", "correct horse battery");
  await store.add("bia@example.net", "correct horse battery");
  assert.equal(store.get("ana@example.net")?.hold, null);
  assert.equal(store.heldCount(), 0);
  const at = new Date("2026-11-28T11:00:00Z");
  assert.equal(store.hold("Ana@Example.net", "recipients in 50 domains within 60 min", at), true);
  assert.equal(store.hold("ana@example.net", "a later sign", new Date()), false, "already held");
  db.close();

  const reopened = openStore(dir);
  t.after(() => reopened.close());
  const again = new UserStore(reopened);
  const expected = { since: at.toISOString(), reason: "recipients in 50 domains within 60 min" };
  assert.deepEqual(again.get("ana@example.net")?.hold, expected);
  assert.deepEqual(again.holdOf("ana@example.net"), expected);
  assert.equal(again.holdOf("nobody@example.net"), null);
  assert.equal(again.heldCount(), 1);
  assert.equal(again.release("ana@example.net"), true);
  assert.equal(again.release("ana@example.net"), false, "not held any more");
  assert.equal(again.get("ana@example.net")?.hold, null);
  assert.equal(again.heldCount(), 0);
  assert.throws(() => again.hold("zed@example.net", "x"), /no user zed@example.net/);
});

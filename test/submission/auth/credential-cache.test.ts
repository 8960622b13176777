import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { CredentialCache } from "../../../src/submission/auth/credential-cache.js";

test("keys hide user and password, differ per process, and ignore the user's case", () => {
  const cache = new CredentialCache<string>({ size: 10, ttlMs: 1000 });
  const other = new CredentialCache<string>({ size: 10, ttlMs: 1000 });
  const key = cache.keyOf("Ana@Example.net", "correct horse battery");
  assert.equal(key, cache.keyOf("ana@example.net", "correct horse battery"));
  assert.notEqual(key, other.keyOf("ana@example.net", "correct horse battery"));
  assert.ok(!key.includes("ana") && !key.includes("horse"));
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), (user, a, b) => {
      fc.pre(a !== b);
      return cache.keyOf(user, a) !== cache.keyOf(user, b);
    }),
  );
  // The separator keeps "ab" + "c" apart from "a" + "bc".
  assert.notEqual(cache.keyOf("ab", "c"), cache.keyOf("a", "bc"));
});

test("entries expire after the TTL and the least recently used go past the size", () => {
  const cache = new CredentialCache<string>({ size: 2, ttlMs: 1000 });
  cache.set("a", "A", 0);
  cache.set("b", "B", 0);
  assert.equal(cache.get("a", 500), "A");
  cache.set("c", "C", 500);
  assert.equal(cache.get("b", 500), undefined, "b was the least recently used");
  assert.equal(cache.get("a", 999), "A");
  assert.equal(cache.get("a", 1000), undefined, "expired");
  assert.equal(cache.size, 1);
  const off = new CredentialCache<string>({ size: 0, ttlMs: 1000 });
  off.set("a", "A", 0);
  assert.equal(off.get("a", 0), undefined);
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import fc from "fast-check";
import { hashPasswordSync } from "../../../src/core/index.js";
import {
  importedHashProblem,
  isBelowCost,
  verifyStored,
} from "../../../src/submission/auth/password-schemes.js";
import { requirePeers } from "../../helpers/peers.js";

const PASSWORD = "correct horse battery";

/** What Dovecot itself writes for the scheme (doveadm pw), so the formats are the real ones. */
function doveadmHash(scheme: string, password = PASSWORD): string {
  const made = spawnSync("doveadm", ["pw", "-s", scheme, "-p", password], {
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(made.status, 0, made.stderr);
  return made.stdout.trim();
}

test("Dovecot's SHA512-CRYPT, BLF-CRYPT, ARGON2I, ARGON2ID and SSHA512 hashes verify natively", async (t) => {
  if (!requirePeers(t, ["doveadm"])) return;
  for (const scheme of ["SHA512-CRYPT", "BLF-CRYPT", "ARGON2I", "ARGON2ID", "SSHA512"]) {
    const hash = doveadmHash(scheme);
    assert.ok(hash.startsWith(`{${scheme}}`), hash);
    assert.equal(importedHashProblem(hash), undefined, hash);
    assert.equal(await verifyStored(hash, PASSWORD), true, scheme);
    assert.equal(await verifyStored(hash, "correct horse battery!"), false, scheme);
    assert.equal(isBelowCost(hash, 15), true, `${scheme} is made again as scrypt`);
  }
});

test("scrypt hashes verify and are below cost only when weaker than configured", async () => {
  const weak = hashPasswordSync(PASSWORD, 14);
  assert.equal(await verifyStored(weak, PASSWORD), true);
  assert.equal(await verifyStored(weak, "wrong"), false);
  assert.equal(isBelowCost(weak, 15), true);
  assert.equal(isBelowCost(weak, 14), false);
});

test("unsupported or malformed hashes are named and never verify", async () => {
  assert.match(importedHashProblem("{PLAIN}secret") ?? "", /scheme \{PLAIN\} is not one porteiro verifies/);
  assert.match(importedHashProblem("$6$abc$def") ?? "", /no \{SCHEME\} prefix/);
  assert.match(importedHashProblem("{SHA512-CRYPT}$6$short") ?? "", /not a well-formed \{SHA512-CRYPT\}/);
  assert.equal(await verifyStored("{EXTERNAL}dovecot:abc", ""), false);
  await fc.assert(
    fc.asyncProperty(fc.string(), fc.string(), async (stored, password) => {
      assert.equal(typeof (importedHashProblem(stored) ?? ""), "string");
      assert.equal(await verifyStored(stored, password), false);
    }),
    { numRuns: 200 },
  );
});

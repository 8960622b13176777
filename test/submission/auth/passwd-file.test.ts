import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import fc from "fast-check";
import { DiagnosticsError } from "../../../src/core/index.js";
import { openStore } from "../../../src/store/index.js";
import { Authenticator } from "../../../src/submission/auth/authenticator.js";
import { HashPool } from "../../../src/submission/auth/hash-pool.js";
import { LocalBackend } from "../../../src/submission/auth/local-backend.js";
import { parsePasswdFile } from "../../../src/submission/auth/passwd-file.js";
import { SubmissionMetrics, UserStore } from "../../../src/submission/index.js";
import { requirePeers } from "../../helpers/peers.js";
import { tempDir } from "../../helpers/tmp.js";

const SHA512 =
  "{SHA512-CRYPT}$6$3EtMtTqu5ljXgC6F$sN96ldPiYBXdvN4d/lfsFg/j.QH8yl7ptq3TUIAPjmPDXund2/WpXDTASvvHgTpeLdi4/wKptncSeGOFYlG291";

test("a passwd-file's accounts are read with their hashes; comments, blanks and extra fields are skipped", () => {
  const accounts = parsePasswdFile(`# users\n\nAna@Example.net:${SHA512}:1000:1000::/home/ana::\n`, "users");
  assert.deepEqual(accounts, [{ address: "ana@example.net", hash: SHA512 }]);
});

test("every bad line is reported as FILE:LINE, and then nothing is returned", () => {
  const text = [
    `ana@example.net:${SHA512}`,
    "bob:{SHA512-CRYPT}$6$x$y",
    "cy@example.net:{PLAIN}secret",
    `ana@example.net:${SHA512}`,
    "dee@example.net",
  ].join("\n");
  assert.throws(
    () => parsePasswdFile(text, "users.passwd"),
    (error: Error) => {
      assert.equal(
        error.message,
        [
          'users.passwd:2: "bob" is not a mail address (lines are address:{SCHEME}hash)',
          "users.passwd:3: cy@example.net: scheme {PLAIN} is not one porteiro verifies ({SHA512-CRYPT}, {BLF-CRYPT}, {ARGON2I}, {ARGON2ID}, {SSHA512})",
          "users.passwd:4: ana@example.net is already on line 1",
          "users.passwd:5: dee@example.net: no password hash after the address",
        ].join("\n"),
      );
      return true;
    },
  );
});

test("any text either parses or fails with file:line diagnostics, never otherwise", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom("a", "@", ".", ":", "{", "}", "\n", "#", " ", "x", "$") }),
      (text) => {
        try {
          for (const account of parsePasswdFile(text, "f")) assert.match(account.address, /@/);
        } catch (error) {
          assert.ok(error instanceof DiagnosticsError);
          assert.ok(error.diagnostics.every((d) => d.file === "f" && d.line >= 1));
        }
      },
    ),
  );
});

test("an imported hash logs in and is made scrypt at the first good login", async (t) => {
  if (!requirePeers(t, ["doveadm"])) return;
  const hash = spawnSync("doveadm", ["pw", "-s", "BLF-CRYPT", "-p", "correct horse battery"], {
    encoding: "utf8",
  }).stdout.trim();
  const db = openStore(tempDir(t, "import"));
  const users = new UserStore(db);
  const metrics = new SubmissionMetrics();
  const authenticator = new Authenticator({
    backend: new LocalBackend({ users, pool: new HashPool(1), log2N: 15 }),
    users,
    cache: { size: 10, ttlMs: 60_000 },
    senderRule: "address",
    metrics,
  });
  t.after(async () => {
    await authenticator.close();
    db.close();
  });
  assert.deepEqual(users.importAccounts(parsePasswdFile(`ana@example.net:${hash}\n`, "f")), {
    added: ["ana@example.net"],
    kept: [],
  });
  assert.deepEqual(users.importAccounts([{ address: "ana@example.net", hash: SHA512 }]), {
    added: [],
    kept: ["ana@example.net"],
  });
  assert.equal(
    await authenticator.check("clean", "ana@example.net", "wrong password", "192.0.2.1"),
    undefined,
  );
  assert.equal(users.credentials("ana@example.net")?.hash, hash);
  assert.equal(
    await authenticator.check("clean", "ana@example.net", "correct horse battery", "192.0.2.1"),
    "ana@example.net",
  );
  assert.match(users.credentials("ana@example.net")?.hash ?? "", /^scrypt\$32768\$/);
});

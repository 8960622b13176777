import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { UserStore } from "../../src/submission/index.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

test("users add reads the password from stdin and users list shows the account", (t) => {
  const data = tempDir(t, "users-cli");
  const added = porteiro(
    ["users", "add", "ana@example.net", "--data", data, "--sender", "*@example.org"],
    "s3cret password\n",
  );
  assert.equal(added.status, 0, added.stderr);
  assert.equal(added.stdout, "added ana@example.net (may also send as *@example.org)\n");
  assert.equal(porteiro(["users", "suspend", "ana@example.net", "--data", data]).status, 0);
  const listed = porteiro(["users", "list", "--data", data, "--format", "json"]);
  assert.equal(listed.status, 0, listed.stderr);
  const [user] = JSON.parse(listed.stdout);
  assert.deepEqual(
    { ...user, created_at: undefined },
    {
      address: "ana@example.net",
      state: "suspended",
      senders: ["*@example.org"],
      created_at: undefined,
      held_at: null,
      hold_reason: null,
    },
  );
});

test("users list shows a held account with its reason; users release ends the hold", async (t) => {
  const data = tempDir(t, "users-cli-held");
  assert.equal(porteiro(["users", "add", "ana@example.net", "--data", data], "s3cret password\n").status, 0);
  assert.equal(porteiro(["users", "add", "bia@example.net", "--data", data], "s3cret password\n").status, 0);
  // The service holds accounts through the store; here the test plays the service.
  const db = openStore(data);
  new UserStore(db).hold(
    "ana@example.net",
    "recipients in 50 domains, within 60 min",
    new Date("2026-11-28T11:00:00Z"),
  );
  db.close();

  const json = JSON.parse(porteiro(["users", "list", "--data", data, "--format", "json"]).stdout);
  assert.deepEqual(
    json.map((u: Record<string, unknown>) => [u.address, u.state, u.held_at, u.hold_reason]),
    [
      ["ana@example.net", "held", "2026-11-28T11:00:00.000Z", "recipients in 50 domains, within 60 min"],
      ["bia@example.net", "active", null, null],
    ],
  );
  const csv = porteiro(["users", "list", "--data", data, "--format", "csv"]).stdout.split("\n");
  assert.equal(csv[0], "address,state,senders,created_at,held_at,hold_reason");
  assert.match(
    csv[1] ?? "",
    /^ana@example\.net,held,,[^,]+,2026-11-28T11:00:00\.000Z,"recipients in 50 domains, within 60 min"$/,
  );
  const table = porteiro(["users", "list", "--data", data]).stdout;
  assert.match(table, /^address +state +also sends as +created +hold$/m);
  assert.match(
    table,
    /^ana@example\.net +held +- +\d{4}-\d\d-\d\d +recipients in 50 domains, within 60 min \(since 2026-11-28 11:00 UTC\)$/m,
  );
  assert.match(table, /^bia@example\.net +active +- +\d{4}-\d\d-\d\d +-$/m);

  const help = porteiro(["users", "release", "--help"]).stdout;
  assert.match(help, /porteiro queue release ID/);
  const released = porteiro(["users", "release", "ana@example.net", "--data", data]);
  assert.equal(released.status, 0, released.stderr);
  assert.equal(released.stdout, "released ana@example.net\n");
  assert.equal(
    porteiro(["users", "release", "ana@example.net", "--data", data]).stdout,
    "not on hold: ana@example.net\n",
  );
  const after = JSON.parse(porteiro(["users", "list", "--data", data, "--format", "json"]).stdout);
  assert.equal(after[0].state, "active");
  const unknown = porteiro(["users", "release", "zed@example.net", "--data", data]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no user zed@example.net/);
});

test("users errors are one line with exit 1", (t) => {
  const data = tempDir(t, "users-cli-bad");
  for (const [args, input, message] of [
    [["users", "add", "ana@example.net", "--data", data], "short\n", /at least 8 characters/],
    [["users", "add", "ana@example.net", "--data", data], "", /no password on standard input/],
    [["users", "remove", "zed@example.net", "--data", data], undefined, /no user zed@example.net/],
    [["users", "add", "nobody", "--data", data], "long enough password\n", /is not a mail address/],
  ] as const) {
    const result = porteiro([...args], input);
    assert.equal(result.status, 1, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, STACK_LINE);
  }
});

test("users import adds a passwd-file's accounts, or nothing when a line is bad", (t) => {
  const data = tempDir(t, "users-import");
  const file = `${data}/users.passwd`;
  const good =
    "ana@example.net:{SSHA512}2jbMCeninqtJ5VQRmmzhNfcj3dRsNA37oUIq1g5xQpVM9RYzpt2DPzNdec3Ig4Fm7qrnMOMFa8DIuFAkNfN9k2Op2l0=";
  writeFileSync(file, `${good}\nbob@example.net:{MD5}x\n`);
  const refused = porteiro(["users", "import", file, "--data", data]);
  assert.equal(refused.status, 1);
  assert.equal(
    refused.stderr.trim(),
    `${file}:2: bob@example.net: scheme {MD5} is not one porteiro verifies ({SHA512-CRYPT}, {BLF-CRYPT}, {ARGON2I}, {ARGON2ID}, {SSHA512})`,
  );
  assert.doesNotMatch(refused.stderr, STACK_LINE);
  writeFileSync(file, `${good}\n`);
  const imported = porteiro(["users", "import", file, "--data", data]);
  assert.equal(imported.status, 0, imported.stderr);
  assert.equal(imported.stdout, `imported 1 account from ${file}\n`);
  const again = porteiro(["users", "import", file, "--data", data]);
  assert.equal(
    again.stdout,
    `imported 0 accounts from ${file}; 1 already present, kept as they were: ana@example.net\n`,
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
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
    },
  );
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

import assert from "node:assert/strict";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

test("operators add, list, passwd and remove; the password comes from stdin", (t) => {
  const data = tempDir(t, "operators-cli");
  const added = porteiro(["operators", "add", "Ana", "--role", "admin", "--data", data], "a long password\n");
  assert.equal(added.status, 0, added.stderr);
  assert.equal(added.stdout, "added operator ana (admin)\n");
  assert.equal(porteiro(["operators", "add", "bia", "--data", data], "another password\n").status, 0);
  const listed = JSON.parse(porteiro(["operators", "list", "--data", data, "--format", "json"]).stdout);
  assert.deepEqual(
    listed.map((o: { username: string; role: string }) => [o.username, o.role]),
    [
      ["ana", "admin"],
      ["bia", "operator"],
    ],
  );
  const passwd = porteiro(
    ["operators", "passwd", "bia", "--role", "read-only", "--data", data],
    "a new password\n",
  );
  assert.equal(passwd.stdout, "password changed for bia (now read-only)\n", passwd.stderr);
  assert.match(
    porteiro(["operators", "list", "--data", data]).stdout,
    /^bia\s+read-only\s+\d{4}-\d\d-\d\d$/m,
  );
  assert.equal(porteiro(["operators", "remove", "bia", "--data", data]).stdout, "removed operator bia\n");
});

test("operators errors are one line with exit 1", (t) => {
  const data = tempDir(t, "operators-cli-errors");
  for (const [args, input, message] of [
    [["operators", "add", "ana", "--data", data], "short\n", /at least 8 characters/],
    [["operators", "add", "<ana>", "--data", data], "a long password\n", /not a valid operator name/],
    [["operators", "remove", "nobody", "--data", data], undefined, /no operator nobody/],
    [["operators", "add", "ana", "--role", "root", "--data", data], "a long password\n", /not a role/],
  ] as const) {
    const result = porteiro(args, input);
    assert.notEqual(result.status, 0, args.join(" "));
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, STACK_LINE);
  }
  assert.equal(porteiro(["operators", "add", "ana", "--data", data], "a long password\n").status, 0);
  const again = porteiro(["operators", "add", "ana", "--data", data], "a long password\n");
  assert.equal(again.status, 1);
  assert.equal(again.stderr, "operator ana already exists\n");
});

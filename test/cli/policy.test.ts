import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro } from "./run.js";

test("policy render prints the ruleset for the day", () => {
  const result = porteiro([
    "policy",
    "render",
    "--plan",
    "examples/plan.yaml",
    "--format",
    "pbl",
    "--at",
    "2026-11-01",
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      "203.0.113.0/26",
      "203.0.113.80/28",
      "203.0.113.96/31",
      "203.0.113.98/32",
      "203.0.113.100/30",
      "203.0.113.104/29",
      "203.0.113.112/28",
      "203.0.113.128/25",
      "2001:db8:1000::/40",
      "",
    ].join("\n"),
  );
});

test("policy render --out writes every file of the format", (t) => {
  const dir = tempDir(t, "render");
  const result = porteiro([
    "policy",
    "render",
    "-c",
    "examples/porteiro.yaml",
    "--format",
    "iptables",
    "--out",
    dir,
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ["porteiro.ipset", "porteiro.rules.v4", "porteiro.rules.v6"]);
  const rules = readFileSync(join(dir, "porteiro.rules.v6"), "utf8");
  assert.match(rules, /^:porteiro-25 - \[0:0\]$/m);
  assert.match(rules, /^# The jump to the chain is added once, not here: ip6tables -C FORWARD/m);
});

test("policy diff lists what the change window does", () => {
  const result = porteiro([
    "policy",
    "diff",
    "--plan",
    "examples/plan.yaml",
    "--from",
    "2027-02-28",
    "--to",
    "2027-03-01",
    "--format",
    "csv",
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(
    result.stdout,
    "region,prefix,from,to,reason\nnorte,2001:db8:1000::/40,allowed,blocked,region norte goes from open to enforce\n",
  );
});

test("status reports today's policy from the config", () => {
  const result = porteiro(["status", "-c", "examples/porteiro.yaml", "--at", "2026-12-05"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Port-25 policy on 2026-12-05 \(action: reject\):/);
  assert.match(result.stdout, /^blocked: 8 prefixes, 239 IPv4 addresses, 0 IPv6 \/64s$/m);
});

test("policy token add prints a token once; list shows the routers; remove revokes", (t) => {
  const data = tempDir(t, "tokens");
  const added = porteiro(["policy", "token", "add", "edge-sul-01", "--data", data]);
  assert.equal(added.status, 0, added.stderr);
  assert.match(added.stdout, /^[A-Za-z0-9_-]{43}\n$/);
  assert.match(added.stderr, /shown this once, porteiro keeps only its hash/);
  const again = porteiro(["policy", "token", "add", "edge-sul-01", "--data", data]);
  assert.equal(again.status, 1);
  assert.equal(again.stderr, "a token named edge-sul-01 exists; remove it first to issue a new one\n");
  assert.equal(porteiro(["policy", "token", "add", "bad name", "--data", data]).status, 1);

  const listed = porteiro(["policy", "token", "list", "--data", data, "--format", "json"]);
  assert.equal(listed.status, 0, listed.stderr);
  const rows = JSON.parse(listed.stdout) as { name: string; last_used_at: string | null }[];
  assert.deepEqual(
    rows.map((r) => [r.name, r.last_used_at]),
    [["edge-sul-01", null]],
  );
  assert.doesNotMatch(listed.stdout, new RegExp(added.stdout.trim()), "the token is not shown again");
  assert.match(porteiro(["policy", "token", "list", "--data", data]).stdout, /^edge-sul-01 +\S+ +never$/m);

  const removed = porteiro(["policy", "token", "remove", "edge-sul-01", "--data", data]);
  assert.equal(removed.stdout, "removed the token of edge-sul-01\n");
  const gone = porteiro(["policy", "token", "remove", "edge-sul-01", "--data", data]);
  assert.equal(gone.status, 1);
  assert.equal(gone.stderr, "no token named edge-sul-01\n");
  assert.equal(porteiro(["policy", "token", "list", "--data", data]).stdout, "no tokens\n");
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

test("read-only commands on a data folder without a store say so, and create nothing", (t) => {
  const data = join(tempDir(t, "no-store"), "data");
  const reads = [
    ["flows", "report", "--plan", "examples/plan.yaml"],
    ["flows", "impact", "--plan", "examples/plan.yaml", "--at", "2027-01-01"],
    ["flows", "adoption", "--plan", "examples/plan.yaml"],
    ["queue", "list"],
    ["honeypot", "counters"],
    ["reputation", "lists"],
    ["reputation", "report"],
    ["complaints", "report", "--by", "asn"],
    ["complaints", "list"],
    ["complaints", "show", "1"],
    ["complaints", "reattribute"],
    ["leases", "lookup", "203.0.113.7", "--at", "2026-12-01T10:00:00Z"],
    ["leases", "list"],
    ["users", "list"],
    ["users", "remove", "ana@example.net"],
    ["users", "release", "ana@example.net"],
    ["operators", "list"],
    ["operators", "remove", "ana"],
    ["policy", "token", "list"],
    ["policy", "token", "remove", "edge-1"],
    ["rollout", "status"],
  ];
  for (const args of reads) {
    const result = porteiro([...args, "--data", data]);
    assert.equal(result.status, 1, `${args.join(" ")}: ${result.stderr}`);
    assert.equal(
      result.stderr,
      `no store at ${join(data, "porteiro.db")}; give --data DIR or -c porteiro.yaml naming the data folder\n`,
      args.join(" "),
    );
    assert.doesNotMatch(result.stderr, STACK_LINE);
    assert.equal(existsSync(data), false, `${args.join(" ")} made ${data}`);
  }
});

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

test("plan check summarises the reference plan", () => {
  const result = porteiro(["plan", "check", "examples/plan.yaml", "--at", "2026-11-15"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /examples\/plan\.yaml: ok — Example Telecom \(AS64500\): 4 pools, 2 regions/);
  assert.match(result.stdout, /^dynamic\s+sul\s+1\s+240\s+0$/m);
  assert.match(result.stdout, /^static\s+sul\s+1\s+16\s+0$/m);
  assert.match(result.stdout, /^sul\s+Sul\s+observe\s+2026-10-01\s+2026-12-01\s+enforce on 2026-12-01$/m);
  assert.match(result.stdout, /^norte\s+Norte\s+open\s+-\s+2027-03-01\s+enforce on 2027-03-01$/m);
});

test("plan check --format json", () => {
  const result = porteiro(["plan", "check", "examples/plan.yaml", "--at", "2027-03-01", "--format", "json"]);
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.deepEqual(
    summary.regions.map((r: { id: string; phase: string }) => [r.id, r.phase]),
    [
      ["sul", "enforce"],
      ["norte", "enforce"],
    ],
  );
  assert.equal(summary.space.find((s: { kind: string }) => s.kind === "infrastructure").ipv4_addresses, 64);
});

test("a bad plan prints file:line errors, exits 1 and shows no stack trace", (t) => {
  const dir = tempDir(t, "cli");
  const file = join(dir, "plan.yaml");
  writeFileSync(
    file,
    "isp: { name: X }\nregions:\n  - { id: sul, enforce_from: 2026-12-01 }\npools:\n  - { prefix: 203.0.113.1/24, kind: dynamic, region: sul }\n",
  );
  const result = porteiro(["plan", "check", file]);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    `${file}:5: "203.0.113.1/24" has host bits set; the network is 203.0.113.0/24\n`,
  );
});

test("bad arguments get one line and exit 1", () => {
  for (const args of [
    ["plan", "check", "/nonexistent.yaml"],
    ["plan", "check", "examples/plan.yaml", "--at", "2026-02-30"],
    ["policy", "render", "--plan", "examples/plan.yaml", "--format", "pf"],
    ["policy", "render", "--plan", "examples/plan.yaml", "--format", "nftables", "--region", "leste"],
    ["policy", "diff", "--plan", "examples/plan.yaml", "--from", "2026-01-01"],
  ]) {
    const result = porteiro(args);
    assert.equal(result.status, 1, args.join(" "));
    assert.doesNotMatch(result.stderr, STACK_LINE);
    assert.ok(result.stderr.trim().length > 0);
  }
});

test("an alias bomb in a plan or a config is a file:line error and exit 1, quickly", (t) => {
  const dir = tempDir(t, "cli");
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (const [below, name] of ["ab", "bc", "cd", "de", "ef", "fg", "gh", "hi"]) {
    levels.push(`${name}: &${name} [${Array(9).fill(`*${below}`).join(", ")}]`);
  }
  const plan = join(dir, "plan.yaml");
  writeFileSync(plan, `isp: { name: X }\n${levels.join("\n")}\n`);
  const checked = porteiro(["plan", "check", plan]);
  assert.equal(checked.status, 1, checked.stderr);
  assert.match(checked.stderr, new RegExp(`^${plan}:3: .*aliases expand to too many values`, "m"));
  assert.doesNotMatch(checked.stderr, STACK_LINE);

  const config = join(dir, "porteiro.yaml");
  writeFileSync(config, `data: ${dir}\n${levels.join("\n")}\n`);
  const served = porteiro(["policy", "render", "--format", "nftables", "--config", config]);
  assert.equal(served.status, 1, served.stderr);
  assert.match(served.stderr, new RegExp(`^${config}:3: .*aliases expand to too many values`, "m"));
  assert.doesNotMatch(served.stderr, STACK_LINE);
});

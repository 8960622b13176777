import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/cli/config.js";
import { loadPlan } from "../../src/plan/index.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

test("init writes a starter porteiro.yaml and plan.yaml that load, and the plan checks", (t) => {
  const dir = tempDir(t, "init");
  const result = porteiro(["init", "--dir", dir]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^wrote .*porteiro\.yaml\nwrote .*plan\.yaml\n/);
  const config = loadConfig(join(dir, "porteiro.yaml"));
  assert.equal(config.plan, join(dir, "plan.yaml"));
  assert.equal(config.data, join(dir, "data"));
  assert.equal(config.web.listen.port, 8025);
  assert.equal(config.web.submission_host, "mail.example.net");
  assert.equal(loadPlan(config.plan).plan.isp.name, "Example Telecom");
  assert.match(readFileSync(join(dir, "porteiro.yaml"), "utf8"), /^# porteiro's configuration/);
  assert.equal(porteiro(["plan", "check", join(dir, "plan.yaml")]).status, 0);
});

test("init refuses to overwrite without --force", (t) => {
  const dir = tempDir(t, "init-force");
  assert.equal(porteiro(["init", "--dir", dir]).status, 0);
  const again = porteiro(["init", "--dir", dir]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /porteiro\.yaml and .*plan\.yaml already exist; add --force to overwrite\n$/);
  assert.doesNotMatch(again.stderr, STACK_LINE);
  assert.equal(porteiro(["init", "--dir", dir, "--force"]).status, 0);
});

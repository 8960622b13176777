import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

/** `porteiro serve` with the web server only, on a free loopback port. */
async function serveWeb(data: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/index.ts",
      "serve",
      "--data",
      data,
      "--web",
      "127.0.0.1:0",
      "--no-submission",
      "--no-collector",
    ],
    { env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent" } },
  );
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline && child.exitCode === null) {
    url = /web console and help site on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
    if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!url) {
    child.kill("SIGKILL");
    throw new Error(`serve did not start:\n${stdout}`);
  }
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

test("rollout push sends a signed report the coordinator verifies; an unknown organisation or a wrong key is refused", async (t) => {
  const dir = tempDir(t, "rollout-cli");
  const coordinator = join(dir, "coordinator");
  const isp = join(dir, "isp");
  const key = join(dir, "isp.key");
  const keygen = porteiro(["rollout", "keygen", "--out", key]);
  assert.equal(keygen.status, 0, keygen.stderr);
  assert.match(keygen.stdout, /fingerprint: [0-9a-f]{64}/);
  assert.equal(porteiro(["rollout", "keygen", "--out", key]).status, 1, "a key is never overwritten");
  for (const args of [
    [
      "org",
      "add",
      "example-telecom",
      "--name",
      "Example Telecom",
      "--type",
      "isp",
      "--public-key",
      `${key}.pub`,
    ],
    ["region", "add", "sul", "--name", "Sul"],
    ["region", "add", "norte", "--name", "Norte"],
  ]) {
    const result = porteiro(["rollout", ...args, "--data", coordinator]);
    assert.equal(result.status, 0, result.stderr);
  }
  const served = await serveWeb(coordinator);
  t.after(served.stop);
  const push = (extra: string[]) =>
    porteiro([
      "rollout",
      "push",
      "--data",
      isp,
      "--plan",
      "examples/plan.yaml",
      "--key",
      key,
      "--to",
      served.url,
      ...extra,
    ]);

  const sent = push(["--date", "2026-12-05"]);
  assert.equal(sent.status, 0, sent.stderr);
  assert.match(sent.stdout, /sent 2 reports for example-telecom as of 2026-12-05/);
  assert.match(sent.stdout, /sul +enforce/);

  const unknown = push(["--org", "someone-else"]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /refused the push: 401 unknown organisation "someone-else"/);
  const otherKey = join(dir, "other.key");
  porteiro(["rollout", "keygen", "--out", otherKey]);
  const wrong = porteiro([
    "rollout",
    "push",
    "--data",
    isp,
    "--plan",
    "examples/plan.yaml",
    "--key",
    otherKey,
    "--to",
    served.url,
  ]);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /401 the signature does not verify/);
  for (const r of [unknown, wrong]) assert.doesNotMatch(r.stderr, STACK_LINE);
  await served.stop();

  const store = openStore(coordinator);
  const rows = store.prepare("SELECT region_id, phase, source FROM rollout_reports ORDER BY region_id").all();
  store.close();
  assert.deepEqual(rows, [
    { region_id: "norte", phase: "notify", source: "pushed" },
    { region_id: "sul", phase: "enforce", source: "pushed" },
  ]);
});

test("rollout commands answer a user's mistake in one line", async (t) => {
  const dir = tempDir(t, "rollout-cli");
  const missingKey = porteiro([
    "rollout",
    "push",
    "--data",
    dir,
    "--plan",
    "examples/plan.yaml",
    "--key",
    join(dir, "none.key"),
    "--to",
    "http://127.0.0.1:1/",
  ]);
  assert.equal(missingKey.status, 1);
  assert.match(missingKey.stderr, /none\.key: cannot read the private key/);
  const badType = porteiro(["rollout", "org", "add", "x", "--name", "X", "--type", "bank", "--data", dir]);
  assert.notEqual(badType.status, 0);
  assert.match(badType.stderr, /expected one of isp/);
  const notKey = porteiro([
    "rollout",
    "org",
    "add",
    "x",
    "--name",
    "X",
    "--type",
    "isp",
    "--public-key",
    "examples/plan.yaml",
    "--data",
    dir,
  ]);
  assert.equal(notKey.status, 1);
  assert.match(notKey.stderr, /not a PEM public key/);
  for (const r of [missingKey, badType, notKey]) assert.doesNotMatch(r.stderr, STACK_LINE);
});

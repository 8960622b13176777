import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";

/** The first line a TCP service sends. */
function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(10_000, () => socket.destroy(new Error("no greeting")));
    socket.once("data", (chunk) => {
      socket.end("QUIT\r\n");
      resolve(chunk.toString("latin1").split("\r\n")[0] ?? "");
    });
    socket.once("error", reject);
  });
}

test("porteiro serve runs the honeypot sensor when porteiro.yaml has a honeypot: section", {
  timeout: 90_000,
}, async (t) => {
  const dir = tempDir(t, "serve-honeypot");
  const config = join(dir, "porteiro.yaml");
  writeFileSync(
    config,
    "data: data\nhoneypot:\n  hostname: relay.example.net\n  http: null\n  socks: null\n  smtp: 127.0.0.1:0\n",
  );
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/index.ts",
      "serve",
      "-c",
      config,
      "--web",
      "127.0.0.1:0",
      "--no-submission",
      "--no-collector",
    ],
    { env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent" } },
  );
  t.after(() => child.kill("SIGKILL"));
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let port: string | undefined;
  while (!port && Date.now() < deadline && child.exitCode === null) {
    port = /porteiro honeypot: smtp listening on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(port, `the sensor did not start:\n${stdout}`);
  assert.doesNotMatch(stdout, /honeypot: (http|socks)/, "listeners set to null stay off");
  assert.match(await greeting(Number(port)), /^220 relay\.example\.net/);
  child.kill("SIGTERM");
  assert.equal(await exited, 0);
});

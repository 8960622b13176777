import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";

const { PORTEIRO_LOG_FORMAT: _chosen, ...inherited } = process.env;

/** The collector's first log line on stderr, then the collector is stopped. */
function firstLogLine(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
      env: { ...inherited, PORTEIRO_LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("\n")) child.kill("SIGTERM");
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(stderr.split("\n")[0] ?? "");
    });
  });
}

test("--log-format and PORTEIRO_LOG_FORMAT pick JSON lines or readable lines", async (t) => {
  const data = tempDir(t, "log");
  const collect = ["flows", "collect", "--data", data, "--listen", "udp://127.0.0.1:0"];
  const json = JSON.parse(await firstLogLine(["--log-format", "json", ...collect]));
  assert.equal(json.msg, "flow collector listening");
  assert.equal(json.name, "flows");

  const readable = await firstLogLine(["--log-format", "pretty", ...collect]);
  assert.match(
    readable,
    /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] INFO \(flows\): flow collector listening \{.*"address":"127\.0\.0\.1"/,
  );

  const fromEnv = await firstLogLine(collect, { PORTEIRO_LOG_FORMAT: "pretty" });
  assert.match(fromEnv, /INFO \(flows\): flow collector listening/);
  // Not a terminal and nothing chosen: machines get JSON.
  assert.equal(JSON.parse(await firstLogLine(collect)).msg, "flow collector listening");

  const wrong = await firstLogLine(["--log-format", "xml", ...collect]);
  assert.match(wrong, /option '--log-format <format>' argument 'xml' is invalid/);
});

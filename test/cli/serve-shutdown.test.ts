import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openStore } from "../../src/store/index.js";
import { CLOCK, flow4 } from "../flows/decode-helpers.js";
import { v5Packet } from "../flows/exports.js";
import { tempDir } from "../helpers/tmp.js";

test("serve's SIGTERM stops the honeypot and the store after the collector fails to stop, and exits", {
  timeout: 120_000,
}, async (t) => {
  const dir = tempDir(t, "serve-shutdown");
  const data = join(dir, "data");
  const config = join(dir, "porteiro.yaml");
  writeFileSync(
    config,
    "honeypot:\n  hostname: relay.example.net\n  http: null\n  socks: null\n  smtp: 127.0.0.1:0\n",
  );
  const child = spawn(
    process.execPath,
    [
      ...["--import", "tsx", "src/cli/index.ts", "serve", "-c", config, "--data", data],
      ...["--web", "127.0.0.1:0", "--no-submission", "--collect", "udp://127.0.0.1:0"],
    ],
    { env: { ...process.env, PORTEIRO_LOG_LEVEL: "info" } },
  );
  t.after(() => child.kill("SIGKILL"));
  // Its lines on stdout, and its log (JSON lines) and error on stderr.
  const out = { stdout: "", stderr: "" };
  for (const name of ["stdout", "stderr"] as const) {
    child[name].on("data", (chunk: Buffer) => {
      out[name] += chunk.toString("utf8");
    });
  }
  const output = () => out.stdout + out.stderr;
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, what: string) => {
    // Generous: a loaded CI machine starts the process slowly.
    const deadline = Date.now() + 60_000;
    while (!pattern.test(output())) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `${what}:\n${output()}`);
      await sleep(50);
    }
  };
  await waitFor(/porteiro honeypot: smtp listening/, "the honeypot did not start");
  const port = Number(/collecting on udp:\/\/127\.0\.0\.1:(\d+)/.exec(out.stdout)?.[1]);

  // The store refuses every flow aggregate from now on, as it refused a batch with a bad time.
  const store = openStore(data);
  t.after(() => store.close());
  store.exec("CREATE TRIGGER refuse BEFORE INSERT ON flow_hours BEGIN SELECT RAISE(ABORT, 'refused'); END");
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) =>
    socket.send(v5Packet([flow4(1, 25)], CLOCK), port, "127.0.0.1", (e) => (e ? reject(e) : resolve())),
  );
  socket.close();
  // The flush job fails and keeps the aggregate, so that the collector's stop fails to write it.
  await waitFor(/refused 1 flow aggregates, kept for the next flush/, "no flush failed");

  child.kill("SIGTERM");
  const code = await Promise.race([
    exited,
    sleep(30_000, "still running 30 s after SIGTERM", { ref: false }),
  ]);
  assert.equal(code, 2, output());
  const logged = out.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg: string; service?: string; err?: string });
  assert.deepEqual(
    logged.filter((l) => l.msg === "failed to stop").map((l) => [l.service, l.err]),
    [["flows", "the flow store (sqlite) refused 1 flow aggregates, lost at shutdown (refused)"]],
  );
  assert.equal(logged.at(-1)?.msg, "stopped", "every later service stopped and the store closed");
  assert.match(out.stderr, /porteiro: internal error: flows did not stop cleanly/);
});

/**
 * The honeypot commands as a user runs them: serve (stopped by SIGTERM, exit 0), report,
 * export (loaded into a real rbldnsd and queried with dig), sessions and show.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

async function serveAndSend(data: string): Promise<void> {
  const sensor = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/index.ts",
      "honeypot",
      "serve",
      "--data",
      data,
      "--socks",
      "127.0.0.1:0",
      "--smtp",
      "127.0.0.1:0",
    ],
    { env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening: ${stdout}`)), 30_000);
    sensor.stdout.on("data", (d) => {
      stdout += d;
      const found = Object.fromEntries(
        [...stdout.matchAll(/^honeypot (\w+) listening on 127\.0\.0\.1:(\d+)$/gm)].map((m) => [
          m[1],
          Number(m[2]),
        ]),
      );
      if (found.socks && found.smtp) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  const sent = spawnSync(
    "python3",
    [
      "-c",
      `
import smtplib
s = smtplib.SMTP("127.0.0.1", ${ports.smtp}, local_hostname="bot\\x1b[31m.example")
s.sendmail("s@spam.example", ["r1@victim.example", "r2@victim.example"], b"Subject: Hi 1\\r\\n\\r\\nhello\\r\\n")
s.quit()`,
    ],
    { encoding: "utf8" },
  );
  assert.equal(sent.status, 0, sent.stderr);
  const exited = new Promise<number | null>((resolve) => sensor.on("exit", resolve));
  sensor.kill("SIGTERM");
  assert.equal(await exited, 0);
}

test("honeypot serve captures until SIGTERM; report, sessions and show print it with attacker text escaped", async (t) => {
  if (!requirePeers(t, ["python3"])) return;
  const data = tempDir(t, "honeypot-cli");
  await serveAndSend(data);
  const report = porteiro(["honeypot", "report", "--data", data, "--by", "listener", "--format", "json"]);
  assert.equal(report.status, 0, report.stderr);
  const parsed = JSON.parse(report.stdout) as { rows: unknown[]; abroad_share: unknown };
  assert.deepEqual(parsed.rows, [{ key: "smtp", sessions: 1, messages: 1, recipients: 2 }]);
  assert.equal(parsed.abroad_share, null);
  const csv = porteiro([
    "honeypot",
    "report",
    "--data",
    data,
    "--by",
    "destination-domain",
    "--format",
    "csv",
  ]);
  assert.equal(csv.stdout, "key,sessions,messages,recipients\nvictim.example,1,1,2\n");
  const sessions = porteiro(["honeypot", "sessions", "--data", data]);
  assert.match(sessions.stdout, /bot\\x1b\[31m\.example/);
  assert.ok(!sessions.stdout.includes(String.fromCharCode(0x1b)), "no raw ESC reaches the terminal");
  const show = porteiro(["honeypot", "show", "1", "--data", data]);
  assert.match(show.stdout, /^path: smtp$/m);
  assert.match(
    show.stdout,
    /^message 1: from <s@spam\.example> to <r1@victim\.example> <r2@victim\.example>$/m,
  );
  const missing = porteiro(["honeypot", "show", "99", "--data", data]);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, "no honeypot session 99\n");
  const bad = porteiro(["honeypot", "report", "--data", data, "--by", "planet"]);
  assert.equal(bad.status, 1);
  assert.doesNotMatch(bad.stderr, STACK_LINE);
});

test("honeypot export writes a zone that rbldnsd loads and answers 127.0.0.2 for a listed source", async (t) => {
  if (!requirePeers(t, ["python3", "rbldnsd", "dig"])) return;
  const data = tempDir(t, "honeypot-export");
  await serveAndSend(data);
  const plain = porteiro(["honeypot", "export", "--data", data, "--format", "plain"]);
  assert.equal(plain.stdout, "127.0.0.1\n");
  const zone = join(data, "honeypot.zone");
  assert.equal(porteiro(["honeypot", "export", "--data", data, "-o", zone]).status, 0);
  chmodSync(data, 0o755);
  chmodSync(zone, 0o644);
  const port = 20000 + (process.pid % 20000);
  const dns = spawn(
    "rbldnsd",
    ["-n", "-f", "-u", "nobody", "-b", `127.0.0.1/${port}`, `bl.example:combined:${zone}`],
    { stdio: "ignore" },
  );
  t.after(() => dns.kill());
  const ask = (name: string) =>
    spawnSync("dig", ["+short", "+tries=5", "+time=1", "-p", String(port), "@127.0.0.1", name, "A"], {
      encoding: "utf8",
    }).stdout.trim();
  let answer = "";
  for (let i = 0; i < 20 && answer === ""; i++) {
    await new Promise((r) => setTimeout(r, 100));
    answer = ask("1.0.0.127.bl.example");
  }
  assert.equal(answer, "127.0.0.2");
  assert.equal(ask("2.0.0.127.bl.example"), "");
});

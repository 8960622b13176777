import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { Spool } from "../../src/submission/index.js";
import { porteiro } from "../cli/run.js";
import { requirePeers } from "../helpers/peers.js";
import { exitWithin, serve } from "../helpers/serve-cli.js";
import { PASSWORD, replies, requireSwaks, run, USER } from "../helpers/submission.js";
import { tempDir } from "../helpers/tmp.js";

test("porteiro submission serve: self-signed certificate made once, mail accepted, SIGTERM exits 0", async (t) => {
  if (!requireSwaks(t)) return;
  const dataDir = tempDir(t, "serve");
  const added = porteiro(["users", "add", USER, "--data", dataDir], `${PASSWORD}\n`);
  assert.equal(added.status, 0, added.stderr);

  const first = await serve(dataDir);
  t.after(() => first.child.kill("SIGKILL"));
  assert.match(first.stdout(), /generated a self-signed certificate for mail\.example\.net/);
  const certFile = join(dataDir, "tls", "selfsigned.crt");
  assert.ok(existsSync(certFile));
  const cert = readFileSync(certFile, "utf8");
  const sent = await run("swaks", [
    "--server",
    "127.0.0.1",
    "--port",
    String(first.implicitTls),
    "--tls-on-connect",
    "--auth",
    "PLAIN",
    "--auth-user",
    USER,
    "--auth-password",
    PASSWORD,
    "--from",
    USER,
    "--to",
    "bia@example.org",
    "--timeout",
    "20",
  ]);
  assert.equal(sent.status, 0, sent.stdout);
  assert.ok(replies(sent.stdout).some((r) => r.startsWith("250 2.0.0 Ok: queued as ")));
  first.child.kill("SIGTERM");
  assert.equal(await exitWithin(first, 20_000), 0);

  const second = await serve(dataDir);
  t.after(() => second.child.kill("SIGKILL"));
  assert.doesNotMatch(second.stdout(), /generated/);
  assert.equal(readFileSync(certFile, "utf8"), cert, "the pair is reused");
  second.child.kill("SIGINT");
  assert.equal(await exitWithin(second, 20_000), 0);

  const db = openStore(dataDir);
  t.after(() => db.close());
  const spool = new Spool(db, dataDir);
  const [message] = spool.messages();
  assert.ok(message, "the message is in the spool");
  assert.deepEqual(
    spool.recipients(message.id).map((r) => [r.recipient, r.state]),
    [["bia@example.org", "queued"]],
  );
});

test("SIGTERM lets a message in the middle of DATA finish with 250, then exits 0", async (t) => {
  if (!requirePeers(t, ["python3", "openssl"])) return;
  const dataDir = tempDir(t, "serve-sigterm");
  assert.equal(porteiro(["users", "add", USER, "--data", dataDir], `${PASSWORD}\n`).status, 0);
  const served = await serve(dataDir);
  t.after(() => served.child.kill("SIGKILL"));
  const script = `
import smtplib, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
client = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), timeout=20, context=context)
client.login("${USER}", "${PASSWORD}")
client.mail("${USER}")
client.rcpt("bia@example.org")
client.putcmd("data")
print(client.getreply()[0], flush=True)
client.send(b"Subject: in flight\\r\\n\\r\\nfirst half\\r\\n")
print("in-data", flush=True)
sys.stdin.readline()
client.send(b"second half\\r\\n.\\r\\n")
code, text = client.getreply()
print(code, text.decode(), flush=True)
`;
  const python = spawn("python3", ["-c", script, String(served.implicitTls)]);
  t.after(() => python.kill("SIGKILL"));
  let output = "";
  python.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const pythonDone = new Promise<number | null>((resolve) => python.on("close", resolve));
  const deadline = Date.now() + 20_000;
  while (!output.includes("in-data") && Date.now() < deadline && python.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(output, /^354\nin-data\n/);
  served.child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 300));
  python.stdin.end("go\n");
  assert.equal(await pythonDone, 0);
  assert.match(output, /\n250 2\.0\.0 Ok: queued as \S+\n$/);
  assert.equal(await exitWithin(served, 20_000), 0);
  const db = openStore(dataDir);
  t.after(() => db.close());
  assert.equal(new Spool(db, dataDir).messages().length, 1);
});

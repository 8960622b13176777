/**
 * The spool's promise under fire: while clients keep sending, the submission service is killed
 * with SIGKILL several times and restarted; every message that got a 250 must reach the
 * downstream Postfix (duplicates are allowed, losses are not).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createTransport } from "nodemailer";
import { openStore } from "../../src/store/index.js";
import { UserStore } from "../../src/submission/index.js";
import { freePort, startPostfix } from "../helpers/postfix.js";
import { PASSWORD, USER } from "../helpers/submission.js";
import { tempDir } from "../helpers/tmp.js";

const RECIPIENT = "bob@example.org";
const ROUNDS = 3;
const SENDERS = 6;
/** Acknowledgements each round waits for before the kill, so a slow machine still tests something. */
const PER_ROUND = 8;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A process killed by a signal has a signalCode and no exitCode. */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function startService(args: readonly string[], port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/index.ts", "submission", "serve", ...args],
    {
      stdio: "ignore",
      env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent" },
    },
  );
  const deadline = Date.now() + 30_000;
  while (!(await portOpen(port))) {
    if (Date.now() > deadline || exited(child)) throw new Error("the submission service did not start");
    await sleep(100);
  }
  return child;
}

test("kill -9 while accepting and delivering: every acknowledged message is delivered", {
  timeout: 180_000,
}, async (t) => {
  const postfix = await startPostfix(t, { mailboxes: [RECIPIENT] });
  if (!postfix) return;
  const data = tempDir(t, "crash");
  const db = openStore(data);
  await new UserStore(db).add(USER, PASSWORD);
  db.close();
  const [port, tlsPort] = [await freePort(), await freePort()];
  // A load test, not an abuse test: lift the per-user limits so no message is held.
  const config = join(data, "porteiro.yaml");
  writeFileSync(
    config,
    "submission:\n  limits: { messages_per_minute: 100000, messages_per_hour: 100000, messages_per_day: 100000,\n" +
      "    recipients_per_minute: 100000, recipients_per_hour: 100000, recipients_per_day: 100000 }\n",
  );
  const args = [
    "-c",
    config,
    "--data",
    data,
    "--listen",
    `127.0.0.1:${port}`,
    "--listen-tls",
    `127.0.0.1:${tlsPort}`,
    "--smarthost",
    `127.0.0.1:${postfix.port}`,
  ];
  let service: ChildProcess | undefined;
  t.after(() => service?.kill("SIGKILL"));

  const acknowledged = new Set<number>();
  let next = 0;
  let killed = false;
  const send = async () => {
    // One pooled session per sender, so a kill lands mid-transaction, not mid-login.
    const transport = createTransport({
      pool: true,
      maxConnections: 1,
      host: "127.0.0.1",
      port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: USER, pass: PASSWORD },
    });
    try {
      while (!killed) {
        const seq = next++;
        try {
          await transport.sendMail({
            from: USER,
            to: RECIPIENT,
            subject: `crash test ${seq}`,
            headers: { "X-Seq": String(seq) },
            text: `message ${seq}\n${"x".repeat(2000)}\n`,
          });
          acknowledged.add(seq);
        } catch {
          // Cut off by the kill: never acknowledged, so nothing is owed.
          return;
        }
      }
    } finally {
      transport.close();
    }
  };

  for (let round = 0; round < ROUNDS; round++) {
    service = await startService(args, port);
    killed = false;
    const before = acknowledged.size;
    const senders = Array.from({ length: SENDERS }, () => send());
    // Kill once this round has had its acknowledgements (bounded in time), a little later each round.
    const deadline = Date.now() + 60_000;
    while (acknowledged.size < before + PER_ROUND && Date.now() < deadline) await sleep(20);
    await sleep(100 + round * 150);
    killed = true;
    service.kill("SIGKILL");
    await Promise.all(senders);
    await new Promise((resolve) =>
      service && !exited(service) ? service.once("exit", resolve) : resolve(null),
    );
  }
  assert.ok(acknowledged.size >= ROUNDS * PER_ROUND, `only ${acknowledged.size} messages were acknowledged`);

  service = await startService(args, port);
  const delivered = new Set<number>();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && [...acknowledged].some((seq) => !delivered.has(seq))) {
    for (const message of postfix.mail(RECIPIENT)) {
      const seq = /^X-Seq: (\d+)$/m.exec(message.toString("utf8"));
      if (seq) delivered.add(Number(seq[1]));
    }
    await sleep(250);
  }
  const lost = [...acknowledged].filter((seq) => !delivered.has(seq));
  assert.deepEqual(
    lost,
    [],
    `acknowledged but never delivered (of ${acknowledged.size}); delivered ${[...delivered].sort((a, b) => a - b).join(",")}`,
  );
  t.diagnostic(`${acknowledged.size} acknowledged over ${ROUNDS} kills, all delivered`);
});

import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { test } from "node:test";
import { openStore } from "../../../src/store/index.js";
import { Authenticator, type SenderRule } from "../../../src/submission/auth/authenticator.js";
import { DovecotBackend } from "../../../src/submission/auth/dovecot-backend.js";
import { BackendUnavailableError, SubmissionMetrics, UserStore } from "../../../src/submission/index.js";
import { dovecotHash, startDovecot } from "../../helpers/dovecot.js";
import { requirePeers } from "../../helpers/peers.js";
import { plainToken, readyForAuth, startTestService } from "../../helpers/submission.js";
import { tempDir } from "../../helpers/tmp.js";

function authenticatorOn(t: TestContext, socket: string, senderRule: SenderRule = "address") {
  const db = openStore(tempDir(t, "dovecot-auth"));
  const users = new UserStore(db);
  const metrics = new SubmissionMetrics();
  const authenticator = new Authenticator({
    backend: new DovecotBackend({ socket, timeoutMs: 5000 }),
    users,
    cache: { size: 100, ttlMs: 60_000 },
    senderRule,
    metrics,
  });
  t.after(async () => {
    await authenticator.close();
    db.close();
  });
  const results = async () =>
    Object.fromEntries((await metrics.authChecks.get()).values.map((v) => [v.labels.result, v.value]));
  return { users, authenticator, results };
}

test("Dovecot's passdb decides: SHA512-CRYPT and BLF-CRYPT users log in, wrong passwords do not", async (t) => {
  if (!requirePeers(t, ["dovecot", "doveadm"])) return;
  const dovecot = await startDovecot(t, {
    "ana@example.net": dovecotHash("SHA512-CRYPT", "correct horse battery"),
    "bia@example.net": dovecotHash("BLF-CRYPT", "another good password"),
  });
  const { users, authenticator, results } = authenticatorOn(t, dovecot.socket, "domain");
  // Each check from another client address: Dovecot's own penalty slows an address's answers after failures.
  let client = 0;
  const check = (user: string, password: string) =>
    authenticator.check("clean", user, password, `192.0.2.${++client}`);
  assert.equal(await check("ana@example.net", "correct horse battery"), "ana@example.net");
  assert.equal(await check("bia@example.net", "another good password"), "bia@example.net");
  assert.equal(await check("ana@example.net", "wrong password"), undefined);
  assert.equal(await check("nobody@example.net", "correct horse battery"), undefined);
  // A local record now holds the account's holds and suspension; its domain rule lets it send as the domain.
  assert.deepEqual(authenticator.account("bia@example.net")?.senders, ["*@example.net"]);
  assert.equal(await check("ana@example.net", "correct horse battery"), "ana@example.net");
  assert.deepEqual(await results(), { cache_hit: 1, verified: 2, failed: 2 });
  users.setSuspended("ana@example.net", true);
  assert.equal(await check("ana@example.net", "correct horse battery"), undefined);
});

test("an unreachable Dovecot is a temporary failure: 454 4.7.0, a log line and a metric, never a login", async (t) => {
  const missing = join(tempDir(t, "no-dovecot"), "auth-client");
  const { authenticator, results } = authenticatorOn(t, missing);
  await assert.rejects(
    authenticator.check("clean", "ana@example.net", "correct horse battery", "192.0.2.1") as Promise<unknown>,
    (error: Error) =>
      error instanceof BackendUnavailableError && /dovecot auth at .*: ENOENT/.test(error.message),
  );
  assert.deepEqual(await results(), { unavailable: 1 });

  const running = await startTestService(t, { auth: { backend: "dovecot", socket: missing } });
  const session = await readyForAuth(running.service.implicitTls.port);
  t.after(() => session.close());
  session.send(`AUTH PLAIN ${plainToken("", "ana@example.net", "correct horse battery")}`);
  assert.match(await session.reply(), /^454 4\.7\.0 Temporary authentication failure/);
});

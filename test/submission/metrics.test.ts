import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { Spool, SubmissionMetrics, UserStore } from "../../src/submission/index.js";
import { porteiro } from "../cli/run.js";
import { exitWithin, serve } from "../helpers/serve-cli.js";
import { PASSWORD, requireSwaks, run, USER } from "../helpers/submission.js";
import { tempDir } from "../helpers/tmp.js";

/** The value of one sample in Prometheus text, e.g. `name{label="x"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) assert.fail(`nothing within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("porteiro submission serve --metrics: GET /metrics counts what the service did", async (t) => {
  if (!requireSwaks(t)) return;
  const dataDir = tempDir(t, "metrics");
  assert.equal(porteiro(["users", "add", USER, "--data", dataDir], `${PASSWORD}\n`).status, 0);
  const served = await serve(dataDir, ["--metrics", "127.0.0.1:0"]);
  t.after(() => served.child.kill("SIGKILL"));
  const port = await waitFor(
    () => /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(served.stdout())?.[1],
    10_000,
  );
  const url = `http://127.0.0.1:${port}`;
  const scrape = async () => {
    const response = await fetch(`${url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    return response.text();
  };

  const before = await scrape();
  assert.equal(sample(before, "porteiro_submission_messages_accepted_total"), 0);
  assert.equal(sample(before, 'porteiro_submission_rejections_total{reason="smuggling"}'), 0);
  assert.equal((await fetch(`${url}/`)).status, 404);

  const swaks = (from: string) =>
    run("swaks", [
      ...["--server", "127.0.0.1", "--port", String(served.implicitTls), "--tls-on-connect"],
      ...["--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASSWORD],
      ...["--from", from, "--to", "bia@example.org,caio@example.com", "--timeout", "20"],
    ]);
  assert.equal((await swaks(USER)).status, 0);
  assert.equal((await swaks("ceo@bank.example")).status, 23);
  const anonymous = await run("swaks", [
    ...["--server", "127.0.0.1", "--port", String(served.implicitTls), "--tls-on-connect"],
    ...["--from", USER, "--to", "bia@example.org", "--timeout", "20"],
  ]);
  assert.notEqual(anonymous.status, 0);
  const db = openStore(dataDir);
  t.after(() => db.close());
  new UserStore(db).hold(USER, "test hold");

  const after = await scrape();
  assert.equal(sample(after, "porteiro_submission_messages_accepted_total"), 1);
  assert.equal(sample(after, "porteiro_submission_recipients_accepted_total"), 2);
  assert.equal(sample(after, 'porteiro_submission_rejections_total{reason="sender_not_owned"}'), 1);
  assert.equal(sample(after, 'porteiro_submission_rejections_total{reason="auth_failure"}'), 0);
  assert.equal(sample(after, 'porteiro_submission_rejections_total{reason="auth_required"}'), 1);
  assert.equal(sample(after, "porteiro_submission_accounts_held"), 1, "read from the store at scrape time");
  // The smarthost is port 9 of loopback, where nothing listens: both recipients are deferred.
  const deferred = await waitFor(async () => {
    const n = sample(await scrape(), 'porteiro_submission_deliveries_total{outcome="deferred"}');
    return n && n >= 2 ? n : undefined;
  }, 15_000);
  assert.equal(deferred, 2);

  served.child.kill("SIGTERM");
  assert.equal(await exitWithin(served, 20_000), 0);
});

test("the queue gauges read the spool's depth and its oldest message's age at each scrape", async (t) => {
  const dir = tempDir(t, "queue-gauges");
  const db = openStore(dir);
  t.after(() => db.close());
  const spool = new Spool(db, dir);
  const metrics = new SubmissionMetrics();
  metrics.countQueue(() => spool.depth());
  const empty = await metrics.registry.metrics();
  assert.equal(sample(empty, "porteiro_submission_queue_messages"), 0);
  assert.equal(sample(empty, "porteiro_submission_queue_oldest_age_seconds"), 0);

  const writer = await spool.create();
  await writer.write(Buffer.from("Subject: hi\r\n\r\nhello\r\n"));
  const message = await writer.commit({
    username: USER,
    mailFrom: USER,
    recipients: ["bob@example.org"],
    clientAddress: "192.0.2.10",
  });
  db.prepare("UPDATE spool_messages SET received_at = ? WHERE id = ?").run(
    new Date(Date.now() - 3_600_000).toISOString(),
    message.id,
  );
  const one = await metrics.registry.metrics();
  assert.equal(sample(one, "porteiro_submission_queue_messages"), 1);
  const age = sample(one, "porteiro_submission_queue_oldest_age_seconds") ?? 0;
  assert.ok(age >= 3600 && age < 3700, `age ${age}`);
});

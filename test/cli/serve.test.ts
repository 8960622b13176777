import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { outlookAccount, thunderbirdAccount } from "../helpers/mail-client-rules.js";
import { tempDir } from "../helpers/tmp.js";
import { serveWeb } from "../helpers/web-serve.js";

const PASSWORD = "demo password 1";

interface Served {
  readonly url: string;
  readonly stdout: () => string;
  readonly stop: () => Promise<number | null>;
}

/** `porteiro serve --demo` on free loopback ports; resolves once the web URL is printed. */
async function serve(data: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/index.ts",
      "serve",
      "--demo",
      "--data",
      data,
      "--web",
      "127.0.0.1:0",
      "--listen",
      "127.0.0.1:0",
      "--listen-tls",
      "127.0.0.1:0",
      "--collect",
      "udp://127.0.0.1:0",
      "--hostname",
      "mail.example.net",
      "--smarthost",
      "127.0.0.1:9",
    ],
    { env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent", PORTEIRO_DEMO_PASSWORD: PASSWORD } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const started = Date.now();
  // Everything up to the collector is printed once the web server answers and the services listen.
  while (
    !/porteiro flows: collecting/.test(stdout) &&
    Date.now() - started < 30_000 &&
    child.exitCode === null
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /web console and help site on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
  if (!url || !/porteiro flows: collecting/.test(stdout)) {
    child.kill("SIGKILL");
    throw new Error(`serve did not start within 30 s:\n${stdout}\n${stderr}`);
  }
  return {
    url,
    stdout: () => stdout,
    stop: async () => {
      child.kill("SIGTERM");
      const timeout = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await exited;
      clearTimeout(timeout);
      return code;
    },
  };
}

async function logIn(url: string): Promise<string> {
  const response = await fetch(`${url}console/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "demo", password: PASSWORD, next: "/console/" }),
    redirect: "manual",
  });
  assert.equal(response.status, 303);
  return String(response.headers.get("set-cookie")).split(";")[0] as string;
}

test("porteiro serve --demo runs web, submission and collector; logs in over HTTP; SIGTERM exits 0; a second start reuses the data", async (t) => {
  const data = tempDir(t, "serve");
  const first = await serve(data);
  try {
    assert.match(first.stdout(), /^demo login: demo \/ demo password 1$/m);
    assert.match(
      first.stdout(),
      /porteiro submission: mail\.example\.net listening on 127\.0\.0\.1:\d+ \(STARTTLS\)/,
    );
    const help = await fetch(first.url);
    assert.equal(help.status, 200);
    // The demo speaks Brazilian Portuguese to subscribers unless they ask otherwise.
    assert.match(await help.text(), /Ainda consigo enviar e-mails\?/);
    assert.equal((await fetch(`${first.url}console/`, { redirect: "manual" })).status, 302);

    const cookie = await logIn(first.url);
    const shell = await fetch(`${first.url}console/`, { headers: { cookie } });
    assert.equal(shell.status, 200);
    assert.match(await shell.text(), /demo \(admin\)/);
    const progress = await (await fetch(`${first.url}api/demo/progress`, { headers: { cookie } })).json();
    assert.ok(["unavailable", "seeding", "ready"].includes(progress.state), JSON.stringify(progress));
    const metrics = await (await fetch(`${first.url}metrics`)).text();
    assert.match(metrics, /porteiro_submission_messages_accepted_total/);
    assert.match(metrics, /porteiro_web_sessions_active 1/);
    assert.match(metrics, /^porteiro_flows_receive_buffer_bytes [1-9]\d*$/m);
    assert.match(metrics, /^porteiro_complaints_stored \d+$/m);

    // The demo names its synthetic ISP's mailbox servers, so both clients get a complete answer.
    assert.doesNotMatch(first.stdout(), /autoconfig is off/);
    const address = "ana@aurora.example";
    const thunderbird = await fetch(`${first.url}mail/config-v1.1.xml?emailaddress=${address}`);
    assert.equal(thunderbird.status, 200);
    const account = thunderbirdAccount(await thunderbird.text(), address);
    assert.deepEqual(account.domains, ["aurora.example"]);
    assert.deepEqual(
      account.incoming.map((s) => `${s.type} ${s.hostname}:${s.port} ${s.socketType} ${s.username}`),
      [`imap imap.aurora.example:993 SSL ${address}`, `pop3 pop.aurora.example:995 SSL ${address}`],
    );
    assert.deepEqual(
      account.outgoing.map((s) => `${s.hostname}:${s.port} ${s.socketType}`),
      ["mail.example.net:465 SSL", "mail.example.net:587 STARTTLS"],
    );
    const pox = (email: string) =>
      fetch(`${first.url}autodiscover/autodiscover.xml`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`,
      });
    const outlook = await pox(address);
    assert.equal(outlook.status, 200);
    assert.deepEqual(
      outlookAccount(await outlook.text()).map((p) => p.type),
      ["IMAP", "POP3", "SMTP", "SMTP"],
    );
    assert.equal((await pox("ana@example.net")).status, 404);
    assert.equal((await fetch(`${first.url}mail/config-v1.1.xml?emailaddress=ana@example.net`)).status, 404);
  } finally {
    assert.equal(await first.stop(), 0);
  }

  const second = await serve(data);
  try {
    await logIn(second.url);
  } finally {
    assert.equal(await second.stop(), 0);
  }
});

test("porteiro serve without mailbox servers says once at start that autoconfig is off, and answers 404 for it", async (t) => {
  const data = tempDir(t, "serve-autoconfig-off");
  const { url, child, stdout } = await serveWeb(data);
  t.after(() => void child.kill("SIGTERM"));
  // The line follows the web server's; it may arrive in a later chunk.
  for (let tries = 0; tries < 100 && !/autoconfig is off/.test(stdout()); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(
    stdout().match(
      /^porteiro: mail-client autoconfig is off until web\.incoming names the mailbox servers \(IMAP or POP3\): Thunderbird and Outlook refuse a configuration without one$/gm,
    )?.length,
    1,
    stdout(),
  );
  const thunderbird = await fetch(
    `${url}.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ana@example.net`,
  );
  assert.equal(thunderbird.status, 404);
  assert.equal(await thunderbird.text(), "mail-client autoconfig is off: no mailbox server is configured\n");
});

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { test } from "node:test";
import { today } from "../../src/core/index.js";
import { PullTokens } from "../../src/policy/index.js";
import { porteiro } from "../cli/run.js";
import { testApp } from "./app.js";

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A GET the way RouterOS `/tool fetch url=…` sends it: the request line with the query, Host,
 * and nothing else a browser or a library would add.
 */
function routerosFetch(base: string, path: string): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const [status, ...lines] = text.slice(0, split).split("\r\n");
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(status?.split(" ")[1]), headers, body: text.slice(split + 4) });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
  });
}

/** What `porteiro policy render` prints for the plan file today. */
function rendered(planFile: string, format: string): string {
  const result = porteiro(["policy", "render", "--plan", planFile, "--format", format, "--at", today()]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test("a router pulls today's policy with its token, as `policy render` prints it", async (t) => {
  // Seven formats in a row from one token: above the default per-minute limit, tested on its own below.
  const { app, context } = await testApp(t, {
    config: { policy_pulls_per_minute: { token: 20, address: 60 } },
  });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const planFile = context.plan.file as string;
  const issued = porteiro(["policy", "token", "add", "edge-sul-01", "--data", context.dataDir]);
  assert.equal(issued.status, 0, issued.stderr);
  const token = issued.stdout.trim();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(issued.stderr, /shown this once/);

  const rsc = await routerosFetch(base, `/policy/current.rsc?token=${token}`);
  assert.equal(rsc.status, 200, rsc.body);
  assert.equal(rsc.body, rendered(planFile, "routeros"));
  assert.match(rsc.headers["content-type"] ?? "", /^text\/plain/);
  assert.equal(rsc.headers["cache-control"], "no-store");

  const nft = await fetch(`${base}/policy/current.nft`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(nft.status, 200);
  assert.equal(await nft.text(), rendered(planFile, "nftables"));
  const script = await fetch(`${base}/policy/current.iptables.sh?token=${token}`).then((r) => r.text());
  assert.equal(script, rendered(planFile, "iptables"));
  const ipset = await fetch(`${base}/policy/current.ipset?token=${token}`).then((r) => r.text());
  assert.ok(script.includes(ipset), "the ipset file is the one the loader script carries");
  assert.match(ipset, /^swap porteiro-blocked4\.new porteiro-blocked4$/m);
  for (const [file, format] of [
    ["current.ios", "ios"],
    ["current.junos", "junos"],
    ["current.pbl.txt", "pbl"],
  ] as const) {
    const body = await fetch(`${base}/policy/${file}?token=${token}`).then((r) => r.text());
    assert.equal(body, rendered(planFile, format), file);
  }

  const [listed] = new PullTokens(context.store).list();
  assert.equal(listed?.name, "edge-sul-01");
  assert.ok(listed?.lastUsedAt, "the pull is noted");
  const post = await fetch(`${base}/policy/current.rsc?token=${token}`, { method: "POST" });
  assert.equal(post.status, 404, "read-only: nothing but GET");
  const unknown = await fetch(`${base}/policy/current.exe?token=${token}`);
  assert.equal(unknown.status, 404);
});

test("a missing, wrong or revoked token gets the same 401, whatever the router's name", async (t) => {
  const { app, context } = await testApp(t);
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const tokens = new PullTokens(context.store);
  const token = tokens.add("edge-norte-02");
  const answers = [
    await routerosFetch(base, "/policy/current.rsc"),
    await routerosFetch(base, `/policy/current.rsc?token=${token.slice(0, -1)}x`),
    await routerosFetch(base, "/policy/current.rsc?token=edge-norte-02"),
    await routerosFetch(base, "/policy/current.rsc?token=no-such-router"),
    await routerosFetch(base, "/policy/current.exe?token=wrong"),
  ];
  const wrongHeader = await fetch(`${base}/policy/current.rsc`, { headers: { authorization: "Bearer x" } });
  assert.equal(wrongHeader.status, 401);
  tokens.remove("edge-norte-02");
  answers.push(await routerosFetch(base, `/policy/current.rsc?token=${token}`));
  for (const answer of answers) {
    assert.equal(answer.status, 401);
    assert.equal(answer.body, answers[0]?.body);
    assert.equal(answer.headers["www-authenticate"], 'Bearer realm="porteiro policy"');
    assert.doesNotMatch(answer.body, /edge-norte|router .* (exists|unknown)/);
  }
});

test("pulls are limited per token and per client address, with Retry-After", async (t) => {
  const { app, context } = await testApp(t, {
    config: { policy_pulls_per_minute: { token: 2, address: 6 } },
  });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const tokens = new PullTokens(context.store);
  const first = tokens.add("edge-1");
  const second = tokens.add("edge-2");
  const pull = (token: string) => routerosFetch(base, `/policy/current.rsc?token=${token}`);

  assert.equal((await pull(first)).status, 200);
  assert.equal((await pull(first)).status, 200);
  const limited = await pull(first);
  assert.equal(limited.status, 429, "the third pull of one token within the minute");
  const retry = Number(limited.headers["retry-after"]);
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After: ${retry}`);
  assert.equal((await pull(second)).status, 200, "another router's token is not held back");

  // Four pulls so far from 127.0.0.1; wrong tokens count against the address as well.
  assert.equal((await pull("guess")).status, 401);
  assert.equal((await pull("guess")).status, 401);
  const blocked = await pull(second);
  assert.equal(blocked.status, 429, "the address has used its six");
  assert.ok(Number(blocked.headers["retry-after"]) >= 1);
});

test("a changed plan is served at the next pull", async (t) => {
  const { app, context } = await testApp(t);
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const token = new PullTokens(context.store).add("edge");
  const planFile = context.plan.file as string;
  const before = await fetch(`${base}/policy/current.rsc?token=${token}`).then((r) => r.text());
  assert.equal(await fetch(`${base}/policy/current.rsc?token=${token}`).then((r) => r.text()), before);
  assert.match(before, /action=reject reject-with=tcp-reset/);
  writeFileSync(planFile, `action: drop\n${readFileSync(planFile, "utf8")}`);
  const after = await fetch(`${base}/policy/current.rsc?token=${token}`).then((r) => r.text());
  assert.match(after, /action=drop/);
  assert.equal(after, rendered(planFile, "routeros"));
});

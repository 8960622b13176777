import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { test } from "node:test";
import { openStore } from "../../../src/store/index.js";
import { Authenticator } from "../../../src/submission/auth/authenticator.js";
import { LdapBackend, type LdapBackendOptions } from "../../../src/submission/auth/ldap-backend.js";
import { BackendUnavailableError, SubmissionMetrics, UserStore } from "../../../src/submission/index.js";
import { requirePeers } from "../../helpers/peers.js";
import {
  type PrivateSlapd,
  SEARCH_DN,
  SEARCH_PASSWORD,
  SUFFIX,
  sha512Crypt,
  ssha,
  startSlapd,
} from "../../helpers/slapd.js";
import { plainToken, readyForAuth, startTestService } from "../../helpers/submission.js";
import { tempDir } from "../../helpers/tmp.js";

const ANA_PASSWORD = "correct horse battery";
const BIA_PASSWORD = "another good password";
const CAI_PASSWORD = "a third good password";

function directory(t: TestContext): Promise<PrivateSlapd> {
  return startSlapd(t, [
    {
      uid: "ana",
      mail: "ana@example.net",
      userPassword: ssha(ANA_PASSWORD),
      mailAlternateAddress: ["ana.silva@example.net", "Sales@Example.ORG", "*@example.net"],
    },
    { uid: "bia", mail: "bia@example.net", userPassword: sha512Crypt(BIA_PASSWORD) },
    // A plus in a uid is an RDN separator unless escaped (RFC 4514).
    { uid: "cai+lists", mail: "cai+lists@example.net", userPassword: ssha(CAI_PASSWORD) },
  ]);
}

function authenticatorOn(t: TestContext, backend: Partial<LdapBackendOptions> & { url: string }) {
  const db = openStore(tempDir(t, "ldap-auth"));
  const users = new UserStore(db);
  const metrics = new SubmissionMetrics();
  const authenticator = new Authenticator({
    backend: new LdapBackend({
      searchFilter: "(mail={user})",
      addressAttribute: "mail",
      senderAttribute: "mailAlternateAddress",
      timeoutMs: 5000,
      ...backend,
    }),
    users,
    cache: { size: 100, ttlMs: 60_000 },
    senderRule: "address",
    metrics,
  });
  t.after(async () => {
    await authenticator.close();
    db.close();
  });
  const check = (user: string, password: string) => authenticator.check("clean", user, password, "192.0.2.1");
  const results = async () =>
    Object.fromEntries((await metrics.authChecks.get()).values.map((v) => [v.labels.result, v.value]));
  return { users, authenticator, check, results };
}

test("bind as the DN a template makes of the login: {SSHA} and {CRYPT} users, their directory addresses as senders", async (t) => {
  if (!requirePeers(t, ["slapd", "slapadd", "openssl"])) return;
  const slapd = await directory(t);
  const { users, authenticator, check, results } = authenticatorOn(t, {
    url: slapd.url,
    ca: readFileSync(slapd.caFile, "utf8"),
    bindDnTemplate: `uid={local},ou=people,${SUFFIX}`,
  });
  // The login is the uid; the entry's mail is the account.
  assert.equal(await check("ana", ANA_PASSWORD), "ana@example.net");
  assert.equal(await check("bia@example.net", BIA_PASSWORD), "bia@example.net");
  assert.equal(await check("cai+lists@example.net", CAI_PASSWORD), "cai+lists@example.net");
  assert.equal(await check("ana", "wrong password"), undefined);
  assert.equal(await check("nobody", ANA_PASSWORD), undefined);
  // An empty password would be an anonymous bind, which slapd accepts.
  assert.equal(await check("ana", ""), undefined);
  // RFC 4514 escaping: the login cannot add RDNs or point at another entry.
  assert.equal(await check(`ana,ou=people,${SUFFIX}`, ANA_PASSWORD), undefined);
  assert.equal(await check("*)(uid=*", ANA_PASSWORD), undefined);
  // mailAlternateAddress values are literal addresses; a `*` value grants nothing.
  assert.deepEqual(authenticator.account("ana@example.net")?.senders, [
    "ana.silva@example.net",
    "sales@example.org",
  ]);
  assert.equal(await check("ana", ANA_PASSWORD), "ana@example.net");
  assert.deepEqual(await results(), { cache_hit: 1, verified: 3, failed: 5 });
  users.setSuspended("ana@example.net", true);
  assert.equal(await check("ana", ANA_PASSWORD), undefined);
});

test("search with the service account, then bind as the one entry found; filter injection finds nothing", async (t) => {
  if (!requirePeers(t, ["slapd", "slapadd", "openssl"])) return;
  const slapd = await directory(t);
  const options = { url: slapd.url, ca: readFileSync(slapd.caFile, "utf8"), searchBase: SUFFIX };
  const { check, results } = authenticatorOn(t, {
    ...options,
    serviceBind: { dn: SEARCH_DN, password: SEARCH_PASSWORD },
  });
  assert.equal(await check("ana@example.net", ANA_PASSWORD), "ana@example.net");
  assert.equal(await check("BIA@example.net", BIA_PASSWORD), "bia@example.net");
  assert.equal(await check("ana@example.net", BIA_PASSWORD), undefined);
  assert.equal(await check("nobody@example.net", ANA_PASSWORD), undefined);
  // Unescaped, (mail=ana*) would find ana's entry and her password would log in.
  assert.equal(await check("ana*", ANA_PASSWORD), undefined);
  assert.equal(await check("*)(uid=*", ANA_PASSWORD), undefined);
  assert.equal(await check("*", ANA_PASSWORD), undefined);
  assert.deepEqual(await results(), { verified: 2, failed: 5 });

  // This directory hides everything from anonymous searches, and the service password may be wrong:
  // the backend's setup, not the user, is at fault.
  const anonymous = authenticatorOn(t, options);
  await assert.rejects(
    anonymous.check("ana@example.net", ANA_PASSWORD) as Promise<unknown>,
    /NoSuchObjectError \(result 32\)/,
  );
  const misconfigured = authenticatorOn(t, { ...options, serviceBind: { dn: SEARCH_DN, password: "wrong" } });
  await assert.rejects(
    misconfigured.check("ana@example.net", ANA_PASSWORD) as Promise<unknown>,
    /search account cn=porteiro,dc=example,dc=net cannot bind: InvalidCredentialsError \(result 49\)/,
  );
});

test("a directory down, or one whose certificate the CA does not sign, is 454 4.7.0 and the unavailable metric, never a login", async (t) => {
  if (!requirePeers(t, ["slapd", "slapadd", "openssl"])) return;
  const slapd = await directory(t);
  const template = `uid={local},ou=people,${SUFFIX}`;
  // Without the test CA, the system's CAs do not vouch for the server.
  const untrusted = authenticatorOn(t, { url: slapd.url, bindDnTemplate: template });
  await assert.rejects(
    untrusted.check("ana", ANA_PASSWORD) as Promise<unknown>,
    (error: Error) =>
      error instanceof BackendUnavailableError && /ldap at ldaps:\/\/127\.0\.0\.1:\d+: /.test(error.message),
  );
  assert.deepEqual(await untrusted.results(), { unavailable: 1 });

  const trusted = authenticatorOn(t, {
    url: slapd.url,
    ca: readFileSync(slapd.caFile, "utf8"),
    bindDnTemplate: template,
  });
  assert.equal(await trusted.check("ana", ANA_PASSWORD), "ana@example.net");
  await slapd.stop();
  await assert.rejects(
    trusted.check("bia", BIA_PASSWORD) as Promise<unknown>,
    (error: Error) => error instanceof BackendUnavailableError && /ECONNREFUSED/.test(error.message),
  );
  assert.deepEqual(await trusted.results(), { verified: 1, unavailable: 1 });

  // A directory that takes the connection and never answers is given up on after timeoutMs.
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    silent.close();
    silent.unref();
  });
  const { port } = silent.address() as AddressInfo;
  const stuck = authenticatorOn(t, {
    url: `ldaps://127.0.0.1:${port}`,
    bindDnTemplate: template,
    timeoutMs: 300,
  });
  await assert.rejects(
    stuck.check("ana", ANA_PASSWORD) as Promise<unknown>,
    (error: Error) => error instanceof BackendUnavailableError && /timeout/i.test(error.message),
  );
  assert.deepEqual(await stuck.results(), { unavailable: 1 });

  const running = await startTestService(t, {
    auth: { backend: "ldap", url: slapd.url, tls_ca: slapd.caFile, bind_dn_template: template },
  });
  const session = await readyForAuth(running.service.implicitTls.port);
  t.after(() => session.close());
  session.send(`AUTH PLAIN ${plainToken("", "ana", ANA_PASSWORD)}`);
  assert.match(await session.reply(), /^454 4\.7\.0 Temporary authentication failure/);
});

test("the service logs in through the directory named in submission.auth", async (t) => {
  if (!requirePeers(t, ["slapd", "slapadd", "openssl"])) return;
  const slapd = await directory(t);
  const passwordFile = join(tempDir(t, "ldap-secret"), "bind-password");
  writeFileSync(passwordFile, `${SEARCH_PASSWORD}\n`);
  const running = await startTestService(t, {
    auth: {
      backend: "ldap",
      url: slapd.url,
      tls_ca: slapd.caFile,
      search_base: SUFFIX,
      search_filter: "(uid={local})",
      bind_dn: SEARCH_DN,
      bind_password_file: passwordFile,
    },
  });
  const session = await readyForAuth(running.service.implicitTls.port);
  t.after(() => session.close());
  session.send(`AUTH PLAIN ${plainToken("", "bia", "wrong")}`);
  assert.match(await session.reply(), /^535 5\.7\.8/);
  session.send(`AUTH PLAIN ${plainToken("", "bia", BIA_PASSWORD)}`);
  assert.match(await session.reply(), /^235 /);
  session.send("MAIL FROM:<bia@example.net>");
  assert.match(await session.reply(), /^250 /);
});

/** Established TCP connections to a loopback port, as the kernel counts them. */
function connectionsTo(port: number): number {
  const listed = spawnSync("ss", ["-Htn", "state", "established", `( dport = :${port} )`], {
    encoding: "utf8",
  });
  return listed.stdout.split("\n").filter((line) => line.trim() !== "").length;
}

test("ldap:// upgraded with StartTLS before the bind; logins share at most 16 kept connections", async (t) => {
  if (!requirePeers(t, ["slapd", "slapadd", "openssl", "ss"])) return;
  const slapd = await directory(t);
  const ca = readFileSync(slapd.caFile, "utf8");
  const template = `uid={local},ou=people,${SUFFIX}`;
  // This slapd answers nothing but StartTLS in the clear (security tls=1), so a login proves the upgrade.
  const { check, results } = authenticatorOn(t, { url: slapd.startTlsUrl, ca, bindDnTemplate: template });
  assert.equal(await check("ana", ANA_PASSWORD), "ana@example.net");
  assert.equal(await check("bia", "wrong password"), undefined);
  assert.equal(await check("bia", BIA_PASSWORD), "bia@example.net");
  assert.deepEqual(await results(), { verified: 2, failed: 1 });
  // One connection carried the three logins, and stays open for the next.
  assert.equal(connectionsTo(slapd.startTlsPort), 1);

  // Search-then-bind on a connection a user's bind left behind: the service account searches again.
  const searching = authenticatorOn(t, {
    url: slapd.startTlsUrl,
    ca,
    searchBase: SUFFIX,
    serviceBind: { dn: SEARCH_DN, password: SEARCH_PASSWORD },
  });
  assert.equal(await searching.check("ana@example.net", ANA_PASSWORD), "ana@example.net");
  assert.equal(await searching.check("bia@example.net", BIA_PASSWORD), "bia@example.net");

  // A certificate the CA does not sign stops the upgrade: no bind is sent, the login is 454.
  const untrusted = authenticatorOn(t, { url: slapd.startTlsUrl, bindDnTemplate: template });
  await assert.rejects(
    untrusted.check("ana", ANA_PASSWORD) as Promise<unknown>,
    (error: Error) => error instanceof BackendUnavailableError && /StartTLS failed/.test(error.message),
  );

  // 48 checks at once straight on the backend: no more than 16 connections, all kept afterwards.
  const backend = new LdapBackend({
    url: slapd.startTlsUrl,
    ca,
    bindDnTemplate: template,
    searchFilter: "(mail={user})",
    addressAttribute: "mail",
    timeoutMs: 5000,
  });
  t.after(() => backend.close());
  const before = connectionsTo(slapd.startTlsPort);
  let peak = 0;
  const watch = setInterval(() => {
    peak = Math.max(peak, connectionsTo(slapd.startTlsPort) - before);
  }, 5);
  const logins = await Promise.all(
    Array.from({ length: 48 }, (_, i) =>
      backend.verify(i % 2 === 0 ? "ana" : "bia", i % 2 === 0 ? ANA_PASSWORD : `wrong ${i}`, "192.0.2.1"),
    ),
  );
  clearInterval(watch);
  assert.deepEqual(
    logins.map((login) => login?.address),
    Array.from({ length: 48 }, (_, i) => (i % 2 === 0 ? "ana@example.net" : undefined)),
  );
  const kept = connectionsTo(slapd.startTlsPort) - before;
  assert.ok(kept >= 1 && kept <= 16, `${kept} connections kept`);
  assert.ok(peak <= 16, `${peak} connections at the peak`);
});

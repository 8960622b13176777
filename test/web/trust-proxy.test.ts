import assert from "node:assert/strict";
import { test } from "node:test";
import { webConfigSchema } from "../../src/web/index.js";
import { PASSWORD, testApp } from "./app.js";

/** A login over loopback as a reverse proxy would send it, naming its client in X-Forwarded-For. */
const loginVia = (base: string, client: string, username: string, password: string) =>
  fetch(`${base}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": client },
    body: JSON.stringify({ username, password }),
  }).then((response) => response.status);

test("behind a trusted proxy one visitor's failed logins lock that visitor, not everyone", async (t) => {
  const { app } = await testApp(t, { config: { trust_proxy: ["127.0.0.1"] } });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  for (let i = 0; i < 3; i++) assert.equal(await loginVia(base, "198.51.100.7", `nobody${i}`, "guess"), 401);
  assert.equal(await loginVia(base, "198.51.100.7", "ana", PASSWORD), 429, "the guessing visitor is locked");
  assert.equal(await loginVia(base, "203.0.113.9", "ana", PASSWORD), 200, "another visitor is not");

  const home = await fetch(`${base}/`, { headers: { "x-forwarded-for": "203.0.113.5" } }).then((r) =>
    r.text(),
  );
  assert.match(home, /203\.0\.113\.5/, "'Am I affected?' answers for the visitor, not the proxy");
});

test("without trust_proxy X-Forwarded-For is ignored: a guesser cannot pose as many visitors", async (t) => {
  const { app } = await testApp(t);
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  for (let i = 0; i < 3; i++)
    assert.equal(await loginVia(base, `198.51.100.${i}`, `nobody${i}`, "guess"), 401);
  assert.equal(await loginVia(base, "203.0.113.9", "ana", PASSWORD), 429);
});

test("a trust_proxy entry that is no address or network is refused with the reason", () => {
  const parsed = webConfigSchema.safeParse({ trust_proxy: ["10.0.0.0/8", "proxy.example.net"] });
  assert.equal(parsed.success, false);
  assert.match(parsed.error?.issues[0]?.message ?? "", /address or network \(CIDR\) of a reverse proxy/);
  assert.deepEqual(webConfigSchema.parse({ trust_proxy: ["10.0.0.0/8", "::1"] }).trust_proxy, [
    "10.0.0.0/8",
    "::1",
  ]);
});

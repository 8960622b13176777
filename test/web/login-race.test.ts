import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { PASSWORD, testApp } from "./app.js";

/** The app listening on loopback: the guesses below cross real sockets, as an attacker's would. */
async function listening(app: FastifyInstance): Promise<string> {
  return app.listen({ host: "127.0.0.1", port: 0 });
}

const tryLogin = (base: string, username: string, password: string) =>
  fetch(`${base}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  }).then((response) => response.status);

test("200 concurrent wrong passwords for one operator: only the lock's budget is checked, the rest get 429", async (t) => {
  const { app } = await testApp(t);
  const base = await listening(app);
  const statuses = await Promise.all(Array.from({ length: 200 }, () => tryLogin(base, "ana", "wrong")));
  const checked = statuses.filter((status) => status === 401).length;
  assert.equal(checked, 3, "the test app locks after 3 failures");
  assert.equal(statuses.filter((status) => status === 429).length, 197);
  assert.equal(await tryLogin(base, "ana", PASSWORD), 429, "and the account is locked");
});

test("the right password in the middle of a 40-guess burst does not log in", async (t) => {
  const { app } = await testApp(t);
  const base = await listening(app);
  const guesses = Array.from({ length: 40 }, (_, i) =>
    tryLogin(base, "bia", i === 20 ? PASSWORD : `guess ${i}`),
  );
  const statuses = await Promise.all(guesses);
  assert.notEqual(statuses[20], 200, `the burst's statuses: ${statuses.join(" ")}`);
  assert.ok(statuses.filter((status) => status === 401).length <= 3);
});

test("a burst of guesses at many names from one address: checks in flight are bounded per client", async (t) => {
  const { app } = await testApp(t);
  const base = await listening(app);
  const statuses = await Promise.all(
    Array.from({ length: 60 }, (_, i) => tryLogin(base, `name${i}`, "wrong")),
  );
  // At most `maxInFlightPerClient` (8) in flight, and the client locks after 3 failures.
  const checked = statuses.filter((status) => status === 401).length;
  assert.ok(checked <= 3 - 1 + 8, `${checked} guesses checked`);
  assert.equal(checked + statuses.filter((status) => status === 429).length, 60);
  assert.equal(await tryLogin(base, "ana", PASSWORD), 429, "the client is locked");
});

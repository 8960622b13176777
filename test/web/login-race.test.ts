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

/** A login over loopback as a trusted reverse proxy would send it, naming its client. */
const loginVia = (base: string, client: string, username: string, password: string) =>
  fetch(`${base}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": client },
    body: JSON.stringify({ username, password }),
  }).then((response) => response.status);

test("a flood of guesses from 6 networks: an operator from a clean network is checked ahead of the queued guesses", async (t) => {
  const { app, context } = await testApp(t, { config: { trust_proxy: ["127.0.0.1"] } });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const answers: string[] = [];
  let firstAnswer: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => {
    firstAnswer = resolve;
  });
  // 8 guesses at once (the per-client bound) from each of 6 networks, each at a name of its own.
  const guesses = Array.from({ length: 6 * 8 }, (_, i) =>
    loginVia(base, `198.18.${i % 6}.1`, `nobody${i}`, "guess").then((status) => {
      answers.push(`guess ${status}`);
      firstAnswer();
      return status;
    }),
  );
  // Once the first guess is answered the flood is queued, and its networks have failed.
  await answered;
  const legit = loginVia(base, "203.0.113.9", "ana", PASSWORD).then((status) => {
    answers.push(`legit ${status}`);
    return { status, queued: context.logins.checks.queued("suspect") };
  });
  const [statuses, operator] = await Promise.all([Promise.all(guesses), legit]);

  assert.equal(operator.status, 200, "the operator logs in");
  const legitAt = answers.indexOf("legit 200");
  const checkedBefore = answers.slice(0, legitAt).filter((answer) => answer === "guess 401").length;
  const checkedAfter = answers.slice(legitAt).filter((answer) => answer === "guess 401").length;
  t.diagnostic(`guesses answered before the operator: ${checkedBefore}, after: ${checkedAfter}`);
  assert.ok(
    checkedAfter > 2 * checkedBefore,
    `guesses checked before the operator's login: ${checkedBefore}, after: ${checkedAfter}`,
  );
  assert.ok(operator.queued >= 16, `${operator.queued} guesses still queued when the operator was answered`);
  assert.deepEqual(
    statuses.filter((status) => status !== 401),
    [],
    "every guess is checked and fails",
  );
  assert.equal(context.logins.checks.started("clean") + context.logins.checks.started("suspect"), 49);
});

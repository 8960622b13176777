import assert from "node:assert/strict";
import { test } from "node:test";
import { HELD_ACCOUNT } from "../helpers/console-data.js";
import { login } from "./app.js";
import { consoleApp } from "./console-app.js";

const RELEASE = `/api/submission/held/${encodeURIComponent(HELD_ACCOUNT)}/release`;

test("releasing a held account needs the CSRF token and more than the read-only role", async (t) => {
  const { app } = await consoleApp(t);
  const reader = await login(app, "caio");
  const operator = await login(app, "bia");
  const post = (who: { cookie: string }, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url: RELEASE, headers: { cookie: who.cookie, ...headers } });

  assert.equal((await app.inject({ method: "POST", url: RELEASE })).statusCode, 401);
  assert.equal((await post(operator)).statusCode, 403, "no CSRF token");
  assert.equal(
    (await post(operator, { "x-csrf-token": reader.csrfToken })).statusCode,
    403,
    "another session's token",
  );
  const readOnly = await post(reader, { "x-csrf-token": reader.csrfToken });
  assert.equal(readOnly.statusCode, 403);
  assert.match(readOnly.json().error, /operator role/);
  const crossSite = await post(operator, {
    "x-csrf-token": operator.csrfToken,
    origin: "http://evil.example",
  });
  assert.equal(crossSite.statusCode, 403);

  const held = await app.inject({ url: "/api/submission/held", headers: { cookie: reader.cookie } });
  assert.equal(held.json().accounts.length, 1, "nothing changed yet");

  const released = await post(operator, { "x-csrf-token": operator.csrfToken });
  assert.equal(released.statusCode, 200, released.body);
  assert.deepEqual(released.json(), { address: HELD_ACCOUNT, released: true, messages_released: 1 });
  const after = await app.inject({ url: "/api/submission/held", headers: { cookie: reader.cookie } });
  assert.deepEqual(after.json().accounts, []);
  const queue = await app.inject({ url: "/api/submission/queue", headers: { cookie: reader.cookie } });
  assert.equal(queue.json().messages[0].held, false);
  const again = await post(operator, { "x-csrf-token": operator.csrfToken });
  assert.equal(again.statusCode, 400);
});

test("dropping deletes the held messages, retry and delete act on one queued message", async (t) => {
  const { app } = await consoleApp(t);
  const operator = await login(app, "bia");
  const headers = { cookie: operator.cookie, "x-csrf-token": operator.csrfToken };
  const queue = await app.inject({ url: "/api/submission/queue", headers });
  const id = queue.json().messages[0].id as string;
  const retry = await app.inject({ method: "POST", url: `/api/submission/queue/${id}/retry`, headers });
  assert.deepEqual(retry.json(), { id, recipients_due: 1 });
  const drop = await app.inject({
    method: "POST",
    url: `/api/submission/held/${encodeURIComponent(HELD_ACCOUNT)}/drop`,
    headers,
  });
  assert.deepEqual(drop.json(), { address: HELD_ACCOUNT, messages_dropped: 1 });
  const gone = await app.inject({ method: "POST", url: `/api/submission/queue/${id}/delete`, headers });
  assert.equal(gone.statusCode, 404);
  assert.equal((await app.inject({ url: "/api/submission/queue", headers })).json().messages.length, 0);
});

test("console pages are static skeletons: no data from the store is in their HTML", async (t) => {
  const { app } = await consoleApp(t);
  const { cookie } = await login(app, "caio");
  for (const page of [
    "/console/",
    "/console/plan",
    "/console/flows",
    "/console/submission",
    "/console/reputation",
    "/console/honeypot",
  ]) {
    const response = await app.inject({ url: page, headers: { cookie } });
    assert.equal(response.statusCode, 200, page);
    assert.doesNotMatch(response.body, /<script>|onerror/, page);
    assert.match(response.body, /<script type="module" src="\/static\/console-[a-z]+\.js"><\/script>/, page);
    const unauthenticated = await app.inject({ url: page });
    assert.equal(unauthenticated.statusCode, 302, page);
  }
});

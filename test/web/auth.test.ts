import assert from "node:assert/strict";
import { test } from "node:test";
import { ROUTE_MODULES } from "../../src/web/index.js";
import { login, PASSWORD, testApp } from "./app.js";

test("a login sets an HttpOnly, SameSite=Strict session cookie; Secure only when configured", async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject({
    method: "POST",
    url: "/api/login",
    payload: { username: "ana", password: PASSWORD },
  });
  assert.equal(response.statusCode, 200);
  const cookie = String(response.headers["set-cookie"]);
  assert.match(
    cookie,
    /^porteiro_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
  );
  assert.deepEqual(
    { ...(response.json() as object), csrfToken: undefined, expiresAt: undefined },
    { username: "ana", role: "admin", csrfToken: undefined, expiresAt: undefined },
  );

  const secure = await testApp(t, { config: { secure_cookies: true } });
  const secured = await secure.app.inject({
    method: "POST",
    url: "/api/login",
    payload: { username: "ana", password: PASSWORD },
  });
  assert.match(String(secured.headers["set-cookie"]), /; Secure$/);
});

test("the console login form logs in, the shell shows the operator, logout ends the session", async (t) => {
  const { app } = await testApp(t);
  const form = await app.inject({
    method: "POST",
    url: "/console/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: `username=bia&password=${encodeURIComponent(PASSWORD)}&next=%2Fconsole%2F`,
  });
  assert.equal(form.statusCode, 303);
  assert.equal(form.headers.location, "/console/");
  const cookie = String(form.headers["set-cookie"]).split(";")[0] as string;
  const shell = await app.inject({ url: "/console/", headers: { cookie } });
  assert.equal(shell.statusCode, 200);
  assert.match(shell.body, /bia \(operator\)/);
  assert.match(shell.body, /<nav><ul><li><a href="\/console\/" aria-current="page">Overview<\/a><\/li>/);
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(shell.body)?.[1];
  assert.ok(token);

  const out = await app.inject({
    method: "POST",
    url: "/console/logout",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: `_csrf=${encodeURIComponent(token)}`,
  });
  assert.equal(out.statusCode, 303);
  assert.match(String(out.headers["set-cookie"]), /^porteiro_session=; .*Max-Age=0/);
  const after = await app.inject({ url: "/console/", headers: { cookie } });
  assert.equal(after.statusCode, 302);
  assert.equal(after.headers.location, "/console/login?next=%2Fconsole%2F");
});

test("a wrong password answers 401 and never names which part was wrong; an open redirect is refused", async (t) => {
  const { app } = await testApp(t);
  for (const username of ["ana", "nobody"]) {
    const response = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { username, password: "wrong password" },
    });
    assert.equal(response.statusCode, 401);
    assert.deepEqual(response.json(), { error: "wrong operator name or password" });
  }
  const form = await app.inject({
    method: "POST",
    url: "/console/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: `username=ana&password=${encodeURIComponent(PASSWORD)}&next=%2F%2Fevil.example%2F`,
  });
  assert.equal(form.headers.location, "/console/");
});

test("repeated failures lock the account out, even with the right password, with Retry-After", async (t) => {
  const { app } = await testApp(t);
  for (let i = 0; i < 3; i++) {
    const response = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { username: "ana", password: "wrong password" },
    });
    assert.equal(response.statusCode, 401);
  }
  const locked = await app.inject({
    method: "POST",
    url: "/api/login",
    payload: { username: "ana", password: PASSWORD },
  });
  assert.equal(locked.statusCode, 429);
  assert.ok(Number(locked.headers["retry-after"]) > 0);
});

test("an expired session is no session", async (t) => {
  const { app, context } = await testApp(t);
  const { id } = context.sessions.create("ana", Date.now() - 13 * 3_600_000);
  const response = await app.inject({ url: "/api/session", headers: { cookie: `porteiro_session=${id}` } });
  assert.equal(response.statusCode, 401);
  assert.equal(context.sessions.purgeExpired(), 1);
});

test("a new password or a removed operator ends the operator's sessions", async (t) => {
  const { app, context } = await testApp(t);
  const ana = await login(app, "ana");
  await context.operators.setPassword("ana", "another long password");
  assert.equal((await app.inject({ url: "/api/session", headers: { cookie: ana.cookie } })).statusCode, 401);
  const bia = await login(app, "bia");
  context.operators.remove("bia");
  assert.equal((await app.inject({ url: "/api/session", headers: { cookie: bia.cookie } })).statusCode, 401);
});

test("changes need the CSRF token and a same-origin request", async (t) => {
  const { app } = await testApp(t);
  const { cookie, csrfToken } = await login(app, "ana");
  const logout = (headers: Record<string, string>) =>
    app.inject({
      method: "POST",
      url: "/api/logout",
      headers: { cookie, host: "console.example", ...headers },
    });
  assert.equal((await logout({})).statusCode, 403);
  assert.equal((await logout({ "x-csrf-token": "wrong" })).statusCode, 403);
  assert.equal((await logout({ "x-csrf-token": csrfToken, origin: "https://evil.example" })).statusCode, 403);
  assert.equal(
    (await logout({ "x-csrf-token": csrfToken, referer: "https://evil.example/page" })).statusCode,
    403,
  );
  assert.equal(
    (await logout({ "x-csrf-token": csrfToken, origin: "https://console.example" })).statusCode,
    204,
  );
});

test("a read-only operator may look and log out, and gets 403 for any change", async (t) => {
  const { app } = await testApp(t, {
    routes: [
      ...ROUTE_MODULES,
      (scope) => {
        scope.post("/api/test-change", async () => ({ changed: true }));
      },
    ],
  });
  const { cookie, csrfToken } = await login(app, "caio");
  assert.equal((await app.inject({ url: "/api/session", headers: { cookie } })).statusCode, 200);
  const change = await app.inject({
    method: "POST",
    url: "/api/test-change",
    headers: { cookie, "x-csrf-token": csrfToken },
  });
  assert.equal(change.statusCode, 403);
  const operator = await login(app, "bia");
  const allowed = await app.inject({
    method: "POST",
    url: "/api/test-change",
    headers: { cookie: operator.cookie, "x-csrf-token": operator.csrfToken },
  });
  assert.equal(allowed.statusCode, 200);
  const out = await app.inject({
    method: "POST",
    url: "/api/logout",
    headers: { cookie, "x-csrf-token": csrfToken },
  });
  assert.equal(out.statusCode, 204);
});

test("a CR/LF in the login's next cannot split the answer: the login lands on the console with its cookie", async (t) => {
  const { app } = await testApp(t);
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  for (const next of [
    "/console/\r\nSet-Cookie: x=1",
    "/console/a\nb",
    "/console/%0d%0a ok",
    "/console/\u2028",
  ]) {
    const response = await fetch(`${base}/console/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "bia", password: PASSWORD, next }).toString(),
    });
    assert.equal(response.status, 303, next);
    assert.equal(response.headers.get("location"), "/console/");
    assert.match(response.headers.get("set-cookie") ?? "", /^porteiro_session=/);
  }
  const kept = await fetch(`${base}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "bia", password: PASSWORD, next: "/console/flows?at=2027-01-01" }),
  });
  assert.equal(kept.headers.get("location"), "/console/flows?at=2027-01-01");
});

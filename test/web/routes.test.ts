import assert from "node:assert/strict";
import { test } from "node:test";
import type { RouteOptions } from "fastify";
import { buildInfo } from "../../src/core/index.js";
import { ROUTE_MODULES } from "../../src/web/index.js";
import { testApp } from "./app.js";

/** The only console and API routes anyone may reach without a session (the demo's progress tells only that). */
const PUBLIC = new Set([
  "GET /console/login",
  "POST /console/login",
  "POST /api/login",
  "GET /api/demo/progress",
]);

test("no console page or API endpoint but the login answers without a session", async (t) => {
  const routes: RouteOptions[] = [];
  const { app } = await testApp(t, {
    routes: [(scope) => void scope.addHook("onRoute", (route) => void routes.push(route)), ...ROUTE_MODULES],
  });
  const guarded = routes
    .flatMap((route) => [route.method].flat().map((method) => ({ method, url: route.url as string })))
    .filter(({ method, url }) => method !== "HEAD" && /^\/(api|console)(\/|$)/.test(url));
  assert.ok(guarded.length >= 6, `only ${guarded.length} console/API routes found`);
  for (const { method, url } of guarded) {
    if (PUBLIC.has(`${method} ${url}`)) continue;
    const response = await app.inject({
      method: method as "GET",
      url: url.replace(/:(\w+)/g, "x"),
      headers: { "content-type": "application/json" },
      payload: method === "GET" ? undefined : "{}",
    });
    assert.ok(
      [401, 302].includes(response.statusCode),
      `${method} ${url} answered ${response.statusCode} without a session`,
    );
    if (response.statusCode === 302)
      assert.match(String(response.headers.location), /^\/console\/login\?next=/);
  }
  // Unknown paths under the guarded areas, and ones the router decodes, get the same answer.
  for (const url of ["/api/nothing-here", "/console/nothing-here", "/%63onsole/", "/api/%73ession"]) {
    const response = await app.inject({ url });
    assert.ok([401, 302].includes(response.statusCode), `${url} answered ${response.statusCode}`);
  }
});

test("the demo's progress answers without a session and tells only the seeding's state", async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject({ url: "/api/demo/progress" });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(Object.keys(response.json()).sort(), ["fraction", "state", "step", "updatedAt"]);
  assert.equal(response.json().state, "off");
  for (const url of ["/api/demo", "/api/demo/progress/x", "/api/overview"]) {
    assert.equal((await app.inject({ url })).statusCode, 401, url);
  }
});

test("every answer carries the security headers; console answers are never cached", async (t) => {
  const { app } = await testApp(t);
  for (const url of ["/", "/console/login", "/api/session", "/mail/config-v1.1.xml"]) {
    const response = await app.inject({ url });
    const csp = String(response.headers["content-security-policy"]);
    assert.match(csp, /script-src 'self'/, url);
    assert.doesNotMatch(csp, /unsafe-inline/, url);
    assert.match(csp, /frame-ancestors 'none'/, url);
    assert.equal(response.headers["x-content-type-options"], "nosniff", url);
    assert.equal(response.headers["referrer-policy"], "same-origin", url);
  }
  assert.equal((await app.inject({ url: "/console/login" })).headers["cache-control"], "no-store");
});

test("static files are served by name only; nothing else of the file system is reachable", async (t) => {
  const { app } = await testApp(t);
  const css = await app.inject({ url: "/static/style.css" });
  assert.equal(css.statusCode, 200);
  assert.match(String(css.headers["content-type"]), /^text\/css/);
  const js = await app.inject({ url: "/static/console.js" });
  assert.match(js.body, /x-csrf-token/);
  for (const url of ["/static/..%2f..%2fpackage.json", "/static/../web/server.ts", "/static/missing.css"]) {
    assert.equal((await app.inject({ url })).statusCode, 404, url);
  }
});

test("/metrics serves the registries in Prometheus text", async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject({ url: "/metrics" });
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /porteiro_web_sessions_active 0/);
  const { version, commit } = buildInfo();
  assert.ok(
    response.body.includes(
      `porteiro_build_info{version="${version}",commit="${commit ?? "unknown"}",node="${process.version}"} 1`,
    ),
  );
  assert.match(response.body, /^process_resident_memory_bytes \d+/m);
  assert.match(response.body, /^nodejs_eventloop_lag_seconds /m);
});

test("no page carries an inline script or an inline event handler", async (t) => {
  const { app } = await testApp(t);
  const cookie = String(
    (
      await app.inject({
        method: "POST",
        url: "/api/login",
        payload: { username: "ana", password: "correct horse battery" },
      })
    ).headers["set-cookie"],
  ).split(";")[0] as string;
  for (const url of ["/", "/?address=203.0.113.7", "/help/thunderbird", "/console/login", "/console/"]) {
    const body = (await app.inject({ url, headers: { cookie } })).body;
    for (const tag of body.match(/<script\b[^>]*>/g) ?? [])
      assert.match(tag, /\bsrc="\/static\//, `${url}: ${tag}`);
    assert.doesNotMatch(body, /<script\b[^>]*>[^<]/, url);
    assert.doesNotMatch(body, /\son[a-z]+=/i, url);
  }
});

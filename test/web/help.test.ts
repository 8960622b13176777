import assert from "node:assert/strict";
import { test } from "node:test";
import { type Day, parseAddress } from "../../src/core/index.js";
import { parsePlan } from "../../src/plan/index.js";
import { verdictFor } from "../../src/web/affected.js";
import { PLAN, testApp } from "./app.js";

test("the verdict follows the most specific pool, the exceptions and the region's phase", () => {
  const { plan } = parsePlan(PLAN, "plan.yaml");
  const kind = (address: string, day = "2026-06-01" as Day) => {
    const verdict = verdictFor(plan, parseAddress(address), day);
    return verdict.kind === "dynamic" ? `${verdict.region.id}:${verdict.phase}` : verdict.kind;
  };
  assert.equal(kind("203.0.113.7"), "sul:enforce");
  assert.equal(kind("203.0.113.7", "2020-06-01" as Day), "sul:observe");
  assert.equal(kind("203.0.113.70"), "not-dynamic");
  assert.equal(kind("203.0.113.99"), "exception");
  assert.equal(kind("198.51.100.200"), "leste:open");
  assert.equal(kind("192.0.2.1"), "outside");
  assert.equal(kind("2001:db8::1"), "outside");
});

test("am I affected answers for the visitor's address and for one typed in, in each phase", async (t) => {
  const { app } = await testApp(t);
  const page = (url: string, remoteAddress = "192.0.2.10") => app.inject({ url, remoteAddress });
  const visitor = await page("/", "203.0.113.7");
  assert.equal(visitor.statusCode, 200);
  assert.match(visitor.headers["content-type"] as string, /^text\/html/);
  assert.match(visitor.body, /Address <code>203\.0\.113\.7<\/code>/);
  assert.match(
    visitor.body,
    /class="verdict blocked">Your connection is in region <strong>Sul<\/strong>\. Since <strong>1 January 2021<\/strong>/,
  );
  assert.match(visitor.body, /<code>mail\.example\.net<\/code>, port <code>587<\/code>/);

  const observe = await page("/?address=198.51.100.7");
  assert.match(
    observe.body,
    /class="verdict soon">.*Nothing is blocked yet\. From <strong>1 January 2999<\/strong>/,
  );
  const open = await page("/?address=198.51.100.200");
  assert.match(
    open.body,
    /class="verdict soon">Your connection is in region <strong>Leste<\/strong>\. From <strong>1 June 2999/,
  );
  assert.match((await page("/?address=203.0.113.70")).body, /business or fixed connection/);
  assert.match((await page("/?address=203.0.113.99")).body, /agreed exception/);
  assert.match((await page("/?address=192.0.2.1")).body, /not one of Example Telecom’s home connections/);
});

test("plan names and typed-in text are escaped everywhere", async (t) => {
  const { app } = await testApp(t);
  const region = await app.inject({ url: "/?address=198.51.100.7" });
  assert.match(region.body, /Norte &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(region.body, /<script>alert/);
  const typed = await app.inject({ url: `/?address=${encodeURIComponent('"><script>alert(2)</script>')}` });
  assert.equal(typed.statusCode, 200);
  assert.doesNotMatch(typed.body, /<script>alert/);
  assert.match(typed.body, /&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt; is not an IP address/);
  assert.match(typed.body, /value="&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;"/);
});

test("an operator name is escaped in the console shell", async (t) => {
  const { app, context } = await testApp(t);
  // Names are restricted to letters, digits and . _ @ -; the shell escapes whatever the store holds.
  context.store
    .prepare("INSERT INTO web_operators VALUES (?, ?, 'admin', '', '')")
    .run("<img src=x>", "scrypt$x");
  const { id } = context.sessions.create("<img src=x>");
  const shell = await app.inject({ url: "/console/", headers: { cookie: `porteiro_session=${id}` } });
  assert.equal(shell.statusCode, 200);
  assert.match(shell.body, /&lt;img src=x&gt; \(admin\)/);
  assert.doesNotMatch(shell.body, /<img src=x>/);
});

test("each mail program has a guide with the configured host and ports", async (t) => {
  const { app } = await testApp(t, { config: { submission_port: 587, submission_tls_port: 465 } });
  const home = await app.inject({ url: "/" });
  const slugs = [...home.body.matchAll(/href="\/help\/([a-z-]+)"/g)].map((m) => m[1]);
  assert.deepEqual(slugs, ["thunderbird", "outlook", "apple-mail", "android", "ios"]);
  for (const slug of slugs) {
    const guide = await app.inject({ url: `/help/${slug}` });
    assert.equal(guide.statusCode, 200, slug);
    assert.match(guide.body, /<dt>Server<\/dt><dd><code>mail\.example\.net<\/code><\/dd>/, slug);
    assert.match(guide.body, /<dt>Port<\/dt><dd><code>587<\/code><\/dd>/, slug);
    assert.match(guide.body, /port <code>465<\/code> with security <strong>SSL\/TLS<\/strong>/, slug);
  }
});

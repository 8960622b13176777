import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { createLogger } from "../../src/core/index.js";
import { cacheOf, ResultCache } from "../../src/web/console/cache.js";
import { createWebApp, type WebContext } from "../../src/web/index.js";
import { login } from "./app.js";
import { CONSOLE_ENDPOINTS, consoleApp } from "./console-app.js";

/** A second server over the same store, data folder and plan, as after a restart: its memory empty. */
async function restarted(t: TestContext, context: WebContext, dataDir: string) {
  const server = await createWebApp({
    store: context.store,
    dataDir,
    ...(context.plan.file ? { planFile: context.plan.file } : {}),
    config: context.config,
    submissionHost: context.submissionHost,
    logger: createLogger("web"),
  });
  t.after(() => server.app.close());
  return server;
}

test("a key is computed while the first asker waits, then its last answer is served while a new one computes", async () => {
  const cache = new ResultCache();
  assert.equal(
    cache.get("k", "1", () => "one"),
    "one",
  );
  assert.equal(
    cache.get("k", "1", () => "never"),
    "one",
    "unchanged data: from memory",
  );
  assert.equal(
    cache.get("k", "2", () => "two"),
    "one",
    "new data: the last answer, at once",
  );
  await tick();
  assert.equal(
    cache.get("k", "2", () => "never"),
    "two",
    "computed right after",
  );
  const dated = (value: string) => async () => ({ value, asOf: Date.now() });
  assert.equal((await cache.getAsync("a", "1", dated("one"))).value, "one");
  assert.equal((await cache.getAsync("a", "2", dated("two"))).value, "one");
  await tick();
  assert.equal((await cache.getAsync("a", "2", dated("never"))).value, "two");
});

test("the warmer computes what is out of date instead of serving it stale", async () => {
  const cache = new ResultCache();
  let stamp = "1";
  cache.warmer(() => cache.get("k", stamp, () => `answer ${stamp}`));
  await cache.warm();
  assert.equal(
    cache.get("k", "1", () => "never"),
    "answer 1",
  );
  stamp = "2";
  await cache.warm();
  assert.equal(
    cache.get("k", "2", () => "never"),
    "answer 2",
  );
});

test("a failed computation is not remembered", async () => {
  const cache = new ResultCache();
  await assert.rejects(
    cache.getAsync("a", "1", async () => {
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal(
    (await cache.getAsync("a", "1", async () => ({ value: "then", asOf: Date.now() }))).value,
    "then",
  );
});

test("every console endpoint answers the same from a warmed cache as computed cold", async (t) => {
  const { app, context, dataDir } = await consoleApp(t);
  await cacheOf(context).warm();
  const warm = await login(app, "caio");
  // A second server over the same store and plan, its cache empty.
  const cold = await restarted(t, context, dataDir);
  // Without the answers the first server's report thread saved: computed again from the tables.
  rmSync(join(dataDir, "console-cache"), { recursive: true, force: true });
  const coldLogin = await login(cold.app, "caio");
  // The submission page's answers are live counters and samples, never cached.
  for (const url of CONSOLE_ENDPOINTS.filter((u) => !u.startsWith("/api/submission/"))) {
    const warmed = await app.inject({ url, headers: { cookie: warm.cookie } });
    const computed = await cold.app.inject({ url, headers: { cookie: coldLogin.cookie } });
    assert.equal(warmed.statusCode, 200, url);
    assert.deepEqual(warmed.json(), computed.json(), url);
  }
});

test("a restarted server reads the year-long reports back from the data folder, equal to computed", async (t) => {
  const { app, context, dataDir } = await consoleApp(t);
  const first = await login(app, "caio");
  const urls = ["/api/overview", "/api/flows/senders", "/api/reputation/report?by=region"];
  const computed = [];
  for (const url of urls)
    computed.push((await app.inject({ url, headers: { cookie: first.cookie } })).json());
  assert.ok(readdirSync(join(dataDir, "console-cache")).length >= 4, "overview (2), senders, listings saved");
  const again = await restarted(t, context, dataDir);
  const second = await login(again.app, "caio");
  for (const [i, url] of urls.entries()) {
    const read = await again.app.inject({ url, headers: { cookie: second.cookie } });
    assert.deepEqual(read.json(), computed[i], url);
  }
});

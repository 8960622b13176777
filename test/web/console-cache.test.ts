import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { createLogger } from "../../src/core/index.js";
import { cacheOf, ResultCache } from "../../src/web/console/cache.js";
import { createWebApp } from "../../src/web/index.js";
import { login } from "./app.js";
import { CONSOLE_ENDPOINTS, consoleApp } from "./console-app.js";

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
  assert.equal(await cache.getAsync("a", "1", async () => "one"), "one");
  assert.equal(await cache.getAsync("a", "2", async () => "two"), "one");
  await tick();
  assert.equal(await cache.getAsync("a", "2", async () => "never"), "two");
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
  assert.equal(await cache.getAsync("a", "1", async () => "then"), "then");
});

test("every console endpoint answers the same from a warmed cache as computed cold", async (t) => {
  const { app, context, dataDir } = await consoleApp(t);
  await cacheOf(context).warm();
  const warm = await login(app, "caio");
  // A second server over the same store and plan, its cache empty.
  const cold = await createWebApp({
    store: context.store,
    dataDir,
    ...(context.plan.file ? { planFile: context.plan.file } : {}),
    config: context.config,
    submissionHost: context.submissionHost,
    logger: createLogger("web"),
  });
  t.after(() => cold.app.close());
  const coldLogin = await login(cold.app, "caio");
  // The submission page's answers are live counters and samples, never cached.
  for (const url of CONSOLE_ENDPOINTS.filter((u) => !u.startsWith("/api/submission/"))) {
    const warmed = await app.inject({ url, headers: { cookie: warm.cookie } });
    const computed = await cold.app.inject({ url, headers: { cookie: coldLogin.cookie } });
    assert.equal(warmed.statusCode, 200, url);
    assert.deepEqual(warmed.json(), computed.json(), url);
  }
});

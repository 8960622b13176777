import assert from "node:assert/strict";
import { test } from "node:test";
import { buildInfo } from "../../src/core/index.js";
import { testApp } from "./app.js";

test("/healthz answers without a login, naming the version and commit, never cached", async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject({ url: "/healthz" });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers["cache-control"], "no-store");
  const { version, commit } = buildInfo();
  assert.deepEqual(response.json(), { status: "ok", version, commit: commit ?? null });
  assert.match(version, /^\d+\.\d+\.\d+/);
});

test("/healthz fails once the store cannot be read", async (t) => {
  const { app, context } = await testApp(t);
  context.store.close();
  const response = await app.inject({ url: "/healthz" });
  assert.equal(response.statusCode, 500);
  assert.deepEqual(response.json(), { error: "internal error" });
});

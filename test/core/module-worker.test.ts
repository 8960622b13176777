import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { siblingModule, startModuleWorker } from "../../src/core/index.js";

test("a TypeScript module runs as a worker thread under tsx and gets its workerData", async () => {
  const url = siblingModule(new URL("../fixtures/workers/caller.ts", import.meta.url).href, "echo");
  assert.match(url.pathname, /echo\.ts$/);
  const worker = startModuleWorker(url, { workerData: { n: 7 } });
  const [message] = await once(worker, "message");
  assert.deepEqual(message, { echoed: { n: 7 } });
  await worker.terminate();
});

test("siblingModule keeps the caller's extension", () => {
  assert.equal(siblingModule("file:///a/b/c.js", "d").href, "file:///a/b/d.js");
  assert.equal(siblingModule("file:///a/b/c.ts", "d").href, "file:///a/b/d.ts");
});

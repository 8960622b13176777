import assert from "node:assert/strict";
import { test } from "node:test";
import { demoWebConfig } from "../../src/cli/demo.js";
import { defaultWebConfig } from "../../src/web/index.js";

test("the demo's public pages are in Portuguese unless porteiro.yaml names a language", async () => {
  assert.equal((await demoWebConfig(defaultWebConfig())).default_language, "pt-BR");
  const english = { ...defaultWebConfig(), default_language: "en" as const };
  assert.equal((await demoWebConfig(english)).default_language, "en");
});

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/cli/config.js";
import { DiagnosticsError } from "../../src/core/index.js";
import { tempDir } from "../helpers/tmp.js";

test("examples/porteiro.yaml's web: section loads", () => {
  const { web } = loadConfig("examples/porteiro.yaml");
  assert.deepEqual(web.listen, { host: "127.0.0.1", port: 8025 });
  assert.equal(web.provider_name, "Example Telecom");
  assert.deepEqual(web.email_domains, ["example.net"]);
});

test("a wrong web: key is reported with its file and line", (t) => {
  const file = join(tempDir(t, "web-config"), "porteiro.yaml");
  writeFileSync(file, "plan: plan.yaml\nweb:\n  listen: 127.0.0.1:8025\n  submission_host: not a host\n");
  assert.throws(
    () => loadConfig(file),
    (error: unknown) =>
      error instanceof DiagnosticsError && /porteiro\.yaml:4: .*host name/.test(error.message),
  );
});

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/cli/config.js";
import { parseEndpoint } from "../../src/core/index.js";
import { defaultSubmissionConfig } from "../../src/submission/index.js";
import { porteiro, STACK_LINE } from "../cli/run.js";
import { tempDir } from "../helpers/tmp.js";

test("the example's submission section loads and matches the defaults it documents", () => {
  const { submission } = loadConfig("examples/porteiro.yaml");
  assert.deepEqual(
    { ...submission, hostname: undefined },
    { ...defaultSubmissionConfig(), hostname: undefined },
  );
  assert.deepEqual(submission.listen, { host: "127.0.0.1", port: 2587 });
  assert.deepEqual(submission.listen_tls, { host: "127.0.0.1", port: 2465 });
});

test("endpoints: HOST:PORT, IPv6 in brackets", () => {
  assert.deepEqual(parseEndpoint("[::1]:587"), { host: "::1", port: 587 });
  assert.deepEqual(parseEndpoint("mail.example.net:25"), { host: "mail.example.net", port: 25 });
  for (const bad of ["::1:587", "127.0.0.1", "127.0.0.1:70000", "[nope]:25"]) {
    assert.throws(() => parseEndpoint(bad), /is not HOST:PORT/);
  }
});

test("a mistake in the submission section is reported as file:line, without a stack trace", (t) => {
  const dir = tempDir(t, "submission-config");
  const file = join(dir, "porteiro.yaml");
  writeFileSync(file, "data: data\nsubmission:\n  listen: 587\n  hold:\n    action: drop\n");
  const result = porteiro(["submission", "serve", "-c", file]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /porteiro\.yaml:3: submission\.listen: /);
  assert.match(result.stderr, /porteiro\.yaml:5: submission\.hold\.action: /);
  assert.doesNotMatch(result.stderr, STACK_LINE);
});

test("DKIM keys: domains lower-cased, key files read relative to porteiro.yaml, a missing one is one line", (t) => {
  const dir = tempDir(t, "dkim-config");
  const file = join(dir, "porteiro.yaml");
  writeFileSync(
    file,
    "data: data\nsubmission:\n  dkim:\n    - { domain: Example.NET, selector: s2026, private_key_file: dkim/example.net.key }\n",
  );
  assert.deepEqual(loadConfig(file).submission.dkim, [
    { domain: "example.net", selector: "s2026", private_key_file: join(dir, "dkim", "example.net.key") },
  ]);
  const result = porteiro([
    "submission",
    "serve",
    "-c",
    file,
    "--listen",
    "127.0.0.1:0",
    "--listen-tls",
    "127.0.0.1:0",
  ]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /example\.net\.key: cannot use it as the DKIM key of example\.net/);
  assert.doesNotMatch(result.stderr, STACK_LINE);
});

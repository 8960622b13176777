import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

function initDir(t: Parameters<typeof tempDir>[0]): { dir: string; config: string } {
  const dir = tempDir(t, "config");
  const init = porteiro(["init", "--dir", dir]);
  assert.equal(init.status, 0, init.stderr);
  return { dir, config: join(dir, "porteiro.yaml") };
}

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const made = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30"].concat([
      "-subj",
      "/CN=mail.example.net",
      "-keyout",
      key,
      "-out",
      cert,
    ]),
    { encoding: "utf8" },
  );
  assert.equal(made.status, 0, made.stderr);
  return { cert, key };
}

test("config check passes what init writes, with its warnings, and exits 0", (t) => {
  const { config } = initDir(t);
  const checked = porteiro(["config", "check", "-c", config]);
  assert.equal(checked.status, 0, checked.stderr);
  assert.equal(checked.stdout, `${config}: ok (2 warnings)\n`);
  assert.match(
    checked.stderr,
    new RegExp(
      `^${config}:\\d+: warning: mail-client autoconfig is off until web.incoming names the mailbox servers \\(IMAP or POP3\\)`,
      "m",
    ),
  );
});

test("config check stops saying autoconfig is off once web.incoming names a mailbox server", (t) => {
  const { config } = initDir(t);
  const text = readFileSync(config, "utf8");
  writeFileSync(
    config,
    text.replace("web:\n", "web:\n  incoming: [{ protocol: imap, host: imap.example.net, port: 993 }]\n"),
  );
  const checked = porteiro(["config", "check", "-c", config]);
  assert.equal(checked.status, 0, checked.stderr);
  assert.equal(checked.stdout, `${config}: ok (1 warning)\n`);
  assert.doesNotMatch(checked.stderr, /autoconfig is off/);
});

test("config check names the line of a certificate that cannot be read or is not the key's", (t) => {
  if (!requirePeers(t, ["openssl"])) return;
  const { dir, config } = initDir(t);
  const text = readFileSync(config, "utf8");
  const one = selfSigned(dir, "one");
  const two = selfSigned(dir, "two");
  const withTls = (cert: string, key: string) =>
    text.replace("submission:\n", `submission:\n  cert: ${cert}\n  key: ${key}\n`);

  writeFileSync(config, withTls(one.cert, one.key));
  assert.equal(porteiro(["config", "check", "-c", config]).status, 0);

  writeFileSync(config, withTls(one.cert, two.key));
  const mismatched = porteiro(["config", "check", "-c", config]);
  assert.equal(mismatched.status, 1);
  const keyLine = withTls(one.cert, two.key).split("\n").indexOf(`  key: ${two.key}`) + 1;
  assert.match(
    mismatched.stderr,
    new RegExp(`^${config}:${keyLine}: submission.key: .* is not the certificate's key$`, "m"),
  );
  assert.doesNotMatch(mismatched.stderr, STACK_LINE);

  writeFileSync(config, withTls(join(dir, "missing.crt"), one.key));
  const missing = porteiro(["config", "check", "-c", config]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /submission\.cert: cannot read .*missing\.crt/);
});

test("config show prints every key, marks defaults, hides secrets; -n only what the file sets", (t) => {
  const { config } = initDir(t);
  writeFileSync(
    config,
    readFileSync(config, "utf8").replace(
      "submission:\n",
      "submission:\n  smarthost: { host: 192.0.2.25, port: 587, user: relay, pass: s3cret }\n",
    ),
  );
  const shown = porteiro(["config", "show", "-c", config]);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /^ {2}listen: 127\.0\.0\.1:2587$/m, "set in the file: no mark");
  assert.match(shown.stdout, /^ {2}max_recipients: 100 # default$/m);
  assert.match(shown.stdout, /^ {4}pass: "\*{8}"$|^ {4}pass: \*{8}$/m);
  assert.doesNotMatch(shown.stdout, /s3cret/);

  const set = porteiro(["config", "show", "-c", config, "-n", "--format", "json"]);
  assert.equal(set.status, 0, set.stderr);
  const json = JSON.parse(set.stdout);
  assert.equal(json.submission.max_recipients, undefined);
  assert.equal(json.submission.listen, "127.0.0.1:2587");
  assert.equal(json.submission.smarthost.pass, "********");

  const none = porteiro(["config", "show", "-c", join(tempDir(t, "config"), "porteiro.yaml")]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^no configuration at .*porteiro\.yaml; use -c FILE/);
});

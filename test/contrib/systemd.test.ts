import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { porteiro } from "../cli/run.js";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";

const UNITS = "contrib/systemd";
const units = readdirSync(UNITS).filter((name) => name.endsWith(".service"));

test("the systemd units pass systemd-analyze verify", (t) => {
  if (!requirePeers(t, ["systemd-analyze"])) return;
  const dir = tempDir(t, "systemd");
  // Verify needs the ExecStart binary to exist: this checkout's stands in for /usr/bin/porteiro.
  const bin = resolve("bin/porteiro.js");
  for (const name of units) {
    writeFileSync(
      join(dir, name),
      readFileSync(join(UNITS, name), "utf8").replaceAll("/usr/bin/porteiro", bin),
    );
  }
  const verified = spawnSync("systemd-analyze", ["verify", ...units.map((name) => join(dir, name))], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(verified.status, 0, verified.stderr);
  assert.equal(verified.stderr.trim(), "", verified.stderr);
});

test("each unit's ExecStart names a porteiro command and only flags that command has", () => {
  for (const name of units) {
    const text = readFileSync(join(UNITS, name), "utf8");
    const line = /^ExecStart=\/usr\/bin\/porteiro (.+)$/m.exec(text)?.[1];
    assert.ok(line, `${name} starts porteiro`);
    const words = line.split(/\s+/);
    const command = words.filter((word, i) => !word.startsWith("-") && !words[i - 1]?.startsWith("-"));
    const help = porteiro([...command, "--help"]);
    assert.equal(help.status, 0, `${name}: ${help.stderr}`);
    for (const flag of words.filter((word) => word.startsWith("--"))) {
      assert.ok(help.stdout.includes(flag), `${name}: ${command.join(" ")} has no ${flag}`);
    }
    assert.match(text, /^DynamicUser=yes$/m, `${name} runs as a user of its own`);
    assert.match(text, /^ProtectSystem=strict$/m);
    assert.match(text, /^StateDirectory=porteiro$/m);
  }
});

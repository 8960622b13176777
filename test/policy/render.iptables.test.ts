import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseDay } from "../../src/core/index.js";
import { loadPlan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";
import { requireNetns, requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";

const iptables = rendererFor("iptables");

/** Runs a shell snippet in a private network namespace, so nothing on the host changes. */
function isolated(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("unshare", ["--net", "sh", "-c", script], { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("the rules files pass iptables-restore --test and the loader script loads and reloads", (t) => {
  if (!requirePeers(t, ["iptables-restore", "ip6tables-restore", "ipset", "unshare"]) || !requireNetns(t))
    return;
  const { plan } = loadPlan("examples/plan.yaml");
  for (const day of ["2026-09-01", "2026-11-15", "2027-03-15"]) {
    const rendering = iptables.render(computePolicy(plan, parseDay(day)));
    const dir = tempDir(t, "ipt");
    for (const file of rendering.files) writeFileSync(join(dir, file.name), file.content);
    writeFileSync(join(dir, "load.sh"), rendering.stdout);
    const result = isolated(
      [
        `ipset restore < ${dir}/porteiro.ipset`,
        `iptables-restore --test --noflush < ${dir}/porteiro.rules.v4`,
        `ip6tables-restore --test --noflush < ${dir}/porteiro.rules.v6`,
        `sh ${dir}/load.sh`,
        `sh ${dir}/load.sh`,
        "iptables -S FORWARD",
        "{ ipset list porteiro-blocked4 | grep -c '^[0-9]' || true; }",
      ].join(" && "),
    );
    assert.equal(result.status, 0, `${day}: ${result.stderr}`);
    const jumps = result.stdout.split("\n").filter((l) => l.includes("-j porteiro-25"));
    assert.equal(jumps.length, 1, "reloading keeps one FORWARD jump");
    const blocked = computePolicy(plan, parseDay(day))
      .blocked.toPrefixes()
      .filter((p) => p.family === 4).length;
    assert.equal(Number(result.stdout.trim().split("\n").at(-1)), blocked);
  }
});

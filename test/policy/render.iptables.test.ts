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

test("a reload replaces the sets by swap and the chain in one restore, and never takes the jump out", () => {
  const { plan } = loadPlan("examples/plan.yaml");
  const rendering = iptables.render(computePolicy(plan, parseDay("2027-03-15")));
  const [ipset, v4, v6] = rendering.files.map((f) => f.content) as [string, string, string];
  for (const name of ["porteiro-blocked4", "porteiro-observed6", "porteiro-relays4"]) {
    const lines = ipset.split("\n");
    const swap = lines.indexOf(`swap ${name}.new ${name}`);
    const adds = lines.flatMap((l, i) => (l.startsWith(`add ${name}.new `) ? [i] : []));
    assert.ok(swap > 0, `${name} is swapped in`);
    assert.ok(
      adds.every((i) => i < swap),
      `${name}: filled before the swap`,
    );
    assert.ok(lines.indexOf(`destroy ${name}.new`) > swap, `${name}: the old content goes after`);
  }
  for (const rules of [v4, v6]) {
    assert.doesNotMatch(rules, /^-[ADI] FORWARD/m, "the restore touches porteiro's chain only");
    assert.equal(rules.match(/^COMMIT$/gm)?.length, 1, "one commit");
  }
  assert.doesNotMatch(rendering.stdout, /-D FORWARD|-F porteiro|-X porteiro/);
  for (const command of ["iptables", "ip6tables"]) {
    const restore = rendering.stdout.indexOf(`${command}-restore --noflush`);
    const jump = rendering.stdout.indexOf(
      `${command} -C FORWARD -p tcp -m tcp --dport 25 -j porteiro-25 2>/dev/null || ${command} -A FORWARD`,
    );
    assert.ok(
      restore >= 0 && jump > restore,
      `${command}: the jump is added, if missing, once the chain exists`,
    );
  }
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseDay } from "../../src/core/index.js";
import { loadPlan, parsePlan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";
import { requireNetns, requirePeers } from "../helpers/peers.js";

const DATES = ["2026-09-01", "2026-11-15", "2026-12-01", "2027-03-15", "2027-07-01"];
const nftables = rendererFor("nftables");

/** Runs `nft -c -f` in a private network namespace, so nothing on the host changes. */
function nftCheck(ruleset: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "porteiro-nft-"));
  try {
    const file = join(dir, "porteiro.nft");
    writeFileSync(file, ruleset);
    const script = `nft -c -f ${file} && nft -f ${file} && nft -f ${file}`;
    const result = spawnSync("unshare", ["--net", "sh", "-c", script], { encoding: "utf8", timeout: 30_000 });
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the reference plan renders a ruleset that nft accepts, loads and reloads, on every phase", (t) => {
  if (!requirePeers(t, ["nft", "unshare"]) || !requireNetns(t)) return;
  const { plan } = loadPlan("examples/plan.yaml");
  for (const day of DATES) {
    const ruleset = nftables.render(computePolicy(plan, parseDay(day))).stdout;
    const checked = nftCheck(ruleset);
    assert.equal(checked.status, 0, `${day}: ${checked.stderr}`);
  }
});

test("empty sets, drop, no relays and IPv6-only plans are valid too", (t) => {
  if (!requirePeers(t, ["nft", "unshare"]) || !requireNetns(t)) return;
  const plans = [
    "isp: { name: Empty }\nregions:\n  - { id: r, enforce_from: 2026-01-01 }\n",
    `isp: { name: V6 }
action: drop
allow_relays_on_25: false
relays: [2001:db8:25::25]
regions:
  - { id: r, enforce_from: 2026-01-01 }
pools:
  - { prefix: "2001:db8:1000::/36", kind: dynamic, region: r }
  - { prefix: "2001:db8:1000::/48", kind: static, region: r }
exceptions:
  - { prefix: "2001:db8:1001::1", reason: "a \\"quoted\\" */ reason", until: 2030-01-01 }
`,
  ];
  for (const text of plans) {
    const ruleset = nftables.render(
      computePolicy(parsePlan(text, "p.yaml").plan, parseDay("2026-06-01")),
    ).stdout;
    const checked = nftCheck(ruleset);
    assert.equal(checked.status, 0, checked.stderr);
  }
});

test("the ruleset's sets hold exactly the policy's prefixes", () => {
  const { plan } = loadPlan("examples/plan.yaml");
  const ruleset = nftables.render(computePolicy(plan, parseDay("2027-03-15"))).stdout;
  const elements = (name: string) => {
    const block = new RegExp(`set ${name} \\{[^}]*?elements = \\{([^}]*)\\}`, "s").exec(ruleset);
    return block ? (block[1] as string).split(",").map((s) => s.trim()) : [];
  };
  assert.deepEqual(elements("blocked_v6"), ["2001:db8:1000::/40"]);
  assert.equal(elements("blocked_v4").length, 8);
  assert.ok(!elements("blocked_v4").includes("203.0.113.99/32"));
  assert.deepEqual(elements("relays_v4"), ["198.51.100.25/32"]);
  assert.match(ruleset, /ip saddr @blocked_v4 tcp dport 25 counter reject with tcp reset/);
  assert.doesNotMatch(ruleset, /dport (587|465)/);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDay, parsePrefix } from "../../src/core/index.js";
import { loadPlan, parsePlan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";
import { aclAddress, wildcardMask } from "../../src/policy/render/ios.js";
import {
  assertGolden,
  DROP_PLAN as DROP,
  goldenCases,
  REFERENCE_PLAN as REFERENCE,
  renderWith,
} from "../helpers/golden.js";

const ios = rendererFor("ios");
const CASES = goldenCases("ios", "cfg");
const { render } = renderWith("ios");

const V4 = "(any|host \\d+\\.\\d+\\.\\d+\\.\\d+|\\d+\\.\\d+\\.\\d+\\.\\d+ \\d+\\.\\d+\\.\\d+\\.\\d+)";
const V6 = "(any|host [0-9a-f:]+|[0-9a-f:]+/\\d+)";
/** Every line the renderer may write: comments, list headers, numbered IPv4 and IPv6 entries. */
const LINE = new RegExp(
  [
    "!.*",
    "(no )?ip access-list extended PORTEIRO-25-V4",
    "(no )?ipv6 access-list PORTEIRO-25-V6",
    " \\d+ permit ip any any",
    ` \\d+ permit tcp any ${V4} eq smtp`,
    ` \\d+ (deny|permit) tcp ${V4} any eq smtp( log)?`,
    " permit ipv6 any any sequence \\d+",
    ` permit tcp any ${V6} eq smtp sequence \\d+`,
    ` (deny|permit) tcp ${V6} any eq smtp( log)? sequence \\d+`,
    "end",
    "",
  ]
    .map((alternative) => `(${alternative})`)
    .join("|"),
);

for (const c of CASES) {
  test(`ios golden: ${c.golden}`, () => {
    assertGolden(c.golden, render(c.plan, c.day));
  });
}

test("wildcard masks are inverse netmasks", () => {
  assert.equal(wildcardMask(28), "0.0.0.15");
  assert.equal(wildcardMask(24), "0.0.0.255");
  assert.equal(wildcardMask(26), "0.0.0.63");
  assert.equal(wildcardMask(31), "0.0.0.1");
  assert.equal(wildcardMask(32), "0.0.0.0");
  assert.equal(wildcardMask(1), "127.255.255.255");
  assert.equal(wildcardMask(0), "255.255.255.255");
  assert.equal(wildcardMask(9), "0.127.255.255");
});

test("addresses use host for single hosts, any for everything, a wildcard or a prefix otherwise", () => {
  assert.equal(aclAddress(parsePrefix("203.0.113.64/28")), "203.0.113.64 0.0.0.15");
  assert.equal(aclAddress(parsePrefix("203.0.113.98/32")), "host 203.0.113.98");
  assert.equal(aclAddress(parsePrefix("0.0.0.0/0")), "any");
  assert.equal(aclAddress(parsePrefix("2001:db8:1000::/40")), "2001:db8:1000::/40");
  assert.equal(aclAddress(parsePrefix("2001:db8:25::25/128")), "host 2001:db8:25::25");
  assert.equal(aclAddress(parsePrefix("::/0")), "any");
});

test("every line is a comment or an entry of the expected shape", () => {
  for (const c of CASES) {
    for (const line of render(c.plan, c.day).split("\n")) assert.match(line, LINE, `${c.golden}: ${line}`);
  }
});

test("every blocked prefix has a deny line and every observed one a permit ... log line", () => {
  for (const c of CASES) {
    const policy = computePolicy(loadPlan(c.plan).plan, parseDay(c.day));
    const config = ios.render(policy).stdout;
    for (const p of policy.blocked.toPrefixes()) {
      const deny =
        p.family === 4
          ? ` deny tcp ${aclAddress(p)} any eq smtp\n`
          : ` deny tcp ${aclAddress(p)} any eq smtp sequence`;
      assert.ok(config.includes(deny), `${c.golden}: ${deny}`);
    }
    for (const p of policy.observed.toPrefixes()) {
      assert.ok(
        config.includes(` permit tcp ${aclAddress(p)} any eq smtp log`),
        `${c.golden}: ${aclAddress(p)}`,
      );
    }
    assert.equal(config.match(/^ (\d+ )?deny /gm)?.length ?? 0, policy.blocked.toPrefixes().length);
    assert.doesNotMatch(config, /eq (587|465|submission)/);
  }
  assert.match(render(REFERENCE, "2027-03-15"), / \d+ deny tcp 203\.0\.113\.80 0\.0\.0\.15 any eq smtp\n/);
});

test("sequence numbers are unique and put relays first and the catch-all permit last", () => {
  for (const c of CASES) {
    const config = render(c.plan, c.day);
    for (const list of config.split(/^no ipv6? access-list.*$/m).slice(1)) {
      const numbered = [...list.matchAll(/^ (\d+) (.*)$|^ (.*) sequence (\d+)$/gm)].map((m) => ({
        sequence: Number(m[1] ?? m[4]),
        entry: (m[2] ?? m[3]) as string,
      }));
      const sequences = numbered.map((n) => n.sequence);
      assert.equal(new Set(sequences).size, sequences.length, c.golden);
      const ordered = [...numbered].sort((a, b) => a.sequence - b.sequence).map((n) => n.entry);
      assert.match(ordered.at(-1) as string, /^permit ipv6? any any$/, c.golden);
      assert.match(
        numbered[0]?.entry as string,
        /^permit ipv6? any any$/,
        `${c.golden}: the catch-all goes in first`,
      );
      const firstRelay = ordered.findIndex((e) => e.startsWith("permit tcp any "));
      const firstDeny = ordered.findIndex((e) => e.startsWith("deny "));
      if (firstRelay >= 0 && firstDeny >= 0) assert.ok(firstRelay < firstDeny, c.golden);
    }
  }
});

test("reject explains that IOS drops instead; drop says nothing of it; relays follow the plan", () => {
  const reference = render(REFERENCE, "2027-03-15");
  assert.match(reference, /^! IOS cannot answer with a TCP reset from an ACL/m);
  assert.match(reference, / 10 permit tcp any host 198\.51\.100\.25 eq smtp\n/);
  assert.match(reference, / permit tcp any host 2001:db8:25::25 eq smtp sequence 10\n/);
  assert.match(reference, /^!\s+ip access-group PORTEIRO-25-V4 in$/m);
  assert.match(reference, /^!\s+ipv6 traffic-filter PORTEIRO-25-V6 in$/m);
  const drop = render(DROP, "2026-12-15");
  assert.doesNotMatch(drop, /TCP reset/);
  assert.doesNotMatch(drop, /permit tcp any /, "allow_relays_on_25: false writes no relay entries");
});

test("hostile plan text stays inside ! comments", () => {
  const plan = `isp: { name: "Evil\\ninterface Gi0/0\\n shutdown" }
regions:
  - { id: r, name: "R\\r\\nno ip routing", enforce_from: 2026-01-01 }
pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: r }
exceptions:
  - { prefix: 203.0.113.7/32, reason: "x\\nend\\nreload", until: 2030-01-01 }
`;
  const config = ios.render(computePolicy(parsePlan(plan, "p.yaml").plan, parseDay("2026-06-01"))).stdout;
  for (const line of config.split("\n")) assert.match(line, LINE, line);
  assert.equal(config.match(/^end$/gm)?.length, 1);
});

test("an empty policy keeps only the catch-all permits", () => {
  const config = ios.render(
    computePolicy(
      parsePlan("isp: { name: Empty }\nregions:\n  - { id: r, enforce_from: 2026-01-01 }\n", "p.yaml").plan,
      parseDay("2026-06-01"),
    ),
  ).stdout;
  const entries = config.split("\n").filter((l) => l.startsWith(" "));
  assert.deepEqual(entries, [" 2000000000 permit ip any any", " permit ipv6 any any sequence 2000000000"]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { formatPrefix, parseDay } from "../../src/core/index.js";
import { loadPlan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";
import { routerosString } from "../../src/policy/render/routeros.js";
import {
  assertGolden,
  DROP_PLAN as DROP,
  goldenCases,
  REFERENCE_PLAN as REFERENCE,
  renderWith,
} from "../helpers/golden.js";

const routeros = rendererFor("routeros");
const CASES = goldenCases("routeros", "rsc");
const { render, renderText } = renderWith("routeros");

/** Every line of a script is a comment, blank, or one of the commands the renderer writes. */
const COMMAND =
  /^(#.*|\/ipv?6? firewall (filter|address-list)|remove \[find where [^\]]+\]|add .+|:if .+ do=\{|} else=\{|}| {4}\/ipv?6? firewall filter add .+|)$/;

/** The `"` that open and close quoted strings, escapes removed: an even count means none is left open. */
function unbalancedQuotes(line: string): boolean {
  if (line.startsWith("#")) return false;
  return (line.replace(/\\./g, "").match(/"/g) ?? []).length % 2 !== 0;
}

for (const c of CASES) {
  test(`routeros golden: ${c.golden}`, () => {
    assertGolden(c.golden, render(c.plan, c.day));
  });
}

test("every line is a comment or a known command, and no quoted string is left open", () => {
  for (const c of CASES) {
    for (const line of render(c.plan, c.day).split("\n")) {
      assert.match(line, COMMAND, `${c.golden}: ${line}`);
      assert.ok(!unbalancedQuotes(line), `${c.golden}: ${line}`);
    }
  }
});

test("quoted strings escape quote, backslash and dollar, and hex-escape non-ASCII", () => {
  assert.equal(routerosString('a"b\\c$d'), '"a\\"b\\\\c\\$d"');
  assert.equal(routerosString("São"), '"S\\C3\\A3o"');
  assert.equal(routerosString("one\ntwo\r\tthree"), '"one two three"');
  assert.equal(routerosString("*/ ok ?"), '"* / ok ?"');
});

test("hostile plan text stays inside comments and quoted strings", () => {
  const plan = `isp: { name: "Evil\\n/system reset-configuration \\"x\\" $y \\\\" }
regions:
  - { id: r, name: "R\\n/ip firewall filter remove [find]", enforce_from: 2026-01-01 }
pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: r, name: "p\\"\\n/quit" }
exceptions:
  - { prefix: 203.0.113.7/32, reason: "a \\"quoted\\" */ reason\\n/system reboot \\\\" }
`;
  const script = renderText(plan, "2026-06-01");
  for (const line of script.split("\n")) {
    assert.match(line, COMMAND, line);
    assert.ok(!unbalancedQuotes(line), line);
    if (/reset-configuration|reboot|remove \[find\]|\/quit/.test(line))
      assert.ok(line.startsWith("#") || line.includes('comment="'), line);
    if (line.startsWith("#")) assert.ok(!line.endsWith("\\"), line);
  }
  assert.match(
    script,
    /comment="porteiro: port-25 policy of Evil \/system reset-configuration \\"x\\" \\\$y \\\\ on 2026-06-01/,
  );
});

test("blocked, observed and relay prefixes land in their address lists, per family", () => {
  const { plan } = loadPlan(REFERENCE);
  const policy = computePolicy(plan, parseDay("2027-03-15"));
  const script = routeros.render(policy).stdout;
  const [v4, v6] = script.split("/ipv6 firewall address-list") as [string, string];
  for (const p of policy.blocked.toPrefixes()) {
    const entry = `add list=porteiro-blocked address=${formatPrefix(p)}\n`;
    assert.ok((p.family === 4 ? v4 : v6).includes(entry), entry);
  }
  assert.ok(v4.includes("add list=porteiro-relays address=198.51.100.25/32\n"));
  assert.ok(v6.includes("add list=porteiro-relays address=2001:db8:25::25/128\n"));
  assert.doesNotMatch(script, /address=203\.0\.113\.99\/32/);
  assert.doesNotMatch(script, /dst-port=(587|465)/);
});

test("the chain returns for relays, then refuses, then logs; one jump placed at the top of forward", () => {
  const script = render(DROP, "2026-12-15");
  assert.doesNotMatch(
    script,
    /porteiro-relays address=/,
    "allow_relays_on_25: false writes no relay entries",
  );
  assert.doesNotMatch(script, /action=return|reject-with/);
  const v4 = script.slice(
    script.lastIndexOf("/ip firewall filter\n"),
    script.lastIndexOf("/ipv6 firewall filter\n"),
  );
  const drop = v4.indexOf("action=drop protocol=tcp dst-port=25 src-address-list=porteiro-blocked");
  const log = v4.indexOf("action=log log-prefix=");
  assert.ok(drop > 0 && log > drop, "drop comes before log");
  assert.equal(
    v4.match(/chain=forward action=jump jump-target=porteiro-25/g)?.length,
    2,
    "placed and fallback",
  );
  assert.match(v4, /place-before=\[:pick \[\/ip firewall filter find where chain=forward dynamic=no\] 0\]/);

  const reference = render(REFERENCE, "2027-03-15");
  assert.ok(
    reference.indexOf("action=return") < reference.indexOf("action=reject reject-with=tcp-reset"),
    "relays return before the reject",
  );
});

test("a day with nothing to block or observe adds no rules and no jump", () => {
  const script = render(REFERENCE, "2026-09-01");
  assert.doesNotMatch(script, /chain=porteiro-25|action=jump/);
  assert.match(script, /# IPv4: nothing is blocked or observed on 2026-09-01; no rules added/);
  // Previous runs are still cleaned up.
  assert.match(script, /remove \[find where list=porteiro-blocked\]/);
  assert.match(script, /remove \[find where comment~"\^porteiro:"\]/);
});

test("an IPv6-only plan writes IPv6 rules only", () => {
  const script = renderText(
    `isp: { name: V6 }
regions:
  - { id: r, enforce_from: 2026-01-01 }
pools:
  - { prefix: "2001:db8:1000::/36", kind: dynamic, region: r }
`,
    "2026-06-01",
  );
  assert.match(script, /\/ipv6 firewall filter\nadd chain=porteiro-25 action=reject reject-with=tcp-reset/);
  assert.match(script, /# IPv4: nothing is blocked or observed/);
  assert.match(script, /add list=porteiro-blocked address=2001:db8:1000::\/36/);
});

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

const MENU = "\\/ipv?6? firewall";
const GEN = "[0-9a-f]{8}";
const LIST = `porteiro-(relays|blocked|observed)-${GEN}`;
/** Every line of a script is a comment, blank, or one of the commands the renderer writes. */
const COMMAND = new RegExp(
  `^${[
    "#.*",
    "",
    `:do \\{${MENU} address-list add list=${LIST} address=[0-9a-f.:]+/\\d+\\} on-error=\\{\\}`,
    `:if \\(\\[:len \\[${MENU} address-list find where list="${LIST}"\\]\\] != \\d+\\) do=\\{:error "porteiro: ${LIST} is incomplete \\(expected \\d+\\); the policy in force is unchanged"\\}`,
    `( {4})?:if \\(\\[:len \\[${MENU} filter find where [^\\]]+\\]\\] [=>] 0\\) do=\\{`,
    `( {4})?\\} else=\\{`,
    "( {4})?\\}",
    `( {4}| {8})?${MENU} filter (add|set|remove) .+`,
    `${MENU} address-list remove \\[find where [^\\]]+\\]`,
  ]
    .map((alternative) => `(${alternative})`)
    .join("|")}$`,
);

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

/** The script cut into its IPv4 and IPv6 updates. */
function families(script: string): { 4: string; 6: string } {
  const at = script.indexOf("\n# IPv6: ");
  return { 4: script.slice(0, at), 6: script.slice(at) };
}

const generationOf = (script: string) => /chain=porteiro-25-([0-9a-f]{8})/.exec(script)?.[1];

test("blocked, observed and relay prefixes land in their generation's lists, per family", () => {
  const { plan } = loadPlan(REFERENCE);
  const policy = computePolicy(plan, parseDay("2027-03-15"));
  const script = routeros.render(policy).stdout;
  const gen = generationOf(script);
  const { 4: v4, 6: v6 } = families(script);
  for (const p of policy.blocked.toPrefixes()) {
    const menu = p.family === 4 ? "/ip" : "/ipv6";
    const entry = `:do {${menu} firewall address-list add list=porteiro-blocked-${gen} address=${formatPrefix(p)}} on-error={}\n`;
    assert.ok((p.family === 4 ? v4 : v6).includes(entry), entry);
  }
  assert.ok(v4.includes(`add list=porteiro-relays-${gen} address=198.51.100.25/32}`));
  assert.ok(v6.includes(`add list=porteiro-relays-${gen} address=2001:db8:25::25/128}`));
  assert.doesNotMatch(script, /address=203\.0\.113\.99\/32/);
  assert.doesNotMatch(script, /dst-port=(587|465)/);
});

test("each family's lists are whole before the jump moves, and the old generation goes only after", () => {
  for (const c of CASES) {
    const script = render(c.plan, c.day);
    const gen = generationOf(script);
    for (const [family, text] of Object.entries(families(script))) {
      const lines = text.split("\n");
      const where = `${c.golden} IPv${family}`;
      const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
      const all = (pattern: RegExp) => lines.flatMap((l, i) => (pattern.test(l) ? [i] : []));
      const move = at(/^ {4}\/ipv?6? firewall filter set .* jump-target=porteiro-25-/);
      if (move < 0) {
        assert.match(text, /nothing is blocked or observed/, where);
        assert.equal(gen === undefined || !text.includes(gen), true, `${where}: no generation written`);
        continue;
      }
      const checks = all(/^:if \(\[:len \[\/ipv?6? firewall address-list find where list=/);
      for (const check of checks) {
        const list = /list="([^"]+)"/.exec(lines[check] as string)?.[1] as string;
        const adds = all(new RegExp(`add list=${list} address=`));
        const expected = Number(/!= (\d+)\)/.exec(lines[check] as string)?.[1]);
        assert.equal(adds.length, expected, `${where}: ${list} checked for as many entries as written`);
        assert.ok(adds.length > 0 && adds.every((i) => i < check), `${where}: ${list} filled, then checked`);
        assert.ok(check < move, `${where}: ${list} checked before the jump moves`);
      }
      const chainBuilt = all(/^ {4}\/ipv?6? firewall filter add chain=porteiro-25-/);
      assert.ok(chainBuilt.length > 0, where);
      assert.ok(
        chainBuilt.every((i) => i > (checks.at(-1) as number) && i < move),
        `${where}: the chain is built after the checks and before the jump moves to it`,
      );
      for (const i of chainBuilt) {
        for (const [, list] of (lines[i] as string).matchAll(/-address-list=(\S+)/g)) {
          assert.ok(list?.endsWith(`-${gen}`), `${where}: the new chain refers to its own lists only`);
        }
      }
      const removals = all(/^\/ipv?6? firewall (filter|address-list) remove /);
      assert.equal(removals.length, 2, where);
      assert.ok(
        removals.every((i) => i > move),
        `${where}: the previous generation goes after the jump moved`,
      );
      assert.match(
        lines[removals[0] as number] as string,
        new RegExp(`chain!=forward and chain!="porteiro-25-${gen}"\\]$`),
        `${where}: the jump and the new chain stay`,
      );
      for (const kind of ["relays", "blocked", "observed"]) {
        assert.ok(
          (lines[removals[1] as number] as string).includes(`list!="porteiro-${kind}-${gen}"`),
          `${where}: the new ${kind} list stays`,
        );
      }
    }
  }
});

test("a re-import of the same policy finds it in force: same generation, adds forgiven, chain kept", () => {
  const first = render(REFERENCE, "2027-03-15");
  const gen = generationOf(first);
  assert.equal(generationOf(render(REFERENCE, "2027-03-16")), gen, "same content, same generation");
  assert.notEqual(generationOf(render(REFERENCE, "2026-11-15")), gen, "new content, new generation");
  assert.notEqual(generationOf(render(DROP, "2026-12-15")), generationOf(render(DROP, "2026-11-15")));
  for (const line of first.split("\n").filter((l) => l.includes(" address-list add "))) {
    assert.match(line, /^:do \{.*\} on-error=\{\}$/, "an entry already there is no error");
  }
  // The chain is rebuilt only while no jump leads to it: a half-built one from an interrupted run
  // is cleared first; the one in force is left as it is.
  assert.match(
    first,
    new RegExp(
      `:if \\(\\[:len \\[/ip firewall filter find where chain=forward jump-target="porteiro-25-${gen}"\\]\\] = 0\\) do=\\{\\n {4}/ip firewall filter remove \\[find where chain="porteiro-25-${gen}"\\]\\n {4}/ip firewall filter add`,
    ),
  );
});

test("the chain returns for relays, then refuses, then logs; one jump placed at the top of forward", () => {
  const script = render(DROP, "2026-12-15");
  assert.doesNotMatch(script, /add list=porteiro-relays-/, "allow_relays_on_25: false writes no relay list");
  assert.doesNotMatch(script, /action=return|reject-with/);
  const v4 = families(script)[4];
  const drop = v4.indexOf("action=drop protocol=tcp dst-port=25 src-address-list=porteiro-blocked-");
  const log = v4.indexOf("action=log log-prefix=");
  assert.ok(drop > 0 && log > drop, "drop comes before log");
  assert.equal(
    v4.match(/add chain=forward action=jump jump-target=porteiro-25-/g)?.length,
    2,
    "placed and fallback, for a first run",
  );
  assert.match(v4, /place-before=\[:pick \[\/ip firewall filter find where chain=forward dynamic=no\] 0\]/);
  assert.match(
    v4,
    /^ {4}\/ip firewall filter set \[\/ip firewall filter find where chain=forward comment~"\^porteiro:"\] jump-target=porteiro-25-/m,
    "later runs move the jump they find",
  );

  const reference = render(REFERENCE, "2027-03-15");
  assert.ok(
    reference.indexOf("action=return") < reference.indexOf("action=reject reject-with=tcp-reset"),
    "relays return before the reject",
  );
});

test("a day with nothing to block or observe adds no rules and no jump, and removes porteiro's", () => {
  const script = render(REFERENCE, "2026-09-01");
  assert.doesNotMatch(script, /chain=porteiro-25|action=jump|address-list add/);
  assert.match(
    script,
    /# IPv4: nothing is blocked or observed on 2026-09-01; porteiro's jump, rules and lists go/,
  );
  assert.match(script, /^\/ip firewall filter remove \[find where comment~"\^porteiro:"\]$/m);
  assert.match(
    script,
    /^\/ipv6 firewall address-list remove \[find where list~"\^porteiro-\(relays\|blocked\|observed\)"\]$/m,
  );
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
  const gen = generationOf(script);
  assert.match(
    script,
    new RegExp(`/ipv6 firewall filter add chain=porteiro-25-${gen} action=reject reject-with=tcp-reset`),
  );
  assert.match(script, /# IPv4: nothing is blocked or observed/);
  assert.match(script, new RegExp(`add list=porteiro-blocked-${gen} address=2001:db8:1000::/36`));
});

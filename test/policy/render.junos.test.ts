import assert from "node:assert/strict";
import { test } from "node:test";
import { formatPrefix, parseDay } from "../../src/core/index.js";
import { loadPlan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";
import {
  assertGolden,
  DROP_PLAN as DROP,
  goldenCases,
  REFERENCE_PLAN as REFERENCE,
  renderWith,
} from "../helpers/golden.js";

const junos = rendererFor("junos");
const CASES = goldenCases("junos", "conf");
const { render, renderText } = renderWith("junos");

/** The configuration after the one leading comment, which must open first and close exactly once. */
function body(config: string): string {
  assert.ok(config.startsWith("/*\n"));
  const end = config.indexOf("\n */\n");
  assert.ok(end > 0, "the header comment closes");
  const rest = config.slice(end + "\n */\n".length);
  assert.ok(!config.slice(2, end).includes("*/"), "nothing closes the header comment early");
  assert.ok(!rest.includes("/*") && !rest.includes("*/"), "no comment after the header");
  return rest;
}

/** Braces balance and never go below zero; every statement line ends in `{`, `}`, `;` or is a tag. */
function assertWellFormed(text: string, label: string): void {
  let depth = 0;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    assert.match(
      trimmed,
      /^(replace:|[a-z0-9:./ -]+ \{|\}|[a-z0-9:./ -]+;|then accept;)$/,
      `${label}: ${line}`,
    );
    depth += trimmed.endsWith("{") ? 1 : trimmed === "}" ? -1 : 0;
    assert.ok(depth >= 0, `${label}: ${line}`);
  }
  assert.equal(depth, 0, label);
}

for (const c of CASES) {
  test(`junos golden: ${c.golden}`, () => {
    assertGolden(c.golden, render(c.plan, c.day));
  });
}

test("the configuration is well formed and one header comment precedes it", () => {
  for (const c of CASES) assertWellFormed(body(render(c.plan, c.day)), c.golden);
});

test("every referenced prefix list is defined and not empty; empty sets get neither list nor term", () => {
  const days = [
    "2026-09-01",
    "2026-10-15",
    "2026-11-15",
    "2026-12-15",
    "2027-03-15",
    "2027-07-01",
    "2028-01-01",
  ];
  for (const plan of [REFERENCE, DROP]) {
    for (const day of days) {
      const config = body(render(plan, day));
      const defined = new Map<string, string[]>();
      for (const m of config.matchAll(/prefix-list (porteiro-[a-z0-9-]+) \{\n([^}]*)\}/g)) {
        defined.set(m[1] as string, (m[2] as string).trim().split(/;\s*/).filter(Boolean));
      }
      for (const m of config.matchAll(/(source|destination)-prefix-list \{\n\s*([^;]+);/g)) {
        const name = m[2] as string;
        assert.ok(
          (defined.get(name)?.length ?? 0) > 0,
          `${plan} ${day}: ${name} is referenced but empty or missing`,
        );
      }
      for (const name of defined.keys()) assert.ok(config.includes(`${name};`), `${day}: ${name} is unused`);
    }
  }
});

test("prefix lists hold exactly the policy's prefixes, per family", () => {
  const policy = computePolicy(loadPlan(REFERENCE).plan, parseDay("2027-03-15"));
  const config = junos.render(policy).stdout;
  const list = (name: string) =>
    (new RegExp(`prefix-list ${name} \\{\\n([^}]*)\\}`).exec(config)?.[1] ?? "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean);
  const blocked = policy.blocked.toPrefixes();
  assert.deepEqual(list("porteiro-blocked-v4"), blocked.filter((p) => p.family === 4).map(formatPrefix));
  assert.deepEqual(list("porteiro-blocked-v6"), ["2001:db8:1000::/40"]);
  assert.deepEqual(list("porteiro-relays-v4"), ["198.51.100.25/32"]);
  assert.deepEqual(list("porteiro-relays-v6"), ["2001:db8:25::25/128"]);
  assert.ok(!list("porteiro-blocked-v4").includes("203.0.113.99/32"));
  assert.doesNotMatch(config, /prefix-list porteiro-observed/);
  assert.doesNotMatch(config, /destination-port (587|465|submission)/);
});

test("reject sends a TCP reset, drop discards; inet6 matches next-header; every list and filter is replaced", () => {
  const reference = render(REFERENCE, "2027-03-15");
  assert.equal(reference.match(/reject tcp-reset;/g)?.length, 2);
  assert.doesNotMatch(reference, /discard;/);
  assert.match(reference, /family inet6 \{\n {8}replace:\n {8}filter porteiro-25-v6 \{/);
  assert.match(reference, /next-header tcp;/);
  const inet6 = reference.slice(reference.indexOf("family inet6 {"));
  assert.doesNotMatch(inet6, /protocol tcp;/);
  for (const m of reference.matchAll(/^( *)(prefix-list|filter) /gm)) {
    const before = reference.slice(0, m.index).trimEnd();
    assert.ok(before.endsWith("replace:"), `${m[0]} is tagged`);
  }

  const drop = render(DROP, "2026-12-15");
  assert.equal(drop.match(/discard;/g)?.length, 2);
  assert.doesNotMatch(drop, /reject|porteiro-relays/);
  assert.match(drop, /then \{\n {20}count porteiro-observe-v6;\n {20}syslog;\n {20}accept;\n {16}\}/);
});

test("terms come in order: relays, block, observe, default", () => {
  const config = renderText(
    `isp: { name: Mixed }
relays: [198.51.100.25]
regions:
  - { id: a, enforce_from: 2026-01-01 }
  - { id: b, observe_from: 2026-01-01, enforce_from: 2027-01-01 }
pools:
  - { prefix: 203.0.113.0/25, kind: dynamic, region: a }
  - { prefix: 203.0.113.128/25, kind: dynamic, region: b }
`,
    "2026-06-01",
  );
  const inet = config.slice(config.indexOf("family inet {"), config.indexOf("family inet6 {"));
  const order = [...inet.matchAll(/term ([a-z]+) \{/g)].map((m) => m[1]);
  assert.deepEqual(order, ["relays", "block", "observe", "default"]);
  const inet6 = config.slice(config.indexOf("family inet6 {"));
  assert.deepEqual(
    [...inet6.matchAll(/term ([a-z]+) \{/g)].map((m) => m[1]),
    ["default"],
  );
});

test("hostile plan text cannot close the header comment", () => {
  const config = renderText(
    `isp: { name: "Evil */ firewall { family inet { filter x { term y { then discard; } } } } /*" }
regions:
  - { id: r, name: "R\\n*/ system { root-authentication { plain-text-password; } }", enforce_from: 2026-01-01 }
pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: r, name: "p */ x" }
exceptions:
  - { prefix: 203.0.113.7/32, reason: "x\\n*/\\n/*", until: 2030-01-01 }
`,
    "2026-06-01",
  );
  const rest = body(config);
  assertWellFormed(rest, "hostile");
  assert.doesNotMatch(rest, /system|root-authentication|filter x/);
});

test("an empty policy writes no policy-options and filters that only accept", () => {
  const config = renderText(
    "isp: { name: Empty }\nregions:\n  - { id: r, enforce_from: 2026-01-01 }\n",
    "2026-06-01",
  );
  const rest = body(config);
  assertWellFormed(rest, "empty");
  assert.doesNotMatch(rest, /policy-options|prefix-list/);
  assert.equal(rest.match(/term default \{\n\s*then accept;\n\s*\}/g)?.length, 2);
  assert.equal(rest.match(/term /g)?.length, 2);
});

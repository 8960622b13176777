import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { DiagnosticsError, formatDiagnostic, formatPrefix } from "../../src/core/index.js";
import { loadPlan, parsePlan } from "../../src/plan/index.js";
import { tempDir } from "../helpers/tmp.js";

const HEAD = `isp: { name: Test ISP }
regions:
  - { id: sul, observe_from: 2026-10-01, enforce_from: 2026-12-01 }
`;

/** The formatted diagnostics a plan text produces (empty when it loads without warnings). */
function problems(text: string, file = "plan.yaml"): string[] {
  try {
    return parsePlan(text, file).warnings.map(formatDiagnostic);
  } catch (error) {
    if (error instanceof DiagnosticsError) return error.diagnostics.map(formatDiagnostic);
    throw error;
  }
}

describe("the reference plan", () => {
  test("examples/plan.yaml loads with the documented defaults", () => {
    const { plan, warnings } = loadPlan("examples/plan.yaml");
    assert.deepEqual(warnings, []);
    assert.equal(plan.isp.asn, 64500);
    assert.equal(plan.action, "reject");
    assert.equal(plan.allowRelaysOn25, true);
    assert.deepEqual(plan.relays.map(formatPrefix), ["198.51.100.25/32", "2001:db8:25::25/128"]);
    assert.deepEqual(
      plan.pools.map((p) => [formatPrefix(p.prefix), p.kind, p.region, p.name]),
      [
        ["203.0.113.0/24", "dynamic", "sul", "adsl-poa-1"],
        ["203.0.113.64/28", "static", "sul", "business-poa"],
        ["2001:db8:1000::/40", "dynamic", "norte", "2001:db8:1000::/40"],
        ["198.51.100.0/26", "infrastructure", "sul", "198.51.100.0/26"],
      ],
    );
    assert.equal(plan.regions[1]?.observeFrom, undefined);
    assert.equal(plan.exceptions[0]?.until, "2027-06-30");
  });

  test("optional keys take their defaults", () => {
    const { plan } = parsePlan(
      `${HEAD}pools:\n  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul }\n`,
      "p.yaml",
    );
    assert.equal(plan.action, "reject");
    assert.deepEqual(plan.relays, []);
    assert.equal(plan.allowRelaysOn25, true);
    assert.deepEqual(plan.exceptions, []);
    assert.equal(plan.pools[0]?.name, "203.0.113.0/24");
    assert.equal(plan.regions[0]?.name, "sul");
  });
});

describe("errors point at the line", () => {
  const cases: [string, string, RegExp][] = [
    [
      "malformed prefix",
      "  - { prefix: 203.0.113/24, kind: dynamic, region: sul }",
      /^plan\.yaml:5: .*not an IPv4 prefix/,
    ],
    [
      "host bits set",
      "  - { prefix: 203.0.113.7/24, kind: dynamic, region: sul }",
      /^plan\.yaml:5: .*host bits set.*203\.0\.113\.0\/24/,
    ],
    [
      "unknown region",
      "  - { prefix: 203.0.113.0/24, kind: dynamic, region: oeste }",
      /^plan\.yaml:5: unknown region "oeste"/,
    ],
    [
      "unknown kind",
      "  - { prefix: 203.0.113.0/24, kind: residential, region: sul }",
      /^plan\.yaml:5: unknown kind "residential"/,
    ],
    [
      "IPv6 length on IPv4",
      "  - { prefix: 203.0.113.0/48, kind: dynamic, region: sul }",
      /^plan\.yaml:5: .*IPv4 prefix length 48/,
    ],
    [
      "IPv4-mapped IPv6",
      '  - { prefix: "::ffff:203.0.113.0/120", kind: dynamic, region: sul }',
      /^plan\.yaml:5: .*IPv4-mapped.*203\.0\.113\.0\/24/,
    ],
    [
      "dynamic without region",
      "  - { prefix: 203.0.113.0/24, kind: dynamic }",
      /^plan\.yaml:5: dynamic pool .* needs a region/,
    ],
    [
      "unknown key",
      "  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul, regoin: x }",
      /^plan\.yaml:5: .*unknown key "regoin"/,
    ],
  ];
  for (const [name, line, expected] of cases) {
    test(name, () => {
      const found = problems(`${HEAD}pools:\n${line}\n`);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0] as string, expected);
    });
  }

  test("duplicate prefix names the first occurrence", () => {
    const found = problems(
      `${HEAD}pools:\n  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul }\n  - { prefix: 203.0.113.0/24, kind: static }\n`,
    );
    assert.deepEqual(found, ["plan.yaml:6: duplicate prefix 203.0.113.0/24 (first at line 5)"]);
  });

  test("bad and reversed dates", () => {
    const found = problems(`isp: { name: X }
regions:
  - { id: a, enforce_from: 2026-02-30 }
  - { id: b, observe_from: 2027-01-10, enforce_from: 2027-01-01 }
  - { id: c, enforce_from: 2027/01/01 }
exceptions:
  - { prefix: 203.0.113.9, reason: r, until: yesterday }
`);
    assert.deepEqual(found, [
      'plan.yaml:3: regions.0.enforce_from: "2026-02-30" is not a date; expected YYYY-MM-DD',
      "plan.yaml:4: region b: observe_from 2027-01-10 is after enforce_from 2027-01-01",
      'plan.yaml:5: regions.2.enforce_from: "2027/01/01" is not a date; expected YYYY-MM-DD',
      'plan.yaml:7: exceptions.0.until: "yesterday" is not a date; expected YYYY-MM-DD',
    ]);
  });

  test("a relay inside dynamic space is an error; inside a more specific static pool it is fine", () => {
    const pools = `pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul }
  - { prefix: 203.0.113.16/28, kind: infrastructure }
`;
    assert.deepEqual(problems(`${HEAD}relays: [203.0.113.17]\n${pools}`), []);
    const found = problems(`${HEAD}relays:\n  - 203.0.113.17\n  - 203.0.113.99\n${pools}`);
    assert.equal(found.length, 1);
    assert.match(found[0] as string, /^plan\.yaml:6: relay 203\.0\.113\.99\/32 is inside dynamic space/);
  });

  test("an exception outside every dynamic pool is a warning, not an error", () => {
    const { warnings } = parsePlan(
      `${HEAD}pools:\n  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul }\nexceptions:\n  - { prefix: 192.0.2.1, reason: x, until: 2027-01-01 }\n`,
      "plan.yaml",
    );
    assert.deepEqual(warnings.map(formatDiagnostic), [
      "plan.yaml:7: warning: exception 192.0.2.1/32 is outside every dynamic pool; it has no effect",
    ]);
  });

  test("every problem is reported in one run, in line order", () => {
    const found = problems(`${HEAD}pools:
  - { prefix: 203.0.113.0/33, kind: dynamic, region: sul }
  - { prefix: 2001:db8::/32, kind: mobile, region: sul }
  - { prefix: 198.51.100.0/24, kind: dynamic, region: leste }
`);
    assert.deepEqual(
      found.map((f) => f.split(":").slice(0, 2).join(":")),
      ["plan.yaml:5", "plan.yaml:6", "plan.yaml:7"],
    );
  });

  test("broken YAML", () => {
    const found = problems("isp: { name: X\nregions: [\n");
    assert.equal(found.length >= 1, true);
    assert.match(found[0] as string, /^plan\.yaml:\d+: YAML: /);
  });

  test("a missing file is a one-line error", () => {
    assert.throws(
      () => loadPlan("/nonexistent/plan.yaml"),
      /\/nonexistent\/plan\.yaml: cannot read \(no such file\)/,
    );
  });
});

describe("pools from CSV", () => {
  test("pools_csv files are read relative to the plan, with file:line errors", (t) => {
    const dir = tempDir(t, "plan");
    writeFileSync(
      join(dir, "pools.csv"),
      'prefix,kind,region,name\n203.0.113.0/24,dynamic,sul,"adsl, poa"\n# comment\n\n203.0.113.64/28,static,,\n2001:db8::/32,dynamic,sul\n',
    );
    writeFileSync(join(dir, "plan.yaml"), `${HEAD}pools_csv: pools.csv\n`);
    const { plan } = loadPlan(join(dir, "plan.yaml"));
    assert.deepEqual(
      plan.pools.map((p) => [formatPrefix(p.prefix), p.kind, p.region, p.name, p.source.line]),
      [
        ["203.0.113.0/24", "dynamic", "sul", "adsl, poa", 2],
        ["203.0.113.64/28", "static", undefined, "203.0.113.64/28", 5],
        ["2001:db8::/32", "dynamic", "sul", "2001:db8::/32", 6],
      ],
    );
    writeFileSync(
      join(dir, "bad.csv"),
      "203.0.113.0/24,dynamic,sul\n203.0.113.1/24,dynamic,sul\n10.0.0.0/8,dynamic,nowhere\n",
    );
    writeFileSync(join(dir, "bad.yaml"), `${HEAD}pools_csv: [bad.csv]\n`);
    assert.throws(
      () => loadPlan(join(dir, "bad.yaml")),
      (error: unknown) => {
        assert.ok(error instanceof DiagnosticsError);
        const lines = error.diagnostics.map(formatDiagnostic);
        assert.equal(lines.length, 2);
        assert.match(lines[0] as string, /bad\.csv:2: .*host bits set/);
        assert.match(lines[1] as string, /bad\.csv:3: unknown region "nowhere"/);
        return true;
      },
    );
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type Address,
  AddressSet,
  type Day,
  formatPrefix,
  parseDay,
  parsePrefix,
  prefixContainsAddress,
} from "../../src/core/index.js";
import { loadPlan, parsePlan } from "../../src/plan/index.js";
import { computePolicy, diffPolicy } from "../../src/policy/index.js";

const V4_BASE = 0xcb007100; // 203.0.113.0
const V6_BASE = 0x20010db8n << 96n; // 2001:db8::

type RawPool = { family: 4 | 6; offset: number; length: number; kind: string; region: string };
type RawException = { family: 4 | 6; offset: number; length: number; until: number };

/** A prefix inside 203.0.113.0/24 or 2001:db8::/120: a small universe we can walk address by address. */
function prefixText(family: 4 | 6, offset: number, hostBits: number): string {
  const aligned = offset - (offset % 2 ** hostBits);
  if (family === 4) {
    return formatPrefix({ family: 4, start: V4_BASE + aligned, length: 32 - hostBits });
  }
  return formatPrefix({ family: 6, start: V6_BASE + BigInt(aligned), length: 128 - hostBits });
}

const DAYS = [
  "2026-09-01",
  "2026-10-01",
  "2026-11-15",
  "2026-12-01",
  "2027-01-15",
  "2027-03-01",
  "2027-06-30",
  "2027-07-01",
];
const rawPool = fc.record({
  family: fc.constantFrom<4 | 6>(4, 6),
  offset: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 0, max: 8 }),
  kind: fc.constantFrom("dynamic", "dynamic", "static", "infrastructure"),
  region: fc.constantFrom("a", "b"),
});
const rawException = fc.record({
  family: fc.constantFrom<4 | 6>(4, 6),
  offset: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 0, max: 4 }),
  until: fc.integer({ min: 0, max: DAYS.length - 1 }),
});

function planText(pools: RawPool[], exceptions: RawException[]): string {
  const seen = new Set<string>();
  const lines = [
    "isp: { name: Generated }",
    "regions:",
    "  - { id: a, observe_from: 2026-10-01, enforce_from: 2026-12-01 }",
    "  - { id: b, enforce_from: 2027-03-01 }",
    "pools:",
  ];
  for (const p of pools) {
    const text = prefixText(p.family, p.offset, p.length);
    if (seen.has(text)) continue;
    seen.add(text);
    lines.push(`  - { prefix: "${text}", kind: ${p.kind}, region: ${p.region} }`);
  }
  lines.push("exceptions:");
  for (const e of exceptions) {
    lines.push(
      `  - { prefix: "${prefixText(e.family, e.offset, e.length)}", reason: test, until: ${DAYS[e.until]} }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The plan's semantics written the slow, obvious way. */
function expectedState(text: string, address: Address, day: Day): "blocked" | "observed" | "allowed" {
  const { plan } = parsePlan(text, "gen.yaml");
  const holders = plan.pools.filter((p) => prefixContainsAddress(p.prefix, address));
  const pool = holders.sort((x, y) => y.prefix.length - x.prefix.length)[0];
  if (pool?.kind !== "dynamic") return "allowed";
  if (plan.exceptions.some((e) => prefixContainsAddress(e.prefix, address) && (!e.until || day <= e.until))) {
    return "allowed";
  }
  const region = plan.regions.find((r) => r.id === pool.region);
  if (!region) return "allowed";
  if (region.enforceFrom <= day) return "blocked";
  if (region.observeFrom && region.observeFrom <= day) return "observed";
  return "allowed";
}

function universe(): Address[] {
  const all: Address[] = [];
  for (let i = 0; i < 256; i++) {
    all.push({ family: 4, value: V4_BASE + i }, { family: 6, value: V6_BASE + BigInt(i) });
  }
  return all;
}

describe("computePolicy", () => {
  test("blocked and observed equal the plan's semantics address by address", () => {
    const addresses = universe();
    fc.assert(
      fc.property(
        fc.array(rawPool, { maxLength: 12 }),
        fc.array(rawException, { maxLength: 4 }),
        fc.constantFrom(...DAYS),
        (pools, exceptions, dayText) => {
          const text = planText(pools, exceptions);
          const day = parseDay(dayText);
          const policy = computePolicy(parsePlan(text, "gen.yaml").plan, day);
          for (const address of addresses) {
            const want = expectedState(text, address, day);
            const got = policy.blocked.has(address)
              ? "blocked"
              : policy.observed.has(address)
                ? "observed"
                : "allowed";
            assert.equal(got, want);
          }
          // The rendered prefix list covers exactly the blocked set, and it is minimal.
          const prefixes = policy.blocked.toPrefixes();
          assert.ok(AddressSet.fromPrefixes(prefixes).equals(policy.blocked));
          assert.ok(policy.blocked.difference(policy.dynamic).isEmpty);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("the reference plan on dates across its phases", () => {
    const { plan } = loadPlan("examples/plan.yaml");
    const blocked = (day: string) =>
      computePolicy(plan, parseDay(day)).blocked.toPrefixes().map(formatPrefix);
    assert.deepEqual(blocked("2026-11-30"), []);
    assert.deepEqual(blocked("2026-12-01"), [
      "203.0.113.0/26",
      "203.0.113.80/28",
      "203.0.113.96/31",
      "203.0.113.98/32",
      "203.0.113.100/30",
      "203.0.113.104/29",
      "203.0.113.112/28",
      "203.0.113.128/25",
    ]);
    assert.ok(blocked("2027-03-01").includes("2001:db8:1000::/40"));
    assert.ok(!blocked("2027-06-30").includes("203.0.113.96/30"));
    assert.ok(blocked("2027-07-01").includes("203.0.113.96/27"), "the exception's until is inclusive");
    const observed = computePolicy(plan, parseDay("2026-10-01")).observed;
    assert.ok(observed.has({ family: 4, value: V4_BASE + 1 }));
    assert.ok(!observed.has({ family: 4, value: V4_BASE + 99 }), "exceptions are not observed either");
  });

  test("--region restricts to one region and rejects an unknown one", () => {
    const { plan } = loadPlan("examples/plan.yaml");
    const only = computePolicy(plan, parseDay("2027-04-01"), { region: "norte" });
    assert.deepEqual(only.blocked.toPrefixes().map(formatPrefix), ["2001:db8:1000::/40"]);
    assert.throws(
      () => computePolicy(plan, parseDay("2027-04-01"), { region: "leste" }),
      /unknown region "leste"/,
    );
  });

  test("relays are reachable only when allow_relays_on_25 is true", () => {
    const { plan } = loadPlan("examples/plan.yaml");
    assert.ok(
      computePolicy(plan, parseDay("2027-01-01")).relays.coversPrefix(parsePrefix("198.51.100.25/32")),
    );
    const closed = computePolicy({ ...plan, allowRelaysOn25: false }, parseDay("2027-01-01"));
    assert.ok(closed.relays.isEmpty);
  });
});

describe("diffPolicy", () => {
  test("the change window into enforcement, and the exception ending", () => {
    const { plan } = loadPlan("examples/plan.yaml");
    const changes = diffPolicy(plan, parseDay("2026-11-30"), parseDay("2026-12-01"));
    assert.deepEqual(
      changes.map((c) => [c.region, c.from, c.to, c.prefixes.length]),
      [["sul", "observed", "blocked", 8]],
    );
    const expiry = diffPolicy(plan, parseDay("2027-06-30"), parseDay("2027-07-01"));
    assert.deepEqual(
      expiry.map((c) => [c.region, c.from, c.to, c.reason, c.prefixes.map(formatPrefix)]),
      [["sul", "allowed", "blocked", "an exception ends", ["203.0.113.99/32"]]],
    );
    assert.deepEqual(diffPolicy(plan, parseDay("2026-12-02"), parseDay("2027-02-01")), []);
  });

  test("diff equals the difference of the two policies", () => {
    fc.assert(
      fc.property(
        fc.array(rawPool, { maxLength: 10 }),
        fc.array(rawException, { maxLength: 3 }),
        fc.constantFrom(...DAYS),
        fc.constantFrom(...DAYS),
        (pools, exceptions, d1, d2) => {
          const { plan } = parsePlan(planText(pools, exceptions), "gen.yaml");
          const [from, to] = [parseDay(d1), parseDay(d2)];
          const a = computePolicy(plan, from);
          const b = computePolicy(plan, to);
          const newlyBlocked = AddressSet.fromPrefixes(
            diffPolicy(plan, from, to)
              .filter((c) => c.to === "blocked")
              .flatMap((c) => c.prefixes),
          );
          assert.ok(newlyBlocked.equals(b.blocked.difference(a.blocked)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

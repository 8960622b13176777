import assert from "node:assert/strict";
import net from "node:net";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type Address,
  compareAddresses,
  formatAddress,
  formatIpv4,
  formatIpv6,
  IPV6,
  parseAddress,
  parseIpv4,
  parseIpv6,
  UserError,
} from "../../src/core/index.js";

const RUNS = { numRuns: 300 };

const ipv4Value = fc.nat({ max: 0xffffffff });
const ipv6Value = fc.bigInt({ min: 0n, max: IPV6.max });

/** IPv6 values built from groups that are often zero, so `::` runs of every length and position occur. */
const ipv6Sparse = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 2 },
    ),
    { minLength: 8, maxLength: 8 },
  )
  .map(groupsToValue);

function groupsToValue(groups: readonly number[]): bigint {
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Eight groups, uncompressed, with leading zeros: a spelling the formatter must never produce. */
function fullForm(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--)
    groups.push(((value >> BigInt(16 * i)) & 0xffffn).toString(16).padStart(4, "0"));
  return groups.join(":");
}

/** WHATWG URL host serialisation: the same compression rule as RFC 5952, never dotted-quad. */
function urlForm(text: string): string | undefined {
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

function throwsUserError(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${String(error)}`);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  });
}

describe("IPv4", () => {
  test("parse∘format is the identity on every uint32", () => {
    fc.assert(
      fc.property(ipv4Value, (v) => {
        assert.equal(parseIpv4(formatIpv4(v)), v);
      }),
      RUNS,
    );
  });

  test("parse of a dotted quad equals the naive octet arithmetic", () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), ([a, b, c, d]) => {
        const text = `${a}.${b}.${c}.${d}`;
        assert.equal(parseIpv4(text), ((a * 256 + b) * 256 + c) * 256 + d);
        assert.equal(formatIpv4(parseIpv4(text)), text);
      }),
      RUNS,
    );
  });

  test("edges of the family", () => {
    assert.equal(parseIpv4("0.0.0.0"), 0);
    assert.equal(parseIpv4("255.255.255.255"), 0xffffffff);
    assert.equal(formatIpv4(0xffffffff), "255.255.255.255");
    assert.equal(formatIpv4(0x80000000), "128.0.0.0");
    assert.equal(formatIpv4(0xc0000201), "192.0.2.1");
  });

  test("rejects garbage and leading-zero octets", () => {
    for (const text of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "1..2.3",
      ".1.2.3",
      "1.2.3.4.",
      "256.0.0.1",
      "1.2.3.256",
      "1000.0.0.0",
      "01.2.3.4",
      "1.2.3.04",
      "00.0.0.0",
      "1.2.3.00",
      "a.b.c.d",
      "+1.2.3.4",
      "1.2.3.-4",
      "1e2.0.0.0",
      "0x1.2.3.4",
      "1.2.3.4/24",
      " 1.2.3.4",
      "1.2.3.4 ",
      "1.2.3.4\n",
      "١.٢.٣.٤",
      "1.2.3.4:25",
      "3232235521",
    ]) {
      assert.equal(parseIpv4(text), -1, JSON.stringify(text));
    }
  });

  test("accepts exactly what node:net accepts on dotted strings", () => {
    const octet = fc.oneof(
      fc.nat(255).map(String),
      fc.nat(999).map(String),
      fc.nat(99).map((n) => `0${n}`),
      fc.constantFrom("", "-1", "a", "00"),
    );
    const text = fc.oneof(
      fc.array(octet, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(".")),
      fc.string({ unit: fc.constantFrom("0", "1", "2", "5", "9", "."), maxLength: 16 }),
    );
    fc.assert(
      fc.property(text, (s) => {
        assert.equal(parseIpv4(s) >= 0, net.isIPv4(s), JSON.stringify(s));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("IPv6", () => {
  test("parse∘format is the identity on arbitrary 128-bit values", () => {
    fc.assert(
      fc.property(fc.oneof(ipv6Value, ipv6Sparse), (v) => {
        assert.equal(parseIpv6(formatIpv6(v)), v);
        assert.equal(parseIpv6(fullForm(v)), v);
        assert.equal(parseIpv6(fullForm(v).toUpperCase()), v);
      }),
      RUNS,
    );
  });

  test("format agrees with WHATWG URL normalisation (same rule as RFC 5952)", () => {
    fc.assert(
      fc.property(fc.oneof(ipv6Value, ipv6Sparse), (v) => {
        assert.equal(formatIpv6(v), urlForm(fullForm(v)));
      }),
      RUNS,
    );
  });

  test("format is canonical: lowercase, no leading zeros, `::` only for the first longest run of ≥2 zero groups", () => {
    fc.assert(
      fc.property(ipv6Sparse, (v) => {
        const text = formatIpv6(v);
        assert.match(text, /^[0-9a-f:]+$/);
        assert.ok(text.split("::").length <= 2, text);
        const groups = fullForm(v)
          .split(":")
          .map((g) => Number.parseInt(g, 16));
        // Naive: find the first longest zero run.
        let bestStart = -1;
        let bestLength = 0;
        for (let i = 0; i < 8; i++) {
          let j = i;
          while (j < 8 && groups[j] === 0) j++;
          if (j - i > bestLength) {
            bestStart = i;
            bestLength = j - i;
          }
        }
        const hex = groups.map((g) => g.toString(16));
        const expected =
          bestLength >= 2
            ? `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`
            : hex.join(":");
        assert.equal(text, expected);
      }),
      RUNS,
    );
  });

  test("RFC 5952 examples", () => {
    const cases: [string, string][] = [
      // §2.1–2.4: many spellings of one address
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8::1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0db8::1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:0:1::1", "2001:db8::1:0:0:1"],
      ["2001:db8:0000:0:1::1", "2001:db8::1:0:0:1"],
      ["2001:DB8:0:0:1::1", "2001:db8::1:0:0:1"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:01", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"],
      ["2001:db8:aaaa:bbbb:cccc:dddd::1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:0:1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1"],
      ["2001:db8:0:0:0::1", "2001:db8::1"],
      ["2001:db8:0:0::1", "2001:db8::1"],
      ["2001:db8:0::1", "2001:db8::1"],
      ["2001:db8::1", "2001:db8::1"],
      ["2001:db8::aaaa:0:0:1", "2001:db8::aaaa:0:0:1"],
      ["2001:db8:0:0:aaaa::1", "2001:db8::aaaa:0:0:1"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"],
      ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:AaAa", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"],
      // §4.2.1: shorten as much as possible
      ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"],
      // §4.2.2: a single 16-bit zero is not shortened
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      // §4.2.3: the longest run, the first one on a tie
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      // edges
      ["0:0:0:0:0:0:0:0", "::"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["1:0:0:0:0:0:0:0", "1::"],
      ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
      ["::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"],
      ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
      ["::1.2.3.4", "::102:304"],
      ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
      ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
    ];
    for (const [input, canonical] of cases) {
      const value = parseIpv6(input);
      assert.notEqual(value, undefined, input);
      assert.equal(formatIpv6(value as bigint), canonical, input);
    }
    assert.equal(parseIpv6("::"), 0n);
    assert.equal(parseIpv6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), IPV6.max);
    assert.equal(formatIpv6(IPV6.max), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  });

  test("rejects garbage, `:::`, too many or too few groups, bad embedded IPv4, zone ids", () => {
    for (const text of [
      "",
      ":",
      ":::",
      "1:::2",
      "::1::",
      "1::2::3",
      "::1:",
      ":1::",
      "1::2:",
      ":1:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7:8:",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8",
      "1::2:3:4:5:6:7:8",
      "12345::",
      "::12345",
      "g::",
      "::-1",
      "::+1",
      "0x1::",
      "::1.2.3",
      "::1.2.3.04",
      "::256.0.0.0",
      "1.2.3.4::",
      "::1.2.3.4:5",
      "1:2:3:4:5:6:7:1.2.3.4",
      "1:2:3:4:5:1.2.3.4",
      "1:2:3:4:5:6::1.2.3.4",
      "fe80::1%eth0",
      "fe80::1%1",
      "[::1]",
      " ::1",
      "::1 ",
      "::1/128",
      "1.2.3.4",
      "0000:0000:0000:0000:0000:0000:0000:0000:0",
    ]) {
      assert.equal(parseIpv6(text), undefined, JSON.stringify(text));
    }
  });

  test("accepts exactly what node:net accepts, with the value WHATWG URL reads", () => {
    const group = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)), weight: 6 },
      {
        arbitrary: fc
          .integer({ min: 0, max: 0xffff })
          .map((n) => n.toString(16).toUpperCase().padStart(4, "0")),
        weight: 2,
      },
      { arbitrary: fc.constantFrom("0", "00000", "g", "", "-1", "1.2.3.4", "01.2.3.4"), weight: 1 },
    );
    const v4 = fc.oneof(
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join(".")),
      fc.constantFrom("1.2.3", "1.2.3.04", "256.1.1.1"),
    );
    const structured = fc
      .record({
        groups: fc.array(group, { maxLength: 9 }),
        v4: fc.option(v4, { nil: undefined }),
        gap: fc.option(fc.nat(10), { nil: undefined }),
      })
      .map(({ groups, v4, gap }) => {
        const pieces = v4 === undefined ? groups : [...groups, v4];
        if (gap === undefined) return pieces.join(":");
        const at = Math.min(gap, pieces.length);
        return `${pieces.slice(0, at).join(":")}::${pieces.slice(at).join(":")}`;
      });
    const noise = fc.string({
      unit: fc.constantFrom("0", "1", "f", "F", "g", ":", ":", ":", "."),
      maxLength: 20,
    });
    fc.assert(
      fc.property(fc.oneof({ arbitrary: structured, weight: 4 }, { arbitrary: noise, weight: 1 }), (s) => {
        const value = parseIpv6(s);
        assert.equal(value !== undefined, net.isIPv6(s), JSON.stringify(s));
        if (value !== undefined) assert.equal(formatIpv6(value), urlForm(s), JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseAddress", () => {
  test("reads both families and trims surrounding space", () => {
    assert.deepEqual(parseAddress("192.0.2.1"), { family: 4, value: 0xc0000201 });
    assert.deepEqual(parseAddress("  192.0.2.1\n"), { family: 4, value: 0xc0000201 });
    assert.deepEqual(parseAddress("2001:db8::1"), { family: 6, value: (0x20010db8n << 96n) | 1n });
    assert.deepEqual(parseAddress("\t::\t"), { family: 6, value: 0n });
  });

  test("round trips through formatAddress", () => {
    const address: fc.Arbitrary<Address> = fc.oneof(
      ipv4Value.map((value) => ({ family: 4 as const, value })),
      fc
        .oneof(ipv6Value, ipv6Sparse)
        .filter((value) => value >> 32n !== 0xffffn)
        .map((value) => ({ family: 6 as const, value })),
    );
    fc.assert(
      fc.property(address, (a) => {
        assert.deepEqual(parseAddress(formatAddress(a)), a);
      }),
      RUNS,
    );
  });

  test("rejects garbage with a UserError naming the family", () => {
    throwsUserError(() => parseAddress("300.1.1.1"), "300.1.1.1", "IPv4");
    throwsUserError(() => parseAddress("010.1.1.1"), "IPv4");
    throwsUserError(() => parseAddress("example.org"), "IPv4");
    throwsUserError(() => parseAddress(""), "IPv4");
    throwsUserError(() => parseAddress(":::"), "IPv6");
    throwsUserError(() => parseAddress("1:2:3:4:5:6:7:8:9"), "IPv6");
    throwsUserError(() => parseAddress("2001:db8::g"), "IPv6");
  });

  test("rejects zone ids", () => {
    throwsUserError(() => parseAddress("fe80::1%eth0"), "zone");
    throwsUserError(() => parseAddress("fe80::1%25"), "zone");
  });

  test("rejects IPv4-mapped IPv6 with a message naming the IPv4 form", () => {
    throwsUserError(() => parseAddress("::ffff:192.0.2.1"), "192.0.2.1", "IPv4-mapped");
    throwsUserError(() => parseAddress("::ffff:c000:201"), "192.0.2.1");
    throwsUserError(() => parseAddress("0:0:0:0:0:FFFF:C000:0201"), "192.0.2.1");
    fc.assert(
      fc.property(ipv4Value, (v) => {
        const dotted = formatIpv4(v);
        throwsUserError(() => parseAddress(`::ffff:${dotted}`), dotted);
        throwsUserError(() => parseAddress(formatIpv6((0xffffn << 32n) | BigInt(v))), dotted);
      }),
      { numRuns: 100 },
    );
    // Neighbours of the mapped range are ordinary IPv6.
    assert.equal(parseAddress("::fffe:192.0.2.1").family, 6);
    assert.equal(parseAddress("::1:ffff:192.0.2.1").family, 6);
    assert.equal(parseAddress("::192.0.2.1").family, 6);
  });
});

describe("compareAddresses", () => {
  const address: fc.Arbitrary<Address> = fc.oneof(
    fc.nat(20).map((value) => ({ family: 4 as const, value })),
    ipv4Value.map((value) => ({ family: 4 as const, value })),
    fc.bigInt({ min: 0n, max: 20n }).map((value) => ({ family: 6 as const, value })),
    ipv6Value.map((value) => ({ family: 6 as const, value })),
  );

  test("orders IPv4 before IPv6, then by value, like naive bigint comparison", () => {
    fc.assert(
      fc.property(address, address, (a, b) => {
        const key = (x: Address) => BigInt(x.family) * (1n << 130n) + BigInt(x.value);
        const naive = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
        assert.equal(Math.sign(compareAddresses(a, b)), naive);
        assert.equal(Math.sign(compareAddresses(b, a)), 0 - naive);
      }),
      RUNS,
    );
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type Address,
  comparePrefixes,
  formatIpv4,
  formatIpv6,
  formatPrefix,
  networkOf,
  type Prefix,
  parsePrefix,
  prefixContains,
  prefixContainsAddress,
  prefixEnd,
  prefixSize,
  UserError,
} from "../../src/core/index.js";

const RUNS = { numRuns: 300 };

const V4_BASE = 0x0a000000; // 10.0.0.0, a small universe where prefixes nest often
const V6_BASE = 0x20010db8n << 96n; // 2001:db8::
const V6_MAX = (1n << 128n) - 1n;

const bits = (family: 4 | 6) => (family === 4 ? 32n : 128n);

/** Naive reference: everything in bigint, the network found by shifting. */
function naiveNetwork(family: 4 | 6, value: bigint, length: number): bigint {
  const host = bits(family) - BigInt(length);
  return (value >> host) << host;
}

function naiveEnd(p: Prefix): bigint {
  return BigInt(p.start) + (1n << (bits(p.family) - BigInt(p.length))) - 1n;
}

function naiveContains(outer: Prefix, inner: Prefix): boolean {
  if (outer.family !== inner.family || inner.length < outer.length) return false;
  const host = bits(outer.family) - BigInt(outer.length);
  return BigInt(outer.start) >> host === BigInt(inner.start) >> host;
}

function makePrefix(family: 4 | 6, value: bigint, length: number): Prefix {
  const start = naiveNetwork(family, value, length);
  return family === 4 ? { family, start: Number(start), length } : { family, start, length };
}

const v4Any = fc
  .tuple(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([v, l]) => makePrefix(4, BigInt(v), l));
const v6Any = fc
  .tuple(fc.bigInt({ min: 0n, max: V6_MAX }), fc.integer({ min: 0, max: 128 }))
  .map(([v, l]) => makePrefix(6, v, l));
const v4Small = fc
  .tuple(fc.nat(255), fc.integer({ min: 22, max: 32 }))
  .map(([o, l]) => makePrefix(4, BigInt(V4_BASE + o), l));
const v6Small = fc
  .tuple(fc.nat(255), fc.integer({ min: 118, max: 128 }))
  .map(([o, l]) => makePrefix(6, V6_BASE + BigInt(o), l));
const anyPrefix = fc.oneof(v4Any, v6Any, v4Small, v6Small);
const smallPrefix = fc.oneof(v4Small, v6Small);

function throwsUserError(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${String(error)}`);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  });
}

describe("parsePrefix", () => {
  test("parse∘format is the identity on networks of both families", () => {
    fc.assert(
      fc.property(anyPrefix, (p) => {
        assert.deepEqual(parsePrefix(formatPrefix(p)), p);
      }),
      RUNS,
    );
  });

  test("examples", () => {
    assert.deepEqual(parsePrefix("10.0.0.0/8"), { family: 4, start: V4_BASE, length: 8 });
    assert.deepEqual(parsePrefix("  198.51.100.0/24\n"), { family: 4, start: 0xc6336400, length: 24 });
    assert.deepEqual(parsePrefix("0.0.0.0/0"), { family: 4, start: 0, length: 0 });
    assert.deepEqual(parsePrefix("255.255.255.255/32"), { family: 4, start: 0xffffffff, length: 32 });
    assert.deepEqual(parsePrefix("2001:DB8::/32"), { family: 6, start: V6_BASE, length: 32 });
    assert.deepEqual(parsePrefix("::/0"), { family: 6, start: 0n, length: 0 });
    assert.equal(formatPrefix(parsePrefix("2001:0db8:0000::/48")), "2001:db8::/48");
  });

  test("a bare address is a host prefix", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.bigInt({ min: 0n, max: V6_MAX }), (v4, v6) => {
        assert.deepEqual(parsePrefix(formatIpv4(v4)), { family: 4, start: v4, length: 32 });
        fc.pre(v6 >> 32n !== 0xffffn);
        assert.deepEqual(parsePrefix(formatIpv6(v6)), { family: 6, start: v6, length: 128 });
      }),
      RUNS,
    );
  });

  test("host bits set → UserError naming the network (IPv4)", () => {
    throwsUserError(() => parsePrefix("203.0.113.7/24"), "203.0.113.7/24", "host bits", "203.0.113.0/24");
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 31 }), (v, l) => {
        const network = naiveNetwork(4, BigInt(v), l);
        fc.pre(network !== BigInt(v));
        const text = `${formatIpv4(v)}/${l}`;
        throwsUserError(() => parsePrefix(text), text, `the network is ${formatIpv4(Number(network))}/${l}`);
      }),
      RUNS,
    );
  });

  test("host bits set → UserError naming the network (IPv6)", () => {
    throwsUserError(() => parsePrefix("2001:db8::1/64"), "host bits", "2001:db8::/64");
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: V6_MAX }), fc.integer({ min: 0, max: 127 }), (v, l) => {
        fc.pre(v >> 32n !== 0xffffn);
        const network = naiveNetwork(6, v, l);
        fc.pre(network !== v);
        const text = `${formatIpv6(v)}/${l}`;
        throwsUserError(() => parsePrefix(text), text, `the network is ${formatIpv6(network)}/${l}`);
      }),
      RUNS,
    );
  });

  test("IPv4 length above 32 is an error, IPv6 above 128 too", () => {
    fc.assert(
      fc.property(fc.integer({ min: 33, max: 999 }), (l) => {
        throwsUserError(() => parsePrefix(`10.0.0.0/${l}`), `length ${l} is above 32`);
        throwsUserError(() => parsePrefix(`0.0.0.0/${l}`), "above 32");
      }),
      { numRuns: 100 },
    );
    throwsUserError(() => parsePrefix("192.0.2.0/64"), "IPv4", "above 32");
    fc.assert(
      fc.property(fc.integer({ min: 129, max: 999 }), (l) => {
        throwsUserError(() => parsePrefix(`2001:db8::/${l}`), `length ${l} is above 128`);
      }),
      { numRuns: 100 },
    );
  });

  test("malformed lengths and addresses are errors", () => {
    for (const text of [
      "10.0.0.0/",
      "10.0.0.0/-1",
      "10.0.0.0/+8",
      "10.0.0.0/08",
      "10.0.0.0/ 8",
      "10.0.0.0 /8",
      "10.0.0.0/8/8",
      "10.0.0.0/0x8",
      "10.0.0.0/1e1",
      "10.0.0.0/8.0",
      "10.0.0.0/1000",
      "10.0.0.0/255.0.0.0",
      "10.0.0/8",
      "010.0.0.0/8",
      "/8",
      "",
      "2001:db8::/",
      "2001:db8::/064",
      ":::/64",
      "2001:db8:::/64",
      "2001:db8::g/64",
      "fe80::%eth0/64",
      "example.org/24",
    ]) {
      throwsUserError(() => parsePrefix(text));
    }
  });

  test("IPv4-mapped IPv6 is rejected with a message naming the IPv4 form", () => {
    throwsUserError(() => parsePrefix("::ffff:192.0.2.1"), "IPv4-mapped", "192.0.2.1");
    throwsUserError(() => parsePrefix("::ffff:192.0.2.1/128"), "192.0.2.1");
    throwsUserError(() => parsePrefix("::ffff:10.0.0.0/104"), "IPv4-mapped", "10.0.0.0/8");
    throwsUserError(() => parsePrefix("::ffff:0:0/96"), "IPv4-mapped", "0.0.0.0/0");
    fc.assert(
      fc.property(v4Any, (p) => {
        const v4Form = p.length === 32 ? formatIpv4(p.start as number) : formatPrefix(p);
        throwsUserError(
          () => parsePrefix(`::ffff:${formatIpv4(p.start as number)}/${p.length + 96}`),
          v4Form,
        );
        throwsUserError(
          () => parsePrefix(`${formatIpv6((0xffffn << 32n) | BigInt(p.start))}/${p.length + 96}`),
          v4Form,
        );
      }),
      RUNS,
    );
    // Shorter than /96, a mapped start has host bits set; that is the error reported.
    throwsUserError(() => parsePrefix("::ffff:0:0/80"), "host bits", "::/80");
    throwsUserError(() => parsePrefix("::ffff:10.0.0.0/95"), "host bits", "::fffe:0:0/95");
    // Just outside the mapped /96: ordinary IPv6.
    assert.equal(parsePrefix("::fffe:0:0/96").family, 6);
    assert.equal(parsePrefix("::/80").family, 6);
  });
});

describe("prefix arithmetic against naive bigint", () => {
  test("prefixEnd and prefixSize", () => {
    fc.assert(
      fc.property(anyPrefix, (p) => {
        assert.equal(BigInt(prefixEnd(p)), naiveEnd(p));
        assert.equal(prefixSize(p), naiveEnd(p) - BigInt(p.start) + 1n);
        assert.equal(typeof prefixEnd(p), p.family === 4 ? "number" : "bigint");
      }),
      RUNS,
    );
    assert.equal(prefixEnd(parsePrefix("0.0.0.0/0")), 0xffffffff);
    assert.equal(prefixEnd(parsePrefix("::/0")), V6_MAX);
    assert.equal(prefixSize(parsePrefix("::/0")), 1n << 128n);
    assert.equal(prefixSize(parsePrefix("0.0.0.0/0")), 1n << 32n);
  });

  test("networkOf clears the host bits", () => {
    const raw = fc.oneof(
      fc
        .tuple(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
        .map(([start, length]): Prefix => ({ family: 4, start, length })),
      fc
        .tuple(fc.bigInt({ min: 0n, max: V6_MAX }), fc.integer({ min: 0, max: 128 }))
        .map(([start, length]): Prefix => ({ family: 6, start, length })),
    );
    fc.assert(
      fc.property(raw, (p) => {
        assert.deepEqual(networkOf(p), makePrefix(p.family, BigInt(p.start), p.length));
      }),
      RUNS,
    );
  });

  test("prefixContainsAddress", () => {
    const address: fc.Arbitrary<Address> = fc.oneof(
      fc.nat(1023).map((o) => ({ family: 4 as const, value: V4_BASE - 256 + o })),
      fc.nat(1023).map((o) => ({ family: 6 as const, value: V6_BASE - 256n + BigInt(o) })),
      fc.nat({ max: 0xffffffff }).map((value) => ({ family: 4 as const, value })),
      fc.bigInt({ min: 0n, max: V6_MAX }).map((value) => ({ family: 6 as const, value })),
    );
    fc.assert(
      fc.property(anyPrefix, address, (p, a) => {
        const naive =
          p.family === a.family && BigInt(p.start) <= BigInt(a.value) && BigInt(a.value) <= naiveEnd(p);
        assert.equal(prefixContainsAddress(p, a), naive);
      }),
      { numRuns: 1000 },
    );
  });

  test("prefixContains", () => {
    fc.assert(
      fc.property(fc.oneof(smallPrefix, anyPrefix), fc.oneof(smallPrefix, anyPrefix), (a, b) => {
        assert.equal(prefixContains(a, b), naiveContains(a, b));
        assert.equal(prefixContains(a, a), true);
        if (prefixContains(a, b) && prefixContains(b, a)) assert.deepEqual(a, b);
      }),
      { numRuns: 1000 },
    );
    assert.equal(prefixContains(parsePrefix("0.0.0.0/0"), parsePrefix("::/0")), false);
    assert.equal(prefixContains(parsePrefix("::/0"), parsePrefix("0.0.0.0/0")), false);
    assert.equal(prefixContains(parsePrefix("::/0"), parsePrefix("::ffff:0:1:1/128")), true);
  });

  test("comparePrefixes: family, then start, then wider first", () => {
    const key = (p: Prefix) => (BigInt(p.family) << 140n) + (BigInt(p.start) << 8n) + BigInt(p.length);
    fc.assert(
      fc.property(fc.oneof(smallPrefix, anyPrefix), fc.oneof(smallPrefix, anyPrefix), (a, b) => {
        const naive = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
        assert.equal(Math.sign(comparePrefixes(a, b)), naive);
        assert.equal(Math.sign(comparePrefixes(b, a)), 0 - naive);
        // Sorted order puts a container before what it contains.
        if (naiveContains(a, b) && key(a) !== key(b)) assert.ok(comparePrefixes(a, b) < 0);
      }),
      { numRuns: 1000 },
    );
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  IPV6,
  type Prefix,
  PrefixTable,
  parseAddress,
  parsePrefix,
  type Segment,
} from "../../src/core/index.js";

const RUNS = { numRuns: 150 };
const V4_MAX = 0xffffffff;
const V6_MAX = IPV6.max;

const bitsOf = (family: 4 | 6) => (family === 4 ? 32n : 128n);

function prefixOf(family: 4 | 6, value: bigint, length: number): Prefix {
  const host = bitsOf(family) - BigInt(length);
  const start = (value >> host) << host;
  return family === 4 ? { family, start: Number(start), length } : { family, start, length };
}

function contains(p: Prefix, family: 4 | 6, value: bigint): boolean {
  if (p.family !== family) return false;
  const host = bitsOf(family) - BigInt(p.length);
  return value >> host === BigInt(p.start) >> host;
}

/** Naive longest-prefix match over every entry; among equal prefixes the later entry wins. */
function naiveLookup<V>(
  entries: readonly (readonly [Prefix, V])[],
  family: 4 | 6,
  value: bigint,
): V | undefined {
  let best: { length: number; value: V } | undefined;
  for (const [p, v] of entries) {
    if (contains(p, family, value) && (!best || p.length >= best.length))
      best = { length: p.length, value: v };
  }
  return best?.value;
}

/** Appends copies of some entries (so duplicates occur often) and labels each entry with its index. */
function withDuplicates(prefixes: fc.Arbitrary<Prefix[]>): fc.Arbitrary<[Prefix, number][]> {
  return fc.tuple(prefixes, fc.array(fc.nat(), { maxLength: 3 })).map(([ps, copies]) => {
    const all = [...ps];
    if (ps.length > 0) for (const c of copies) all.push(ps[c % ps.length] as Prefix);
    return all.map((p, i): [Prefix, number] => [p, i]);
  });
}

/** Segments must be ascending, disjoint, maximal (values are unique per entry) and agree with look-ups. */
function checkSegments<T extends number | bigint>(
  segments: Segment<T, number>[],
  lookup: (v: T) => number | undefined,
  next: (v: T) => T,
  previous: (v: T) => T,
  min: T,
  max: T,
): void {
  let last: Segment<T, number> | undefined;
  for (const segment of segments) {
    assert.ok(segment.start <= segment.end, "start ≤ end");
    assert.equal(lookup(segment.start), segment.value);
    assert.equal(lookup(segment.end), segment.value);
    if (segment.start !== min && (!last || last.end !== previous(segment.start))) {
      assert.equal(lookup(previous(segment.start)), undefined, "gap before a segment is unmatched");
    }
    if (last) {
      assert.ok(last.end < segment.start, "ascending and disjoint");
      if (next(last.end) === segment.start) assert.notEqual(last.value, segment.value, "maximal runs");
      else assert.equal(lookup(next(last.end)), undefined, "gap after a segment is unmatched");
    }
    last = segment;
  }
  if (last && last.end !== max) assert.equal(lookup(next(last.end)), undefined);
}

function segmentAt<T extends number | bigint>(segments: Segment<T, number>[], v: T): number | undefined {
  return segments.find((s) => s.start <= v && v <= s.end)?.value;
}

// ---------------------------------------------------------------------------------------------
// Small universes: every address of a /24 (IPv4) and a /120 (IPv6), plus a few on either side.
// ---------------------------------------------------------------------------------------------

const UNIVERSES4 = [0x0a000000, 0, 0xffffff00]; // 10.0.0.0/24, 0.0.0.0/24, 255.255.255.0/24
const UNIVERSES6 = [0x20010db8n << 96n, 0n, V6_MAX - 255n]; // 2001:db8::/120, ::/120, top /120

/** Mostly nested prefixes inside the universe, sometimes a wider one holding all of it. */
function smallPrefixes(family: 4 | 6, base: bigint): fc.Arbitrary<Prefix[]> {
  const bits = Number(bitsOf(family));
  const length = fc.oneof(
    { arbitrary: fc.integer({ min: bits - 8, max: bits }), weight: 8 },
    { arbitrary: fc.constantFrom(0, 8, 16, bits - 9), weight: 1 },
  );
  const prefix = fc.tuple(fc.nat(255), length).map(([o, l]) => prefixOf(family, base + BigInt(o), l));
  return fc.array(prefix, { maxLength: 12 });
}

function probes(base: bigint, max: bigint): bigint[] {
  const out: bigint[] = [];
  for (let o = -2n; o < 258n; o++) if (base + o >= 0n && base + o <= max) out.push(base + o);
  return out;
}

describe("PrefixTable on small universes, address by address", () => {
  for (let u = 0; u < UNIVERSES4.length; u++) {
    const base4 = BigInt(UNIVERSES4[u] as number);
    const base6 = UNIVERSES6[u] as bigint;
    const name = `IPv4 ${base4.toString(16)}/24 + IPv6 ${base6.toString(16)}/120`;
    // Both families in one table, interleaved, so each lookup must ignore the other family.
    const entries = withDuplicates(
      fc
        .tuple(smallPrefixes(4, base4), smallPrefixes(6, base6), fc.array(fc.boolean(), { maxLength: 30 }))
        .map(([p4, p6, order]) => {
          const out: Prefix[] = [];
          let i = 0;
          let j = 0;
          for (const take4 of order) {
            if (take4 && i < p4.length) out.push(p4[i++] as Prefix);
            else if (j < p6.length) out.push(p6[j++] as Prefix);
          }
          return [...out, ...p4.slice(i), ...p6.slice(j)];
        }),
    );

    test(`${name}: lookups equal naive longest-prefix match; segments agree`, () => {
      fc.assert(
        fc.property(entries, (list) => {
          const table = PrefixTable.build(list);
          assert.equal(table.size, list.length);
          const segments4 = [...table.segments4()];
          const segments6 = [...table.segments6()];
          for (const v of probes(base4, BigInt(V4_MAX))) {
            const expected = naiveLookup(list, 4, v);
            assert.equal(table.lookup4(Number(v)), expected, `lookup4(${v})`);
            assert.equal(table.lookup({ family: 4, value: Number(v) }), expected);
            assert.equal(segmentAt(segments4, Number(v)), expected);
          }
          for (const v of probes(base6, V6_MAX)) {
            const expected = naiveLookup(list, 6, v);
            assert.equal(table.lookup6(v), expected, `lookup6(${v})`);
            assert.equal(table.lookup({ family: 6, value: v }), expected);
            assert.equal(segmentAt(segments6, v), expected);
          }
          checkSegments(
            segments4,
            (v) => table.lookup4(v),
            (v) => v + 1,
            (v) => v - 1,
            0,
            V4_MAX,
          );
          checkSegments(
            segments6,
            (v) => table.lookup6(v),
            (v) => v + 1n,
            (v) => v - 1n,
            0n,
            V6_MAX,
          );
        }),
        RUNS,
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Whole families: random prefixes anywhere, probed at and around every prefix edge.
// ---------------------------------------------------------------------------------------------

function wholeFamily(family: 4 | 6): fc.Arbitrary<[Prefix, number][]> {
  const bits = Number(bitsOf(family));
  const max = (1n << BigInt(bits)) - 1n;
  const value = fc.oneof(
    fc.bigInt({ min: 0n, max }),
    fc.bigInt({ min: 0n, max: 1000n }),
    fc.bigInt({ min: max - 1000n, max }),
  );
  const length = fc.oneof(fc.integer({ min: 0, max: bits }), fc.integer({ min: bits - 4, max: bits }));
  const prefix = fc.tuple(value, length).map(([v, l]) => prefixOf(family, v, l));
  // Derive children of earlier prefixes so nesting is common even across the whole space.
  const nested = fc
    .tuple(
      fc.array(prefix, { minLength: 1, maxLength: 6 }),
      fc.array(fc.tuple(fc.nat(), fc.bigInt(), fc.nat(bits))),
    )
    .map(([roots, children]) => {
      const all = [...roots];
      for (const [r, offset, extra] of children) {
        const parent = all[r % all.length] as Prefix;
        const length = Math.min(bits, parent.length + (extra % 9));
        const size = 1n << BigInt(bits - parent.length);
        all.push(prefixOf(family, BigInt(parent.start) + (((offset % size) + size) % size), length));
      }
      return all;
    });
  return withDuplicates(nested);
}

describe("PrefixTable over whole families", () => {
  for (const family of [4, 6] as const) {
    test(`IPv${family}: lookups at every prefix edge equal naive longest-prefix match`, () => {
      const max = (1n << bitsOf(family)) - 1n;
      fc.assert(
        fc.property(wholeFamily(family), (list) => {
          const table = PrefixTable.build(list);
          const points = new Set<bigint>([0n, 1n, max - 1n, max]);
          for (const [p] of list) {
            const start = BigInt(p.start);
            const end = start + (1n << (bitsOf(family) - BigInt(p.length))) - 1n;
            for (const v of [start - 1n, start, start + 1n, end - 1n, end, end + 1n]) points.add(v);
          }
          for (const v of points) {
            if (v < 0n || v > max) continue;
            const got = family === 4 ? table.lookup4(Number(v)) : table.lookup6(v);
            assert.equal(got, naiveLookup(list, family, v), `lookup(${v})`);
          }
          if (family === 4) {
            checkSegments(
              [...table.segments4()],
              (v) => table.lookup4(v),
              (v) => v + 1,
              (v) => v - 1,
              0,
              V4_MAX,
            );
            assert.deepEqual([...table.segments6()], []);
          } else {
            checkSegments(
              [...table.segments6()],
              (v) => table.lookup6(v),
              (v) => v + 1n,
              (v) => v - 1n,
              0n,
              V6_MAX,
            );
            assert.deepEqual([...table.segments4()], []);
          }
        }),
        RUNS,
      );
    });
  }
});

describe("PrefixTable examples", () => {
  const build = <V>(entries: [string, V][]) =>
    PrefixTable.build(entries.map(([p, v]) => [parsePrefix(p), v] as const));
  const at = <V>(table: PrefixTable<V>, address: string) => table.lookup(parseAddress(address));

  test("empty table returns undefined everywhere", () => {
    const table = PrefixTable.build<string>([]);
    assert.equal(table.size, 0);
    for (const v of [0, 1, 0x0a000001, V4_MAX]) assert.equal(table.lookup4(v), undefined);
    for (const v of [0n, 1n, V6_MAX]) assert.equal(table.lookup6(v), undefined);
    assert.deepEqual([...table.segments4()], []);
    assert.deepEqual([...table.segments6()], []);
  });

  test("longest match with a default route", () => {
    const table = build([
      ["10.1.2.0/24", "c"],
      ["0.0.0.0/0", "default"],
      ["10.0.0.0/8", "a"],
      ["10.1.0.0/16", "b"],
      ["2001:db8::/32", "v6"],
    ]);
    assert.equal(at(table, "10.1.2.3"), "c");
    assert.equal(at(table, "10.1.3.3"), "b");
    assert.equal(at(table, "10.2.0.0"), "a");
    assert.equal(at(table, "11.0.0.0"), "default");
    assert.equal(at(table, "0.0.0.0"), "default");
    assert.equal(at(table, "255.255.255.255"), "default");
    assert.equal(at(table, "2001:db8:ffff::1"), "v6");
    assert.equal(at(table, "2001:db9::"), undefined);
    assert.deepEqual(
      [...table.segments4()].map((s) => [s.start, s.end, s.value]),
      [
        [0, 0x09ffffff, "default"],
        [0x0a000000, 0x0a00ffff, "a"],
        [0x0a010000, 0x0a0101ff, "b"],
        [0x0a010200, 0x0a0102ff, "c"],
        [0x0a010300, 0x0a01ffff, "b"],
        [0x0a020000, 0x0affffff, "a"],
        [0x0b000000, V4_MAX, "default"],
      ],
    );
  });

  test("for duplicate prefixes the later entry wins", () => {
    const table = build([
      ["192.0.2.0/24", "first"],
      ["192.0.2.128/25", "inner"],
      ["192.0.2.0/24", "second"],
      ["2001:db8::/64", "first"],
      ["2001:db8::/64", "second"],
    ]);
    assert.equal(at(table, "192.0.2.1"), "second");
    assert.equal(at(table, "192.0.2.129"), "inner");
    assert.equal(at(table, "2001:db8::1"), "second");
  });

  test("prefixes at the very top and bottom of each family", () => {
    const table = build([
      ["255.255.255.255/32", "top4"],
      ["0.0.0.0/32", "bottom4"],
      ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "top6"],
      ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", "pair6"],
      ["::/128", "bottom6"],
    ]);
    assert.equal(table.lookup4(V4_MAX), "top4");
    assert.equal(table.lookup4(V4_MAX - 1), undefined);
    assert.equal(table.lookup4(0), "bottom4");
    assert.equal(table.lookup4(1), undefined);
    assert.equal(table.lookup6(V6_MAX), "top6");
    assert.equal(table.lookup6(V6_MAX - 1n), "pair6");
    assert.equal(table.lookup6(V6_MAX - 2n), undefined);
    assert.equal(table.lookup6(0n), "bottom6");
    assert.equal(table.lookup6(1n), undefined);
    assert.deepEqual(
      [...table.segments4()],
      [
        { start: 0, end: 0, value: "bottom4" },
        { start: V4_MAX, end: V4_MAX, value: "top4" },
      ],
    );
    assert.deepEqual(
      [...table.segments6()],
      [
        { start: 0n, end: 0n, value: "bottom6" },
        { start: V6_MAX - 1n, end: V6_MAX - 1n, value: "pair6" },
        { start: V6_MAX, end: V6_MAX, value: "top6" },
      ],
    );
  });

  test("falsy values are returned as they are", () => {
    const table = build<number | string | null>([
      ["10.0.0.0/8", 0],
      ["10.0.0.0/16", ""],
      ["10.0.0.0/24", null],
    ]);
    assert.equal(at(table, "10.1.0.0"), 0);
    assert.equal(at(table, "10.0.1.0"), "");
    assert.equal(at(table, "10.0.0.1"), null);
    assert.equal(at(table, "11.0.0.0"), undefined);
  });
});

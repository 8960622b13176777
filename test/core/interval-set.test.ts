import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type Address,
  AddressSet,
  type FamilyMath,
  IntervalSet,
  IPV4,
  IPV6,
  type Prefix,
  prefixEnd,
} from "../../src/core/index.js";

const RUNS = { numRuns: 150 };

// ---------------------------------------------------------------------------------------------
// Small universes: 256 addresses at an aligned base, compared address by address with Set<number>.
// ---------------------------------------------------------------------------------------------

const SPAN = 256;

interface Universe<T extends number | bigint> {
  readonly name: string;
  readonly math: FamilyMath<T>;
  /** The address at `offset` (0..255) from the base. */
  at(offset: number): T;
  /** Addresses of the family just outside the universe, never in a set built inside it. */
  readonly outside: readonly T[];
}

function universe4(name: string, base: number): Universe<number> {
  const outside = [base - 1, base + SPAN].filter((v) => v >= 0 && v <= IPV4.max);
  return { name, math: IPV4, at: (o) => base + o, outside };
}

function universe6(name: string, base: bigint): Universe<bigint> {
  const outside = [base - 1n, base + BigInt(SPAN)].filter((v) => v >= 0n && v <= IPV6.max);
  return { name, math: IPV6, at: (o) => base + BigInt(o), outside };
}

const UNIVERSES4 = [
  universe4("IPv4 0.0.0.0/24", 0),
  universe4("IPv4 10.0.0.0/24", 0x0a000000),
  universe4("IPv4 255.255.255.0/24", 0xffffff00),
];
const UNIVERSES6 = [
  universe6("IPv6 ::/120", 0n),
  universe6("IPv6 2001:db8::/120", 0x20010db8n << 96n),
  universe6("IPv6 ffff:…:ff00/120", IPV6.max - 255n),
];

type Raw = [number, number];

/** Ranges as offsets: mostly ordered, some short (adjacency and single addresses), some reversed (empty). */
const rawRange: fc.Arbitrary<Raw> = fc.oneof(
  fc.tuple(fc.nat(SPAN - 1), fc.nat(SPAN - 1)).map(([a, b]): Raw => (a <= b ? [a, b] : [b, a])),
  fc.tuple(fc.nat(SPAN - 1), fc.nat(8)).map(([a, l]): Raw => [a, Math.min(SPAN - 1, a + l)]),
  fc.tuple(fc.nat(SPAN - 1), fc.nat(SPAN - 1)),
  fc.constantFrom<Raw>([0, SPAN - 1], [0, 0], [SPAN - 1, SPAN - 1], [0, 127], [128, 255]),
);
const rawSet = fc.array(rawRange, { maxLength: 8 });
const query = fc.tuple(fc.nat(SPAN - 1), fc.nat(SPAN - 1)).map(([a, b]): Raw => (a <= b ? [a, b] : [b, a]));

function naiveOf(raw: readonly Raw[]): Set<number> {
  const set = new Set<number>();
  for (const [s, e] of raw) for (let o = s; o <= e; o++) set.add(o);
  return set;
}

function build<T extends number | bigint>(u: Universe<T>, raw: readonly Raw[]): IntervalSet<T> {
  return IntervalSet.fromRanges(
    u.math,
    raw.map(([s, e]): [T, T] => [u.at(s), u.at(e)]),
  );
}

function offsets(a: Iterable<number>): number[] {
  return [...a].sort((x, y) => x - y);
}

/** Checks the representation invariants and that the set holds exactly `naive`. */
function checkSet<T extends number | bigint>(u: Universe<T>, set: IntervalSet<T>, naive: Set<number>): void {
  const { starts, ends } = set;
  assert.equal(starts.length, ends.length);
  for (let i = 0; i < starts.length; i++) {
    assert.ok((starts[i] as T) <= (ends[i] as T), "start ≤ end");
    if (i > 0)
      assert.ok(u.math.next(ends[i - 1] as T) < (starts[i] as T), "ranges disjoint and not adjacent");
  }
  assert.deepEqual(
    [...set.ranges()],
    starts.map((s, i) => [s, ends[i]]),
  );
  for (let o = 0; o < SPAN; o++) assert.equal(set.has(u.at(o)), naive.has(o), `has(+${o})`);
  for (const v of u.outside) assert.equal(set.has(v), false);
  assert.equal(set.size, BigInt(naive.size));
  assert.equal(set.isEmpty, naive.size === 0);
  let runs = 0;
  for (let o = 0; o < SPAN; o++) if (naive.has(o) && !naive.has(o - 1)) runs++;
  assert.equal(set.rangeCount, runs);
}

/**
 * The minimal exact CIDR cover, computed differently from the code under test: aligned blocks
 * nest, so the minimal cover is the set of maximal aligned blocks lying inside the set.
 */
function naiveMinimalCover(naive: Set<number>): { offset: number; hostBits: number }[] {
  const inside = (start: number, size: number) => {
    for (let o = start; o < start + size; o++) if (!naive.has(o)) return false;
    return true;
  };
  const out: { offset: number; hostBits: number }[] = [];
  for (let k = 8; k >= 0; k--) {
    const size = 2 ** k;
    for (let start = 0; start < SPAN; start += size) {
      const parent = start - (start % (2 * size));
      if (inside(start, size) && (k === 8 || !inside(parent, 2 * size)))
        out.push({ offset: start, hostBits: k });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** toBlocks() is aligned, ascending, disjoint, covers exactly the set, and is the minimal cover. */
function checkBlocks<T extends number | bigint>(
  u: Universe<T>,
  set: IntervalSet<T>,
  naive: Set<number>,
): void {
  const blocks = set.toBlocks();
  const bits = BigInt(u.math.bits);
  const base = BigInt(u.at(0));
  const covered = new Set<number>();
  let previousEnd = -1n;
  for (const { start, length } of blocks) {
    assert.ok(length >= 0 && length <= u.math.bits);
    const size = 1n << (bits - BigInt(length));
    const s = BigInt(start);
    assert.equal(s % size, 0n, "block aligned");
    assert.ok(s > previousEnd, "blocks ascending and disjoint");
    previousEnd = s + size - 1n;
    for (let v = s; v <= previousEnd; v++) {
      const o = Number(v - base);
      assert.ok(o >= 0 && o < SPAN, "block inside the universe");
      covered.add(o);
    }
  }
  assert.deepEqual(offsets(covered), offsets(naive), "blocks cover exactly the set");
  const expected = naiveMinimalCover(naive).map(({ offset, hostBits }) => ({
    start: u.at(offset),
    length: u.math.bits - hostBits,
  }));
  assert.deepEqual(blocks, expected, "minimal cover");
}

function smallUniverseSuite<T extends number | bigint>(u: Universe<T>): void {
  describe(u.name, () => {
    test("fromRanges holds exactly the naive set; toBlocks is its minimal exact cover", () => {
      fc.assert(
        fc.property(rawSet, (raw) => {
          const set = build(u, raw);
          const naive = naiveOf(raw);
          checkSet(u, set, naive);
          checkBlocks(u, set, naive);
          // Order of the input ranges does not matter.
          assert.ok(build(u, [...raw].reverse()).equals(set));
        }),
        RUNS,
      );
    });

    test("union, difference, intersection equal the naive set operations", () => {
      fc.assert(
        fc.property(rawSet, rawSet, (ra, rb) => {
          const a = build(u, ra);
          const b = build(u, rb);
          const na = naiveOf(ra);
          const nb = naiveOf(rb);
          const union = new Set([...na, ...nb]);
          const difference = new Set([...na].filter((o) => !nb.has(o)));
          const intersection = new Set([...na].filter((o) => nb.has(o)));
          checkSet(u, a.union(b), union);
          checkSet(u, a.difference(b), difference);
          checkSet(u, a.intersection(b), intersection);
          checkBlocks(u, a.union(b), union);
          checkBlocks(u, a.intersection(b), intersection);
          assert.ok(a.union(b).equals(b.union(a)));
          assert.ok(a.intersection(b).equals(b.intersection(a)));
          assert.equal(a.equals(b), offsets(na).join() === offsets(nb).join());
        }),
        RUNS,
      );
    });

    test("has, coversRange and overlapsRange equal the naive predicates", () => {
      fc.assert(
        fc.property(rawSet, fc.array(query, { minLength: 1, maxLength: 10 }), (raw, queries) => {
          const set = build(u, raw);
          const naive = naiveOf(raw);
          for (const [s, e] of queries) {
            let all = true;
            let some = false;
            for (let o = s; o <= e; o++) {
              if (naive.has(o)) some = true;
              else all = false;
            }
            assert.equal(set.coversRange(u.at(s), u.at(e)), all, `coversRange(+${s}, +${e})`);
            assert.equal(set.overlapsRange(u.at(s), u.at(e)), some, `overlapsRange(+${s}, +${e})`);
          }
        }),
        RUNS,
      );
    });

    test("empty set", () => {
      const empty = IntervalSet.empty(u.math);
      checkSet(u, empty, new Set());
      assert.deepEqual(empty.toBlocks(), []);
      assert.ok(empty.equals(build(u, [[5, 3]])));
      assert.equal(empty.coversRange(u.at(0), u.at(0)), false);
      assert.equal(empty.overlapsRange(u.at(0), u.at(SPAN - 1)), false);
      const some = build(u, [[3, 9]]);
      assert.ok(some.union(empty).equals(some));
      assert.ok(empty.union(some).equals(some));
      assert.ok(some.difference(empty).equals(some));
      assert.ok(empty.difference(some).isEmpty);
      assert.ok(some.intersection(empty).isEmpty);
      assert.ok(some.difference(some).isEmpty);
    });
  });
}

describe("IntervalSet on small universes, address by address", () => {
  for (const u of UNIVERSES4) smallUniverseSuite(u);
  for (const u of UNIVERSES6) smallUniverseSuite(u);
});

test("difference then CIDR-cover equals address-by-address difference on small random universes", () => {
  const check = <T extends number | bigint>(u: Universe<T>, ra: Raw[], rb: Raw[]) => {
    const na = naiveOf(ra);
    const nb = naiveOf(rb);
    const expected = new Set([...na].filter((o) => !nb.has(o)));
    const difference = build(u, ra).difference(build(u, rb));
    checkSet(u, difference, expected);
    checkBlocks(u, difference, expected);
  };
  fc.assert(
    fc.property(fc.nat(UNIVERSES4.length + UNIVERSES6.length - 1), rawSet, rawSet, (which, ra, rb) => {
      const u4 = UNIVERSES4[which];
      if (u4) check(u4, ra, rb);
      else check(UNIVERSES6[which - UNIVERSES4.length] as Universe<bigint>, ra, rb);
    }),
    { numRuns: 600 },
  );
});

// ---------------------------------------------------------------------------------------------
// Whole families: endpoints anywhere (biased to the edges), compared with a naive interval model
// built on elementary intervals between all cut points.
// ---------------------------------------------------------------------------------------------

type BigRange = [bigint, bigint];

function naiveCombine(
  max: bigint,
  a: readonly BigRange[],
  b: readonly BigRange[],
  op: (inA: boolean, inB: boolean) => boolean,
): BigRange[] {
  const cuts = new Set<bigint>([0n]);
  for (const [s, e] of [...a, ...b]) {
    if (s > e) continue;
    cuts.add(s);
    if (e < max) cuts.add(e + 1n);
  }
  const sorted = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const holds = (rs: readonly BigRange[], p: bigint) => rs.some(([s, e]) => s <= p && p <= e);
  const out: BigRange[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const lo = sorted[i] as bigint;
    const hi = i + 1 < sorted.length ? (sorted[i + 1] as bigint) - 1n : max;
    if (!op(holds(a, lo), holds(b, lo))) continue;
    const last = out[out.length - 1];
    if (last && last[1] + 1n === lo) last[1] = hi;
    else out.push([lo, hi]);
  }
  return out;
}

/** Minimal CIDR cover of one range by walking the binary tree of aligned blocks. */
function naiveCover(bits: number, lo: bigint, hi: bigint): { start: bigint; length: number }[] {
  const out: { start: bigint; length: number }[] = [];
  const walk = (start: bigint, length: number) => {
    const size = 1n << BigInt(bits - length);
    const end = start + size - 1n;
    if (end < lo || start > hi) return;
    if (lo <= start && end <= hi) {
      out.push({ start, length });
      return;
    }
    walk(start, length + 1);
    walk(start + size / 2n, length + 1);
  };
  walk(0n, 0);
  return out;
}

function wholeFamilySuite<T extends number | bigint>(math: FamilyMath<T>, fromBig: (v: bigint) => T): void {
  const max = BigInt(math.max);
  const point = fc.oneof(
    fc.bigInt({ min: 0n, max }),
    fc.bigInt({ min: 0n, max: 300n }),
    fc.bigInt({ min: max - 300n, max }),
    fc
      .tuple(fc.integer({ min: 0, max: math.bits - 1 }), fc.integer({ min: -2, max: 2 }))
      .map(([k, d]) => (1n << BigInt(k)) + BigInt(d))
      .filter((v) => v >= 0n && v <= max),
    fc.constantFrom(0n, max),
  );
  const range = fc.tuple(point, point).map(([a, b]): BigRange => (a <= b ? [a, b] : [b, a]));
  const ranges = fc.array(range, { maxLength: 6 });
  const toSet = (rs: readonly BigRange[]) =>
    IntervalSet.fromRanges(
      math,
      rs.map(([s, e]): [T, T] => [fromBig(s), fromBig(e)]),
    );
  const asBig = (set: IntervalSet<T>) => [...set.ranges()].map(([s, e]): BigRange => [BigInt(s), BigInt(e)]);
  const expectBlocks = (rs: readonly BigRange[]) =>
    rs
      .flatMap(([s, e]) => naiveCover(math.bits, s, e))
      .map(({ start, length }) => ({ start: fromBig(start), length }));

  describe(`IntervalSet over all of IPv${math.family}`, () => {
    test("fromRanges, set operations and toBlocks equal the naive interval model", () => {
      fc.assert(
        fc.property(ranges, ranges, (ra, rb) => {
          const a = toSet(ra);
          const b = toSet(rb);
          const cases: [IntervalSet<T>, BigRange[]][] = [
            [a, naiveCombine(max, ra, [], (x) => x)],
            [a.union(b), naiveCombine(max, ra, rb, (x, y) => x || y)],
            [a.difference(b), naiveCombine(max, ra, rb, (x, y) => x && !y)],
            [a.intersection(b), naiveCombine(max, ra, rb, (x, y) => x && y)],
          ];
          for (const [set, expected] of cases) {
            assert.deepEqual(asBig(set), expected);
            assert.equal(
              set.size,
              expected.reduce((n, [s, e]) => n + e - s + 1n, 0n),
            );
            assert.deepEqual(set.toBlocks(), expectBlocks(expected));
          }
        }),
        RUNS,
      );
    });

    test("has, coversRange and overlapsRange at the edges of every range", () => {
      fc.assert(
        fc.property(ranges, fc.array(range, { maxLength: 4 }), (ra, queries) => {
          const set = toSet(ra);
          const model = naiveCombine(max, ra, [], (x) => x);
          const probes = new Set<bigint>([0n, max]);
          for (const [s, e] of [...ra, ...queries])
            for (const p of [s - 1n, s, s + 1n, e - 1n, e, e + 1n]) probes.add(p);
          for (const p of probes) {
            if (p < 0n || p > max) continue;
            assert.equal(
              set.has(fromBig(p)),
              model.some(([s, e]) => s <= p && p <= e),
            );
          }
          for (const [qs, qe] of queries) {
            assert.equal(
              set.coversRange(fromBig(qs), fromBig(qe)),
              model.some(([s, e]) => s <= qs && qe <= e),
            );
            assert.equal(
              set.overlapsRange(fromBig(qs), fromBig(qe)),
              model.some(([s, e]) => s <= qe && qs <= e),
            );
          }
        }),
        RUNS,
      );
    });

    test("the whole family and its edges", () => {
      const all = toSet([[0n, max]]);
      assert.deepEqual(all.toBlocks(), [{ start: math.zero, length: 0 }]);
      assert.equal(all.size, max + 1n);
      assert.ok(all.coversRange(math.zero, math.max));
      const withoutEdges = all.difference(toSet([[0n, 0n]])).difference(toSet([[max, max]]));
      assert.deepEqual(asBig(withoutEdges), [[1n, max - 1n]]);
      // 2·(bits-1) blocks: one of every size on each side.
      assert.equal(withoutEdges.toBlocks().length, 2 * (math.bits - 1));
      assert.deepEqual(asBig(all.difference(withoutEdges)), [
        [0n, 0n],
        [max, max],
      ]);
      // Adjacent ranges touching the top merge; a range ending at max does not overflow.
      assert.deepEqual(
        asBig(
          toSet([
            [max - 1n, max],
            [max - 5n, max - 2n],
            [max, max],
          ]),
        ),
        [[max - 5n, max]],
      );
      assert.deepEqual(toSet([[max, max]]).toBlocks(), [{ start: math.max, length: math.bits }]);
      const topHalf = toSet([[(max + 1n) / 2n, max]]);
      assert.deepEqual(topHalf.toBlocks(), [{ start: fromBig((max + 1n) / 2n), length: 1 }]);
    });
  });
}

wholeFamilySuite(IPV4, (v) => Number(v));
wholeFamilySuite(IPV6, (v) => v);

// ---------------------------------------------------------------------------------------------
// AddressSet: one interval set per family, built from prefixes.
// ---------------------------------------------------------------------------------------------

describe("AddressSet", () => {
  const V4 = 0x0a000000;
  const V6 = 0x20010db8n << 96n;
  const prefix: fc.Arbitrary<Prefix> = fc.oneof(
    fc.tuple(fc.nat(SPAN - 1), fc.integer({ min: 24, max: 32 })).map(([o, length]): Prefix => {
      const size = 2 ** (32 - length);
      return { family: 4, start: V4 + o - (o % size), length };
    }),
    fc.tuple(fc.nat(SPAN - 1), fc.integer({ min: 120, max: 128 })).map(([o, length]): Prefix => {
      const size = 2 ** (128 - length);
      return { family: 6, start: V6 + BigInt(o - (o % size)), length };
    }),
  );
  const prefixes = fc.array(prefix, { maxLength: 8 });
  /** Naive model: "4:offset" / "6:offset" strings. */
  const naive = (ps: readonly Prefix[]) => {
    const set = new Set<string>();
    for (const p of ps) {
      const base = p.family === 4 ? BigInt(V4) : V6;
      for (let v = BigInt(p.start); v <= BigInt(prefixEnd(p)); v++) set.add(`${p.family}:${v - base}`);
    }
    return set;
  };
  const addresses: Address[] = [];
  for (let o = -1; o <= SPAN; o++) {
    addresses.push({ family: 4, value: V4 + o }, { family: 6, value: V6 + BigInt(o) });
  }
  const key = (a: Address) => `${a.family}:${BigInt(a.value) - (a.family === 4 ? BigInt(V4) : V6)}`;

  test("has, set operations and toPrefixes agree with the naive model", () => {
    fc.assert(
      fc.property(prefixes, prefixes, (pa, pb) => {
        const a = AddressSet.fromPrefixes(pa);
        const b = AddressSet.fromPrefixes(pb);
        const na = naive(pa);
        const nb = naive(pb);
        const models: [AddressSet, (k: string) => boolean][] = [
          [a, (k) => na.has(k)],
          [a.union(b), (k) => na.has(k) || nb.has(k)],
          [a.difference(b), (k) => na.has(k) && !nb.has(k)],
          [a.intersection(b), (k) => na.has(k) && nb.has(k)],
        ];
        for (const [set, model] of models) {
          for (const address of addresses) assert.equal(set.has(address), model(key(address)));
          const cover = set.toPrefixes();
          // IPv4 first, each family ascending; rebuilding from the cover gives the same set.
          const families = cover.map((p) => p.family);
          assert.deepEqual(
            families,
            [...families].sort((x, y) => x - y),
          );
          assert.ok(AddressSet.fromPrefixes(cover).equals(set));
          assert.equal(
            set.isEmpty,
            addresses.every((address) => !model(key(address))),
          );
        }
        assert.equal(a.toPrefixes().length, a.v4.toBlocks().length + a.v6.toBlocks().length);
      }),
      RUNS,
    );
  });

  test("coversPrefix and overlapsPrefix agree with the naive model", () => {
    fc.assert(
      fc.property(prefixes, prefix, (ps, q) => {
        const set = AddressSet.fromPrefixes(ps);
        const model = naive(ps);
        const inQuery = [...naive([q])];
        assert.equal(
          set.coversPrefix(q),
          inQuery.every((k) => model.has(k)),
        );
        assert.equal(
          set.overlapsPrefix(q),
          inQuery.some((k) => model.has(k)),
        );
      }),
      RUNS,
    );
  });

  test("EMPTY", () => {
    assert.ok(AddressSet.EMPTY.isEmpty);
    assert.deepEqual(AddressSet.EMPTY.toPrefixes(), []);
    assert.ok(AddressSet.fromPrefixes([]).equals(AddressSet.EMPTY));
    assert.equal(AddressSet.EMPTY.has({ family: 4, value: 0 }), false);
    assert.equal(AddressSet.EMPTY.overlapsPrefix({ family: 6, start: 0n, length: 0 }), false);
  });
});

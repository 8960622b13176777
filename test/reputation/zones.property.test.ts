import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { formatIpv4, formatIpv6 } from "../../src/core/index.js";
import { type ListingSet, listingParser, ZONE_TYPES } from "../../src/reputation/index.js";

// Three documentation /24s and one IPv6 /120: small enough to check every address.
const BASES = [0xc0000200, 0xc6336400, 0xcb007100];
const BASE6 = 0x20010db8000000000000000000000000n;

interface Entry {
  readonly base: number;
  readonly lo: number;
  readonly hi: number;
  readonly excluded: boolean;
}

function parse(
  lines: readonly string[],
  format: Parameters<typeof listingParser>[0],
  type?: (typeof ZONE_TYPES)[number],
) {
  const parser = listingParser(format, type);
  const bad = lines.map((l) => parser.line(l)).filter((m) => m !== undefined);
  return { set: parser.finish(), bad };
}

/** The listed IPv4 addresses of the set, one by one. */
function addresses4(set: ListingSet): number[] {
  const out: number[] = [];
  for (let i = 0; i < set.v4.length; i += 2)
    for (let a = set.v4[i] as number; a <= (set.v4[i + 1] as number); a++) out.push(a);
  return out;
}

function addresses6(set: ListingSet): bigint[] {
  const out: bigint[] = [];
  set.v6Starts.forEach((s, i) => {
    for (let a = s; a <= (set.v6Ends[i] as bigint); a++) out.push(a);
  });
  return out;
}

const space4 = BASES.flatMap((b) => Array.from({ length: 256 }, (_, i) => b + i));
const space6 = Array.from({ length: 256 }, (_, i) => BASE6 + BigInt(i));

const range = fc
  .record({ base: fc.constantFrom(...BASES), a: fc.nat(255), b: fc.nat(255), excluded: fc.boolean() })
  .map(({ base, a, b, excluded }): Entry => ({ base, lo: Math.min(a, b), hi: Math.max(a, b), excluded }));

/** A block of 2^k addresses inside a /24 (or the /24): what trie datasets accept. */
const block = fc
  .record({
    base: fc.constantFrom(...BASES),
    bits: fc.integer({ min: 24, max: 32 }),
    at: fc.nat(255),
    excluded: fc.boolean(),
  })
  .map(({ base, bits, at, excluded }): Entry => {
    const size = 2 ** (32 - bits);
    const lo = at - (at % size);
    return { base, lo, hi: lo + size - 1, excluded };
  });

const bitsOf = (e: Entry) => 32 - Math.log2(e.hi - e.lo + 1);
const dotted3 = (base: number) => formatIpv4(base).replace(/\.0$/, "");

/** The ways rbldnsd's ip4set syntax can write a range inside one /24. */
function renderSet(e: Entry, style: number, value: string): string {
  const a = formatIpv4(e.base + e.lo);
  const size = e.hi - e.lo + 1;
  const forms = [`${a}-${formatIpv4(e.base + e.hi)}`, `${a}-${e.hi}`];
  if (e.lo === e.hi) forms.push(a);
  if (e.lo === 0 && e.hi === 255) forms.push(dotted3(e.base), `${dotted3(e.base)}/24`);
  if (Number.isInteger(Math.log2(size)) && e.lo % size === 0) forms.push(`${a}/${bitsOf(e)}`);
  const text = forms[style % forms.length] as string;
  return e.excluded ? `!${text}` : `${text}${value}`;
}

function renderTrie(e: Entry, style: number, value: string): string {
  const a = formatIpv4(e.base + e.lo);
  const bits = bitsOf(e);
  const forms = [`${a}/${bits}`];
  if (bits === 32) forms.push(a);
  if (bits === 24) forms.push(dotted3(e.base));
  const text = forms[style % forms.length] as string;
  return e.excluded ? `! ${text}` : `${text}${value}`;
}

const values = fc.constantFrom(
  "",
  " :2:listed",
  " :127.0.0.3:",
  " listed, see $",
  " ; comment",
  "\t# comment",
  ":3",
);
const noise = fc.constantFrom("", "# comment", "; comment", ":127.0.0.2:default $", "$TTL 300", "  ");
const styled = <T>(entries: fc.Arbitrary<T>) =>
  fc.array(fc.tuple(entries, fc.nat(9), values, fc.option(noise)), { maxLength: 40 });

/** rbldnsd ip4set, address by address: the finest granularity (/32 or /24 here) with an entry decides; exclusion wins a tie. */
function referenceSet(entries: readonly Entry[]): number[] {
  return space4.filter((q) => {
    let best = 2;
    let listed = false;
    for (const e of entries) {
      if (q < e.base + e.lo || q > e.base + e.hi) continue;
      const level = e.lo === 0 && e.hi === 255 ? 1 : 0;
      if (level < best) {
        best = level;
        listed = !e.excluded;
      } else if (level === best && e.excluded) listed = false;
    }
    return listed;
  });
}

/** A trie, address by address: the longest prefix decides; of equal prefixes the first line. */
function referenceTrie<T extends number | bigint>(
  space: readonly T[],
  entries: readonly { start: T; end: T; bits: number; excluded: boolean }[],
): T[] {
  return space.filter((q) => {
    let best: (typeof entries)[number] | undefined;
    for (const e of entries) if (q >= e.start && q <= e.end && (!best || e.bits > best.bits)) best = e;
    return best !== undefined && !best.excluded;
  });
}

const lines = <T>(
  rows: readonly [T, number, string, string | null][],
  render: (e: T, style: number, value: string) => string,
) =>
  rows.flatMap(([e, style, value, extra]) =>
    extra === null ? [render(e, style, value)] : [extra, render(e, style, value)],
  );

test("ip4set: ranges, short forms, CIDR and exclusions list what rbldnsd's rule lists", () => {
  fc.assert(
    fc.property(styled(range), (rows) => {
      const { set, bad } = parse(lines(rows, renderSet), "rbldnsd", "ip4set");
      assert.deepEqual(bad, []);
      assert.deepEqual(addresses4(set), referenceSet(rows.map((r) => r[0])));
    }),
    { numRuns: 300 },
  );
});

test("ip4trie: the longest prefix decides, the first of equal prefixes wins", () => {
  fc.assert(
    fc.property(styled(block), (rows) => {
      const { set, bad } = parse(lines(rows, renderTrie), "rbldnsd", "ip4trie");
      assert.deepEqual(bad, []);
      const entries = rows.map(([e]) => ({
        start: e.base + e.lo,
        end: e.base + e.hi,
        bits: bitsOf(e),
        excluded: e.excluded,
      }));
      assert.deepEqual(addresses4(set), referenceTrie(space4, entries));
    }),
    { numRuns: 300 },
  );
});

test("ip6trie: compressed, full and short forms; the longest prefix decides", () => {
  const block6 = fc
    .record({
      bits: fc.integer({ min: 120, max: 128 }),
      at: fc.nat(255),
      excluded: fc.boolean(),
      style: fc.nat(2),
    })
    .map(({ bits, at, excluded, style }) => {
      const size = 2 ** (128 - bits);
      const lo = at - (at % size);
      const start = BASE6 + BigInt(lo);
      const full = `2001:db8:0:0:0:0:0:${lo.toString(16)}`;
      const text = [
        `${formatIpv6(start)}/${bits}`,
        `${full}/${bits}`,
        bits === 128 ? formatIpv6(start) : `${full}/${bits}`,
      ][style] as string;
      return {
        start,
        end: start + BigInt(size - 1),
        bits,
        excluded,
        line: excluded ? `!${text}` : `${text} :2:v6`,
      };
    });
  fc.assert(
    fc.property(fc.array(block6, { maxLength: 30 }), (entries) => {
      const { set, bad } = parse(
        entries.map((e) => e.line),
        "rbldnsd",
        "ip6trie",
      );
      assert.deepEqual(bad, []);
      assert.deepEqual(addresses6(set), referenceTrie(space6, entries));
    }),
    { numRuns: 200 },
  );
});

test("plain, cbl, cert-csv and ip4tset: the union of the addresses and prefixes given", () => {
  const single = fc.tuple(fc.constantFrom(...BASES), fc.nat(255)).map(([b, i]) => b + i);
  fc.assert(
    fc.property(fc.array(single, { maxLength: 40 }), fc.array(block, { maxLength: 5 }), (singles, blocks) => {
      const expected = [
        ...new Set([
          ...singles,
          ...blocks.flatMap((e) => Array.from({ length: e.hi - e.lo + 1 }, (_, i) => e.base + e.lo + i)),
        ]),
      ].sort((a, b) => a - b);
      const plain = parse(
        [
          ...singles.map(formatIpv4),
          ...blocks.map((e) => `${formatIpv4(e.base + e.lo)}/${bitsOf(e)} # note`),
        ],
        "plain",
      );
      assert.deepEqual(plain.bad, []);
      assert.deepEqual(addresses4(plain.set), expected);
      const onlySingles = [...new Set(singles)].sort((a, b) => a - b);
      for (const [format, type] of [
        ["cbl", undefined],
        ["rbldnsd", "ip4tset"],
      ] as const) {
        const { set, bad } = parse([":127.0.0.2:Blocked - see $", ...singles.map(formatIpv4)], format, type);
        assert.deepEqual(bad, []);
        assert.deepEqual(addresses4(set), onlySingles);
      }
      const cert = parse(
        [
          "; ip, asn, country, lastseen, botname",
          ...singles.map((a) => `${formatIpv4(a)},AS64500,BR,1768435200,mirai,,,25,,tcp`),
        ],
        "cert-csv",
      );
      assert.deepEqual(cert.bad, []);
      assert.deepEqual(addresses4(cert.set), onlySingles);
    }),
    { numRuns: 200 },
  );
});

test("garbage lines are refused with a reason or skipped, never thrown", () => {
  const formats = [
    ...ZONE_TYPES.map((t) => ["rbldnsd", t] as const),
    ["plain", undefined] as const,
    ["cbl", undefined] as const,
    ["cert-csv", undefined] as const,
  ];
  const line = fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[!:$#;]?[0-9a-fA-F.:/\- ]{0,40}$/));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 20 }), fc.nat(formats.length - 1), (input, which) => {
      const [format, type] = formats[which] as (typeof formats)[number];
      const { set } = parse(input, format, type);
      for (let i = 2; i < set.v4.length; i += 2)
        assert.ok((set.v4[i] as number) > (set.v4[i - 1] as number) + 1);
    }),
    { numRuns: 2000 },
  );
});

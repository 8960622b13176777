import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { IPV4, IPV6, parseAddress } from "../../src/core/index.js";
import { loadNetworkMap, parsePfx2asLine } from "../../src/reputation/networks/index.js";
import { asn, formatBound, garbageLine } from "./network-arbitraries.js";

const DIR = "test/fixtures/reputation/networks";

const prefix4 = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([address, length]) => {
    const size = IPV4.blockSize(length);
    const start = address - (address % size);
    return { family: 4 as const, start, end: start + size - 1, length };
  });
const prefix6 = fc
  .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }))
  .map(([address, length]) => {
    const size = IPV6.blockSize(length);
    const start = address - (address % size);
    return { family: 6 as const, start, end: start + size - 1n, length };
  });

test("pfx2as lines render and parse back, with multi-origin and AS-set fields", () => {
  fc.assert(
    fc.property(
      fc.oneof(prefix4, prefix6),
      fc.array(asn, { minLength: 1, maxLength: 3 }),
      fc.constantFrom("_", ",", "{,}"),
      ({ length, ...range }, asns, style) => {
        const field = style === "{,}" ? `{${asns.join(",")}}` : asns.join(style);
        const line = `${formatBound(range.start)}\t${length}\t${field}`;
        assert.deepEqual(parsePfx2asLine(line), { span: range, asns });
      },
    ),
  );
});

test("garbage never throws", () => {
  fc.assert(
    fc.property(garbageLine, (line) => {
      const result = parsePfx2asLine(line);
      assert.ok(result === undefined || typeof result === "string" || typeof result === "object");
    }),
  );
});

test("host bits and lengths past the family are refused", () => {
  assert.match(parsePfx2asLine("192.0.2.1\t24\t64496") as string, /host bits set/);
  assert.match(parsePfx2asLine("192.0.2.0\t33\t64496") as string, /above 32/);
  assert.match(parsePfx2asLine("192.0.2.0\t24\tAS64496") as string, /not an AS number/);
});

test("the most specific prefix decides; a multi-origin prefix goes to its first AS", async () => {
  const map = await loadNetworkMap({
    pfx2as: [`${DIR}/routeviews-rv2-20261128-1200.pfx2as`],
    country: [`${DIR}/asn-country-ipv4.csv`],
  });
  const asnOf = (text: string) => map.lookup(parseAddress(text)).asn;
  assert.equal(asnOf("192.0.2.1"), 64496);
  assert.equal(asnOf("192.0.2.200"), 64497);
  assert.equal(asnOf("198.51.100.7"), 64498);
  assert.equal(asnOf("203.0.113.9"), 65536);
  assert.equal(asnOf("2001:db8:1::1"), 65537);
  assert.equal(asnOf("2001:db8:2::1"), 64496);
  assert.equal(asnOf("192.0.3.0"), null);
  assert.equal(map.allocated({ asn: 64496 }), 128);
});

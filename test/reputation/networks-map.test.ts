import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { loadNetworkMap, NetworkMap } from "../../src/reputation/networks/index.js";
import { Layer } from "../../src/reputation/networks/layer.js";
import { tempDir } from "../helpers/tmp.js";

const DIR = "test/fixtures/reputation/networks";

type Range = readonly [number, number, number];

/** Small spaces near the top of IPv4 too, where off-by-one errors at 2^32 would show. */
const base = fc.constantFrom(0, 0xc0000200, 0xffffff00);
const ranges = (values: fc.Arbitrary<number>) =>
  fc.array(
    fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), values)
      .map(([a, b, v]): Range => [Math.min(a, b), Math.max(a, b), v]),
    { maxLength: 12 },
  );

/** What the map must answer: the latest-starting range holding the address, the narrower on a tie, the later on a full tie. */
function owner(list: readonly Range[], address: number): number {
  let best: Range | undefined;
  for (const range of list) {
    if (range[0] > address || range[1] < address) continue;
    if (!best || range[0] > best[0] || (range[0] === best[0] && range[1] <= best[1])) best = range;
  }
  return best ? best[2] : 0;
}

function build(asnRanges: readonly Range[], countryRanges: readonly Range[], offset: number): NetworkMap {
  const asn = new Layer();
  const country = new Layer();
  for (const [s, e, v] of asnRanges) asn.add4(offset + s, offset + e, v);
  for (const [s, e, v] of countryRanges) country.add4(offset + s, offset + e, v);
  for (const [s, e, v] of asnRanges) asn.add6(BigInt(s), BigInt(e), v);
  return NetworkMap.fromTilings(
    { v4: asn.tiling4(), v6: asn.tiling6() },
    { v4: country.tiling4(), v6: country.tiling6() },
    new Map(),
  );
}

test("lookup agrees with a linear scan of the ranges, for nested, overlapping and repeated ranges", () => {
  fc.assert(
    fc.property(
      ranges(fc.integer({ min: 64496, max: 64511 })),
      ranges(fc.integer({ min: 1, max: 676 })),
      base,
      (asnRanges, countryRanges, offset) => {
        const map = build(asnRanges, countryRanges, offset);
        for (let a = 0; a < 256; a++) {
          const info = map.lookup({ family: 4, value: offset + a });
          assert.equal(info.asn ?? 0, owner(asnRanges, a), `asn at +${a}`);
          const countryCode = owner(countryRanges, a);
          assert.equal(
            info.country === null
              ? 0
              : (info.country.charCodeAt(0) - 65) * 26 + info.country.charCodeAt(1) - 64,
            countryCode,
          );
          assert.equal(map.lookup({ family: 6, value: BigInt(a) }).asn ?? 0, owner(asnRanges, a));
        }
        assert.equal(
          map.lookup({ family: 4, value: 0xffffffff }).asn ?? 0,
          offset === 0xffffff00 ? owner(asnRanges, 255) : 0,
        );
      },
    ),
  );
});

test("allocated sums the IPv4 addresses the map gives each AS and country", () => {
  fc.assert(
    fc.property(ranges(fc.integer({ min: 64496, max: 64499 })), base, (asnRanges, offset) => {
      const map = build(asnRanges, [], offset);
      for (const asn of [64496, 64497, 64498, 64499]) {
        let expected = 0;
        for (let a = 0; a < 256; a++) if (owner(asnRanges, a) === asn) expected++;
        assert.equal(map.allocated({ asn }), expected);
      }
    }),
  );
});

test("a map read back from the data folder's cache answers as the one built from the tables", async (t) => {
  const dataDir = tempDir(t, "netcache");
  const sources = {
    asn: [`${DIR}/asn-ipv4.csv`, `${DIR}/asn-ipv6.csv`],
    country: [`${DIR}/asn-country-ipv4.csv`, `${DIR}/asn-country-ipv6.csv`],
  };
  const built = await loadNetworkMap({ ...sources, dataDir });
  const cached = await loadNetworkMap({ ...sources, dataDir });
  assert.notEqual(cached, built);
  for (const field of ["v4Starts", "v4Asn", "v4Country", "v6Starts", "v6Asn", "v6Country"] as const)
    assert.deepEqual(cached[field], built[field], field);
  assert.deepEqual([...cached.asNames], [...built.asNames]);
});

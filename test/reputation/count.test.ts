import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parsePlan, poolTable } from "../../src/plan/index.js";
import { countListed, listedPerRun4 } from "../../src/reputation/count.js";
import { networkGrouping, UNKNOWN } from "../../src/reputation/network-grouping.js";
import { NetworkMap } from "../../src/reputation/networks/index.js";
import { Layer } from "../../src/reputation/networks/layer.js";
import { NO_REGION, OTHER, planGrouping } from "../../src/reputation/plan-grouping.js";
import { canonical, listingSet, smallRanges } from "./listing-arbitraries.js";

const base = fc.constantFrom(0, 0xc0000200, 0xffffff00);
const mapRanges = fc.array(
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 }))
    .map(([a, b, v]) => [Math.min(a, b), Math.max(a, b), v] as const),
  { maxLength: 8 },
);

function buildMap(ranges: readonly (readonly [number, number, number])[], offset: number): NetworkMap {
  const asn = new Layer();
  const country = new Layer();
  for (const [s, e, v] of ranges) {
    asn.add4(offset + s, offset + e, 64496 + v);
    country.add4(offset + s, offset + e, 1 + v);
    asn.add6(BigInt(s), BigInt(e), 64496 + v);
  }
  return NetworkMap.fromTilings(
    { v4: asn.tiling4(), v6: asn.tiling6() },
    { v4: country.tiling4(), v6: country.tiling6() },
    new Map(),
  );
}

/** Counts by looking every address up: the slow answer the sweep must match. */
function countByAddress(
  map: NetworkMap,
  ranges: readonly (readonly [number, number])[],
  by: "asn" | "country",
) {
  const out = new Map<string, number>();
  for (const [start, end] of canonical(ranges)) {
    for (let a = start; a <= end; a++) {
      const info = map.lookup({ family: 4, value: a });
      const key = by === "asn" ? (info.asn === null ? UNKNOWN : `AS${info.asn}`) : (info.country ?? UNKNOWN);
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

function nonZero(keys: readonly string[], counts: Float64Array): Map<string, number> {
  const out = new Map<string, number>();
  keys.forEach((key, i) => {
    if (counts[i] !== 0) out.set(key, counts[i] as number);
  });
  return out;
}

test("the sweep counts as many listed addresses per AS and country as looking each address up", () => {
  fc.assert(
    fc.property(mapRanges, base, base.chain(smallRanges), (ranges, offset, listed) => {
      const map = buildMap(ranges, offset);
      const set = listingSet(listed);
      for (const by of ["asn", "country"] as const) {
        const grouping = networkGrouping(map, by);
        assert.deepEqual(
          nonZero(grouping.keys, countListed(set, grouping).listed),
          countByAddress(map, listed, by),
        );
      }
    }),
  );
});

test("IPv6 is counted as listing ranges reaching into each AS, each range once", () => {
  fc.assert(
    fc.property(
      mapRanges,
      fc.array(
        fc
          .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
          .map(([a, b]) => [BigInt(Math.min(a, b)), BigInt(Math.max(a, b))] as const),
        { maxLength: 8 },
      ),
      (ranges, listed6) => {
        const map = buildMap(ranges, 0);
        const set = listingSet([], listed6);
        const expected = new Map<string, number>();
        set.v6Starts.forEach((start, i) => {
          const keys = new Set<string>();
          for (let a = start; a <= (set.v6Ends[i] as bigint); a++) {
            const asn = map.lookup({ family: 6, value: a }).asn;
            keys.add(asn === null ? UNKNOWN : `AS${asn}`);
          }
          for (const key of keys) expected.set(key, (expected.get(key) ?? 0) + 1);
        });
        const grouping = networkGrouping(map, "asn");
        assert.deepEqual(nonZero(grouping.keys, countListed(set, grouping).listedV6Ranges), expected);
      },
    ),
  );
});

test("a listing of the whole IPv4 space counts every run in full, with no step per address", () => {
  const map = buildMap([[0, 255, 1]], 0xc0000200);
  const perRun = listedPerRun4(Uint32Array.of(0, 0xffffffff), map.v4Starts);
  assert.deepEqual([...perRun], [0xc0000200, 256, 2 ** 32 - 0xc0000300]);
});

const PLAN = `
isp: { name: Example Telecom, asn: 64500 }
action: reject
relays: [198.51.100.25]
allow_relays_on_25: true
regions:
  - { id: sul, name: Sul, enforce_from: 2026-12-01 }
  - { id: norte, name: Norte, enforce_from: 2027-03-01 }
pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul, name: adsl-poa-1 }
  - { prefix: 203.0.113.64/28, kind: static, name: business-poa }
  - { prefix: 203.0.113.128/25, kind: dynamic, region: norte, name: cable-bel }
  - { prefix: 198.51.100.0/26, kind: infrastructure, name: core }
`;

test("per pool, region and ISP, the sweep matches the plan's pool of each address", () => {
  const { plan } = parsePlan(PLAN, "plan.yaml");
  const table = poolTable(plan);
  fc.assert(
    fc.property(
      fc.constantFrom(0xc6336400, 0xcb007100).chain((offset) => smallRanges(offset - 64)),
      (listed) => {
        const set = listingSet(listed);
        for (const by of ["isp", "pool", "region"] as const) {
          const expected = new Map<string, number>();
          for (const [start, end] of canonical(listed)) {
            for (let a = start; a <= end; a++) {
              const pool = table.lookup4(a);
              const key =
                by === "isp"
                  ? pool
                    ? plan.isp.name
                    : OTHER
                  : by === "pool"
                    ? pool?.name
                    : pool && (pool.region ?? NO_REGION);
              if (key !== undefined) expected.set(key, (expected.get(key) ?? 0) + 1);
            }
          }
          const grouping = planGrouping(plan, by);
          assert.deepEqual(nonZero(grouping.keys, countListed(set, grouping).listed), expected, by);
        }
      },
    ),
  );
});

test("a plan's groups are allocated their own addresses; the rest of the Internet has no allocation", () => {
  const { plan } = parsePlan(PLAN, "plan.yaml");
  const pools = planGrouping(plan, "pool");
  assert.deepEqual(Object.fromEntries(pools.keys.map((k, i) => [k, pools.allocated[i]])), {
    "adsl-poa-1": 128 - 16,
    "business-poa": 16,
    "cable-bel": 128,
    core: 64,
  });
  const isp = planGrouping(plan, "isp");
  assert.deepEqual(isp.keys, ["Example Telecom", OTHER]);
  assert.deepEqual(isp.allocated, [320, null]);
  const regions = planGrouping(plan, "region");
  assert.deepEqual(Object.fromEntries(regions.keys.map((k, i) => [k, regions.allocated[i]])), {
    sul: 112,
    [NO_REGION]: 80,
    norte: 128,
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePlan } from "../../src/plan/index.js";
import {
  type ListingSet,
  loadNetworkMap,
  type NetworkMap,
  networkGrouping,
  planCountry,
  planGrouping,
  rankingRows,
  reportRows,
  type SnapshotSource,
  seriesRows,
} from "../../src/reputation/index.js";
import { listingSet } from "./listing-arbitraries.js";

const DIR = "test/fixtures/reputation/networks";
const ip = (text: string) => text.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
const range = (first: string, last: string) => [ip(first), ip(last)] as const;

function fixtureMap(): Promise<NetworkMap> {
  return loadNetworkMap({
    asn: [`${DIR}/asn-ipv4.csv`, `${DIR}/asn-ipv6.csv`],
    country: [`${DIR}/asn-country-ipv4.csv`, `${DIR}/asn-country-ipv6.csv`],
  });
}

function memorySource(snapshots: Record<string, Record<string, ListingSet>>): SnapshotSource {
  return {
    lists: () => Object.keys(snapshots).sort(),
    dates: (list) => Object.keys(snapshots[list] ?? {}).sort(),
    read: (list, date) => snapshots[list]?.[date],
  };
}

test("rows carry listed, allocated, infect %, rank (ties shared, unknown unranked) and change", async () => {
  const map = await fixtureMap();
  const before = listingSet([range("192.0.2.0", "192.0.2.9")]);
  const now = listingSet(
    [
      range("192.0.2.0", "192.0.2.1"),
      range("192.0.2.200", "192.0.2.201"),
      range("198.51.100.0", "198.51.100.3"),
      range("10.0.0.0", "10.0.0.255"),
    ],
    [[0x20010db8n << 96n, (0x20010db8n << 96n) + 15n]],
  );
  const rows = reportRows(networkGrouping(map, "asn"), now, before);
  assert.deepEqual(rows, [
    {
      key: "unknown",
      as_name: null,
      listed: 256,
      listed_v6_ranges: 0,
      allocated: null,
      infect_pct: null,
      rank: null,
      change: 256,
    },
    {
      key: "AS64498",
      as_name: "Example Mobile",
      listed: 4,
      listed_v6_ranges: 0,
      allocated: 256,
      infect_pct: 1.5625,
      rank: 1,
      change: 4,
    },
    {
      key: "AS64496",
      as_name: "Example Access, Inc.",
      listed: 2,
      listed_v6_ranges: 1,
      allocated: 128,
      infect_pct: 1.5625,
      rank: 2,
      change: -8,
    },
    {
      key: "AS64497",
      as_name: "Example Hosting",
      listed: 2,
      listed_v6_ranges: 0,
      allocated: 128,
      infect_pct: 1.5625,
      rank: 2,
      change: 2,
    },
  ]);
  const countries = reportRows(networkGrouping(map, "country"), now);
  assert.deepEqual(
    countries.map((r) => [r.key, r.listed, r.allocated, r.rank, r.change]),
    [
      ["unknown", 256, null, null, null],
      ["BR", 8, 512, 1, null],
    ],
  );
});

const PLAN = `
isp: { name: Example Telecom, asn: 64496 }
action: reject
relays: [198.51.100.25]
allow_relays_on_25: true
regions:
  - { id: sul, name: Sul, enforce_from: 2026-12-01 }
pools:
  - { prefix: 192.0.2.0/25, kind: dynamic, region: sul, name: adsl }
  - { prefix: 198.51.100.0/24, kind: static, name: business }
`;

test("a plan grouping shows every pool, listed or not, and the ISP against the rest", () => {
  const { plan } = parsePlan(PLAN, "plan.yaml");
  const now = listingSet([range("192.0.2.0", "192.0.2.3"), range("203.0.113.0", "203.0.113.9")]);
  assert.deepEqual(
    reportRows(planGrouping(plan, "pool"), now).map((r) => [
      r.key,
      r.kind,
      r.region,
      r.listed,
      r.allocated,
      r.rank,
    ]),
    [
      ["adsl", "dynamic", "sul", 4, 128, 1],
      ["business", "static", null, 0, 256, 2],
    ],
  );
  assert.deepEqual(
    reportRows(planGrouping(plan, "isp"), now).map((r) => [r.key, r.listed, r.allocated, r.infect_pct]),
    [
      ["other", 10, null, null],
      ["Example Telecom", 4, 384, (4 / 384) * 100],
    ],
  );
});

test("series follows one key over every date; ranking gives the top N plus the followed country", async () => {
  const map = await fixtureMap();
  const source = memorySource({
    cbl: {
      "2026-11-01": listingSet([range("192.0.2.0", "192.0.2.99"), range("203.0.113.0", "203.0.113.9")]),
      "2026-11-15": listingSet([range("192.0.2.0", "192.0.2.9"), range("203.0.113.0", "203.0.113.19")]),
    },
    other: { "2026-11-15": listingSet([range("192.0.2.5", "192.0.2.14")]) },
  });
  const series = seriesRows(source, ["cbl", "other"], networkGrouping(map, "country"), "BR");
  assert.deepEqual(
    series.map((r) => [r.date, r.listed, r.rank, r.change]),
    [
      ["2026-11-01", 100, 1, null],
      // The two lists share 192.0.2.5-9: the union counts them once.
      ["2026-11-15", 15, 2, -85],
    ],
  );
  const ranking = rankingRows(source, ["cbl"], networkGrouping(map, "country"), 1, "BR");
  assert.deepEqual(
    ranking.map((r) => [r.date, r.rank, r.key, r.listed]),
    [
      ["2026-11-01", 1, "BR", 100],
      ["2026-11-15", 1, "PT", 20],
      ["2026-11-15", 2, "BR", 10],
    ],
  );
});

test("the plan's country is where most of its space lies", async () => {
  const { plan } = parsePlan(PLAN, "plan.yaml");
  assert.equal(planCountry(plan, await fixtureMap()), "BR");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseAddress } from "../../src/core/index.js";
import { loadNetworkMap, parseDelegatedLine } from "../../src/reputation/networks/index.js";
import { country, garbageLine } from "./network-arbitraries.js";

const DIR = "test/fixtures/reputation/networks";

test("ipv4 lines (address counts, any size) render and parse back", () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 0, max: 0xffffffff })
        .chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: 1, max: 0xffffffff - start + 1 }))),
      country,
      fc.constantFrom<"allocated" | "assigned">("allocated", "assigned"),
      ([start, count], code, status) => {
        const address = `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}`;
        const line = `ripencc|${code}|ipv4|${address}|${count}|20090101|${status}|abc`;
        assert.deepEqual(parseDelegatedLine(line), {
          registry: "ripencc",
          country: code,
          span: { family: 4, start, end: start + count - 1 },
          status,
        });
      },
    ),
  );
});

test("garbage never throws", () => {
  fc.assert(
    fc.property(garbageLine, (line) => {
      const result = parseDelegatedLine(line);
      assert.ok(result === undefined || typeof result === "string" || typeof result === "object");
    }),
  );
});

test("the version, summary, asn and available lines are skipped; a short line is refused", () => {
  assert.equal(parseDelegatedLine("2.3|lacnic|20261128|6|19870101|20261128|-0300"), undefined);
  assert.equal(parseDelegatedLine("lacnic|*|ipv4|*|4|summary"), undefined);
  assert.equal(parseDelegatedLine("lacnic|BR|asn|64496|1|20090101|allocated|x"), undefined);
  assert.equal(parseDelegatedLine("lacnic||ipv4|198.51.100.192|64||available|"), undefined);
  assert.match(parseDelegatedLine("lacnic|BR|ipv4|192.0.2.0") as string, /expected registry/);
  assert.match(
    parseDelegatedLine("lacnic|BR|ipv4|255.255.255.0|512|20090101|allocated") as string,
    /runs past/,
  );
});

test("delegated stats give country and allocation sizes per country", async () => {
  const map = await loadNetworkMap({
    delegated: [`${DIR}/delegated-lacnic-extended-20261128`],
    asn: [`${DIR}/asn-ipv4.csv`],
  });
  assert.equal(map.lookup(parseAddress("198.51.100.191")).country, "BR");
  assert.equal(map.lookup(parseAddress("198.51.100.192")).country, null);
  assert.equal(map.lookup(parseAddress("2001:db8:ffff::1")).country, "BR");
  assert.equal(map.allocated({ country: "BR" }), 256 + 192);
  assert.equal(map.allocated({ country: "PT" }), 256);
  assert.deepEqual(Object.fromEntries(map.allocatedByCountry()), { BR: 448, PT: 256 });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseAddress } from "../../src/core/index.js";
import { loadNetworkMap, parseIptoasnLine } from "../../src/reputation/networks/index.js";
import { asn, country, formatBound, garbageLine, span } from "./network-arbitraries.js";

const DIR = "test/fixtures/reputation/networks";

test("iptoasn lines render and parse back", () => {
  fc.assert(
    fc.property(
      span,
      fc.oneof(fc.constant(0), asn),
      fc.option(country, { nil: null }),
      fc.stringMatching(/^[^\t\r\n]{0,20}$/),
      (range, number, code, description) => {
        const line = `${formatBound(range.start)}\t${formatBound(range.end)}\t${number}\t${code ?? "None"}\t${description}`;
        assert.deepEqual(parseIptoasnLine(line), { span: range, asn: number, country: code, description });
      },
    ),
  );
});

test("garbage never throws", () => {
  fc.assert(
    fc.property(garbageLine, (line) => {
      const result = parseIptoasnLine(line);
      assert.ok(result === undefined || typeof result === "string" || typeof result === "object");
    }),
  );
});

test("one iptoasn table gives both ASN and country; not-routed space stays unknown", async () => {
  const map = await loadNetworkMap({ iptoasn: [`${DIR}/ip2asn-combined.tsv`] });
  assert.deepEqual(map.lookup(parseAddress("192.0.2.1")), {
    asn: 64496,
    asName: "EXAMPLE-ACCESS",
    country: "BR",
  });
  assert.deepEqual(map.lookup(parseAddress("198.51.100.1")), { asn: null, asName: null, country: null });
  assert.deepEqual(map.lookup(parseAddress("2001:db8::1")), {
    asn: 64496,
    asName: "EXAMPLE-ACCESS",
    country: "BR",
  });
  assert.equal(map.allocated({ country: "BR" }), 256);
  assert.equal(map.allocated({ country: "PT" }), 256);
});

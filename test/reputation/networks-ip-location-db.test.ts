import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { DiagnosticsError } from "../../src/core/index.js";
import {
  loadNetworkMap,
  parseAsnCsvLine,
  parseCountryCsvLine,
  type Span,
} from "../../src/reputation/networks/index.js";
import { tempDir } from "../helpers/tmp.js";
import { asn, country, formatBound, garbageLine, span } from "./network-arbitraries.js";

const DIR = "test/fixtures/reputation/networks";

const csvName = fc.oneof(fc.string({ maxLength: 20 }), fc.constant('Example "Quoted", Inc.'));
const quote = (text: string) => (/[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

test("asn CSV lines render and parse back to the same range, AS and name, as text and as numbers", () => {
  fc.assert(
    fc.property(span, asn, csvName, (range, number, name) => {
      const text = `${formatBound(range.start)},${formatBound(range.end)},${number},${quote(name)}`;
      assert.deepEqual(parseAsnCsvLine(text), { span: range, asn: number, name });
      const numeric = `${range.start},${range.end},${number},${quote(name)}`;
      assert.deepEqual(parseAsnCsvLine(numeric, range.family), { span: range, asn: number, name });
    }),
  );
});

test("country CSV lines render and parse back", () => {
  fc.assert(
    fc.property(span, country, (range: Span, code) => {
      const text = `${formatBound(range.start)},${formatBound(range.end)},${code}`;
      assert.deepEqual(parseCountryCsvLine(text), { span: range, country: code });
      assert.deepEqual(
        parseCountryCsvLine(`${range.start},${range.end},${code.toLowerCase()}`, range.family),
        {
          span: range,
          country: code,
        },
      );
    }),
  );
});

test("garbage never throws: each line is a row, a message or skipped", () => {
  fc.assert(
    fc.property(garbageLine, fc.constantFrom<4 | 6>(4, 6), (line, family) => {
      for (const result of [parseAsnCsvLine(line, family), parseCountryCsvLine(line, family)])
        assert.ok(result === undefined || typeof result === "string" || typeof result === "object");
    }),
  );
});

test("a range that ends before it starts, or mixes families, is refused with a reason", () => {
  assert.match(parseAsnCsvLine("192.0.2.9,192.0.2.1,64496,x") as string, /ends .* before it starts/);
  assert.match(parseCountryCsvLine("192.0.2.0,2001:db8::,BR") as string, /different families/);
  assert.match(parseAsnCsvLine("4294967296,4294967296,64496,x") as string, /above 4294967295/);
  assert.match(parseCountryCsvLine("192.0.2.0,192.0.2.255,B1") as string, /country code/);
  assert.equal(parseAsnCsvLine(""), undefined);
});

test("text and -num tables load to the same map", async () => {
  const text = await loadNetworkMap({
    asn: [`${DIR}/asn-ipv4.csv`, `${DIR}/asn-ipv6.csv`],
    country: [`${DIR}/asn-country-ipv4.csv`],
  });
  const numeric = await loadNetworkMap({
    asn: [`${DIR}/asn-ipv4-num.csv`, `${DIR}/asn-ipv6-num.csv`],
    country: [`${DIR}/asn-country-ipv4.csv`],
  });
  assert.deepEqual(numeric.v4Starts, text.v4Starts);
  assert.deepEqual(numeric.v4Asn, text.v4Asn);
  assert.deepEqual(numeric.v6Starts, text.v6Starts);
  assert.deepEqual([...numeric.asNames], [...text.asNames]);
  assert.equal(text.asNames.get(64496), "Example Access, Inc.");
});

test("bad lines fail the load, each as file:line: message", async (t) => {
  const file = join(tempDir(t, "ipdb"), "asn-ipv4.csv");
  writeFileSync(file, "192.0.2.0,192.0.2.255,64496,ok\nnot a line\n192.0.2.0,192.0.2.255,AS1,x\n");
  await assert.rejects(loadNetworkMap({ asn: [file], country: [`${DIR}/asn-country-ipv4.csv`] }), (error) => {
    assert.ok(error instanceof DiagnosticsError);
    assert.equal(
      error.message,
      `${file}:2: expected ip_range_start,ip_range_end,autonomous_system_number,organization\n` +
        `${file}:3: "AS1" is not an AS number`,
    );
    return true;
  });
});

test("a missing table is one line naming it", async () => {
  await assert.rejects(
    loadNetworkMap({ asn: ["no/such/asn.csv"], country: [`${DIR}/asn-country-ipv4.csv`] }),
    /^UserError: no\/such\/asn.csv: no such file$/,
  );
});

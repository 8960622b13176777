import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { formatPrefix, IPV4 } from "../../src/core/index.js";
import { parsePoolsCsv, splitCsvLine } from "../../src/plan/csv-pools.js";
import { DiagnosticList } from "../../src/plan/diagnostics.js";

function quote(field: string): string {
  return /[",]/.test(field) || field !== field.trim() ? `"${field.replace(/"/g, '""')}"` : field;
}

test("splitCsvLine reads back what RFC 4180 quoting wrote", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.string({ unit: "grapheme-ascii" }).filter((s) => !/[\r\n]/.test(s)),
        { minLength: 1, maxLength: 6 },
      ),
      (fields) => {
        const expected = fields.map((f) => (/[",]/.test(f) || f !== f.trim() ? f : f.trim()));
        assert.deepEqual(splitCsvLine(fields.map(quote).join(",")), expected);
      },
    ),
  );
});

test("splitCsvLine refuses an unclosed quote or text after a closing quote", () => {
  assert.equal(splitCsvLine('a,"b'), undefined);
  assert.equal(splitCsvLine('"a"b,c'), undefined);
});

test("parsePoolsCsv reads any list of pools it is given back exactly, with line numbers", () => {
  const pool = fc.record({
    start: fc.integer({ min: 0, max: IPV4.max }),
    length: fc.integer({ min: 8, max: 32 }),
    kind: fc.constantFrom("dynamic", "static", "infrastructure"),
    region: fc.constantFrom("", "sul", "norte"),
    name: fc
      .string({ unit: "grapheme-ascii", maxLength: 12 })
      .filter((s) => !/[\r\n]/.test(s) && s.trim() === s),
  });
  fc.assert(
    fc.property(fc.array(pool, { maxLength: 20 }), fc.boolean(), (pools, header) => {
      const normal = pools.map((p) => ({ ...p, start: p.start - (p.start % IPV4.blockSize(p.length)) }));
      const lines = normal.map((p) =>
        [formatPrefix({ family: 4, start: p.start, length: p.length }), p.kind, p.region, quote(p.name)].join(
          ",",
        ),
      );
      const text = (header ? ["prefix,kind,region,name", ...lines] : lines).join("\n");
      const diagnostics = new DiagnosticList();
      const parsed = parsePoolsCsv(text, "pools.csv", diagnostics);
      assert.deepEqual(diagnostics.items, []);
      assert.equal(parsed.length, normal.length);
      parsed.forEach((got, i) => {
        const want = normal[i] as (typeof normal)[number];
        assert.equal(got.prefix.start, want.start);
        assert.equal(got.prefix.length, want.length);
        assert.equal(got.kind, want.kind);
        assert.equal(got.region, want.region === "" ? undefined : want.region);
        assert.equal(got.name, want.name === "" ? formatPrefix(got.prefix) : want.name);
        assert.equal(got.source.line, i + 1 + (header ? 1 : 0));
      });
    }),
  );
});

test("parsePoolsCsv reports each bad line and keeps the good ones", () => {
  const diagnostics = new DiagnosticList();
  const pools = parsePoolsCsv(
    "203.0.113.0/24,dynamic,sul\nnot-a-prefix,dynamic,sul\n198.51.100.0/24\n198.51.100.0/24,cable,sul\n2001:db8::/32,static\n",
    "p.csv",
    diagnostics,
  );
  assert.deepEqual(
    pools.map((p) => formatPrefix(p.prefix)),
    ["203.0.113.0/24", "2001:db8::/32"],
  );
  assert.deepEqual(
    diagnostics.items.map((d) => `${d.file}:${d.line}`),
    ["p.csv:2", "p.csv:3", "p.csv:4"],
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { headerParams } from "../../src/complaints/mime-parts.js";

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const value = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 30,
});

test("Content-Type parameters read back as written, quoted or not, whatever they hold", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 5 }),
      fc.boolean(),
      (params, folded) => {
        const written = params.map(([n, v]) =>
          /^[A-Za-z0-9._-]+$/.test(v) ? `${n}=${v}` : `${n}="${v.replace(/["\\]/g, "\\$&")}"`,
        );
        const header = ["multipart/report", ...written].join(folded ? ";\r\n\t" : "; ");
        assert.deepEqual(
          [...headerParams(header)],
          params.map(([n, v]) => [n, v]),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test("parameter names are case-insensitive and a ; inside quotes belongs to the value", () => {
  assert.deepEqual(
    [...headerParams('multipart/report; Report-Type="feedback-report"; BOUNDARY="a;b=c"')],
    [
      ["report-type", "feedback-report"],
      ["boundary", "a;b=c"],
    ],
  );
  assert.equal(headerParams(undefined).size, 0);
});

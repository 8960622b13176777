import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { openStore } from "../../src/store/index.js";
import { csvRecords, isProblem } from "../../src/subscribers/csv-records.js";
import { importDirectory, listDirectory, markEmailBad } from "../../src/subscribers/index.js";
import { tempDir } from "../helpers/tmp.js";

const quoted = (field: string) =>
  /[",\r\n]/.test(field) || field === "" ? `"${field.replace(/"/g, '""')}"` : field;

test("csv records: any fields written with RFC 4180 quoting read back as written, with their first line", () => {
  fc.assert(
    fc.property(
      // A record of one blank field is a blank line, which is skipped.
      fc.array(
        fc
          .array(fc.string({ unit: "grapheme" }), { minLength: 1, maxLength: 5 })
          .filter((r) => r.length > 1 || (r[0] ?? "").trim() !== ""),
        { maxLength: 6 },
      ),
      fc.boolean(),
      (records, crlf) => {
        const text = records.map((r) => r.map(quoted).join(",")).join(crlf ? "\r\n" : "\n");
        const read = [...csvRecords(text)];
        assert.deepEqual(
          read.map((r) => (isProblem(r) ? r : r.fields)),
          records,
        );
        let line = 1;
        for (const [i, r] of read.entries()) {
          assert.equal(r.line, line);
          line += (records[i] ?? []).join(",").split("\n").length;
        }
      },
    ),
  );
});

test("csv records: an unclosed quote or text after a quote is a problem on its line, the rest is read", () => {
  const read = [...csvRecords('a,b\n"x"y,z\nc,d\n"open,e\n')];
  assert.deepEqual(read, [
    { line: 1, fields: ["a", "b"] },
    { line: 2, problem: "text after a closing quote" },
    { line: 3, fields: ["c", "d"] },
    { line: 4, problem: "unclosed quote" },
  ]);
});

test("subscribers import: bad lines as FILE:LINE, the good ones imported; re-import updates, --replace drops", (t) => {
  const dir = tempDir(t, "directory");
  const store = openStore(dir);
  t.after(() => store.close());
  const file = join(dir, "customers.csv");
  writeFileSync(
    file,
    "\ufeffid_crm,Subscriber,EMAIL,name,language\n" +
      'x,sub-1,ana@example.net,"Silva, Ana",pt-BR\n' +
      "x,sub-2,not-an-address,Bob,en\n" +
      'x,sub-3,josé@exemplo.com.br,"João ""Jo""\nda Silva",es\n' +
      "x,,nobody@example.net,,\n" +
      "x,sub-4,dora@example.org,Dora,klingon!\n",
  );
  const first = importDirectory(store, file);
  assert.deepEqual(
    first.diagnostics.map((d) => `${d.line}: ${d.message}`),
    [
      '3: not an e-mail address: "not-an-address"',
      "6: no subscriber id",
      '7: not a language tag: "klingon!" (e.g. pt-BR, es, en)',
    ],
  );
  assert.equal(first.imported, 2);
  assert.deepEqual(
    listDirectory(store).map((e) => [e.subscriber, e.email, e.name, e.language]),
    [
      ["sub-1", "ana@example.net", "Silva, Ana", "pt-BR"],
      ["sub-3", "josé@exemplo.com.br", 'João "Jo"\nda Silva', "es"],
    ],
  );
  assert.equal(markEmailBad(store, "ANA@example.net", "550 5.1.1 no such user"), 1);
  writeFileSync(file, "subscriber,email\nsub-1,ana.silva@example.net\nsub-5,eva@example.net\n");
  const second = importDirectory(store, file);
  assert.deepEqual([second.imported, second.updated, second.unchanged], [1, 1, 0]);
  const ana = listDirectory(store).find((e) => e.subscriber === "sub-1");
  assert.equal(ana?.email_bad_since, null, "a new address clears the bounce mark");
  const replaced = importDirectory(store, file, { replace: true });
  assert.deepEqual([replaced.removed, replaced.unchanged], [1, 2]);
  assert.deepEqual(
    listDirectory(store).map((e) => e.subscriber),
    ["sub-1", "sub-5"],
  );
});

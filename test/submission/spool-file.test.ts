import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { SpoolFile, writeWholeFile } from "../../src/submission/spool-file.js";
import { tempDir } from "../helpers/tmp.js";

test("a spool file holds exactly the chunks written, small and large, in order", async (t) => {
  const dir = tempDir(t, "spool-file");
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40_000 }), { maxLength: 12 }), async (chunks) => {
      const path = join(dir, `${n++}.eml`);
      const file = await SpoolFile.create(path);
      for (const chunk of chunks) await file.write(Buffer.from(chunk));
      await file.sync();
      assert.deepEqual(readFileSync(path), Buffer.concat(chunks.map((c) => Buffer.from(c))));
    }),
    { numRuns: 60 },
  );
});

test("a spool file is created only once, and closing twice is harmless", async (t) => {
  const path = join(tempDir(t, "spool-file"), "a.eml");
  const file = await SpoolFile.create(path);
  await assert.rejects(SpoolFile.create(path), /EEXIST/);
  await file.close();
  await file.close();
});

test("a file written over holds exactly the new chunks, whether they are shorter or longer than the old content", async (t) => {
  const dir = tempDir(t, "spool-file");
  let n = 0;
  const bytes = fc.uint8Array({ maxLength: 80_000 });
  await fc.assert(
    fc.asyncProperty(bytes, fc.array(bytes, { maxLength: 6 }), async (old, chunks) => {
      const path = join(dir, `${n++}.eml`);
      writeFileSync(path, old);
      await writeWholeFile(path, Buffer.concat(chunks.map((c) => Buffer.from(c))), old.length);
      assert.deepEqual(readFileSync(path), Buffer.concat(chunks.map((c) => Buffer.from(c))));
    }),
    { numRuns: 60 },
  );
});

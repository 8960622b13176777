import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Transform } from "node:stream";
import { test } from "node:test";
import fc from "fast-check";
import { speedUpDotStuffing, stuffDots } from "../../src/submission/dot-stuffing.js";

// nodemailer does not export its DATA stream; the test loads the file to compare against it.
const DataStream = createRequire(import.meta.url)(
  join(process.cwd(), "node_modules/nodemailer/dist/cjs/smtp-connection/data-stream.js"),
).default as new () => Transform & { outByteCount: number; inByteCount: number };

async function through(chunks: readonly Buffer[], fast: boolean) {
  const stream = new DataStream();
  if (fast) speedUpDotStuffing(stream as unknown as Parameters<typeof speedUpDotStuffing>[0]);
  const out: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve) => stream.on("end", resolve));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await ended;
  return { bytes: Buffer.concat(out), in: stream.inByteCount, out: stream.outByteCount };
}

/** Message text split anywhere, rich in what matters: CR, LF, dots at line starts. */
const chunked = (alphabet: string[]) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength: 400 }).chain((pieces) => {
    const text = Buffer.from(pieces.join(""));
    return fc.uniqueArray(fc.nat({ max: Math.max(0, text.length) }), { maxLength: 6 }).map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), text.length];
      return points.slice(1).map((end, i) => text.subarray(points[i], end));
    });
  });

test("fast dot-stuffing gives nodemailer's bytes and counts, for CRLF text and for bare line endings", async () => {
  for (const alphabet of [
    ["\r\n", ".", "..", "a", "Subject: x", "\r\n.\r\n"],
    ["\r\n", "\r", "\n", ".", "a", "é"],
  ]) {
    await fc.assert(
      fc.asyncProperty(chunked(alphabet), async (chunks) => {
        assert.deepEqual(await through(chunks, true), await through(chunks, false));
      }),
      { numRuns: 300 },
    );
  }
});

test("stuffDots doubles dots at line starts and hands bare line endings back", () => {
  assert.equal(stuffDots(Buffer.from(".a\r\n.b\r\nc.d\r\n"), false)?.toString(), "..a\r\n..b\r\nc.d\r\n");
  assert.equal(stuffDots(Buffer.from(".x"), 0x0a)?.toString(), "..x");
  assert.equal(stuffDots(Buffer.from(".x"), 0x61)?.toString(), ".x");
  assert.equal(stuffDots(Buffer.from("a\nb"), false), undefined);
  assert.equal(stuffDots(Buffer.from("a\rb"), false), undefined);
  assert.equal(stuffDots(Buffer.from("\nb"), 0x0d)?.toString(), "\nb");
  assert.equal(stuffDots(Buffer.from("b"), 0x0d), undefined);
});

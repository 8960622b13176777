import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { type MboxMessage, splitMbox } from "../../src/complaints/index.js";

async function split(data: Buffer, maxBytes = 1 << 20, chunkSize = data.length || 1): Promise<MboxMessage[]> {
  async function* chunks() {
    for (let at = 0; at < data.length; at += chunkSize) yield data.subarray(at, at + chunkSize);
  }
  const out: MboxMessage[] = [];
  for await (const message of splitMbox(chunks(), maxBytes)) out.push(message);
  return out;
}

test("the fixture mbox splits into three messages with >From lines unquoted once", async () => {
  const messages = await split(readFileSync("test/fixtures/complaints/reports.mbox"));
  assert.deepEqual(
    messages.map((m) => [m.index, m.line]),
    [
      [1, 1],
      [2, 40],
      [3, 48],
    ],
  );
  const first = String(messages[0]?.bytes);
  assert.match(
    first,
    /\nFrom the desk of our CEO:\n>From now on, prices are lower\.\n>>From quoted twice\.\n/,
  );
  assert.ok(first.endsWith("--b-r1--\n"), "the separator line is not part of the message");
  assert.equal(String(messages[1]?.bytes).split("\n")[0], "From: someone@example.org");
});

test("a message over the limit is reported with its size, its bytes not kept, and the next one still read", async () => {
  const big = `From a@example.org Thu Jan  1 00:00:00 2026\nSubject: big\n\n${"x".repeat(5000)}\n\nFrom b@example.org Thu Jan  1 00:00:01 2026\nSubject: small\n\nhi\n`;
  const messages = await split(Buffer.from(big), 1000, 64);
  assert.equal(messages.length, 2);
  assert.equal(messages[0]?.bytes, null);
  assert.ok((messages[0]?.size as number) > 1000);
  assert.equal(messages[1]?.bytes?.toString(), "Subject: small\n\nhi\n");
});

test("a line longer than the limit is not held whole, and does not start a message", async () => {
  const line = `${"y".repeat(10_000)}From not-a-separator\n`;
  const data = Buffer.from(`From a@example.org Thu Jan  1 00:00:00 2026\n${line}From b@example.org x\nok\n`);
  const messages = await split(data, 100, 512);
  assert.deepEqual(
    messages.map((m) => m.bytes?.toString() ?? null),
    [null, "ok\n"],
  );
});

test("text before the first From_ line is not an mbox", async () => {
  await assert.rejects(split(Buffer.from("Subject: x\n\nbody\n")), /line 1: not an mbox/);
});

/** mboxrd writing: every line matching >*From gets one more >, and an empty line after each message. */
function writeMbox(messages: readonly string[]): string {
  return messages
    .map(
      (m, i) => `From sender${i}@example.org Thu Jan  1 00:00:00 2026\n${m.replace(/^(>*From )/gm, ">$1")}\n`,
    )
    .join("");
}

const line = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."abc xyz:>\r"), maxLength: 30 }),
  fc.constantFrom("From here", ">From there", ">>From everywhere", "", "From", " From x"),
);
const message = fc.array(line, { minLength: 1, maxLength: 12 }).map((lines) => `${lines.join("\n")}\n`);

test("messages written as an mboxrd file split back to the same bytes, whatever the chunk size", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(message, { maxLength: 6 }),
      fc.integer({ min: 1, max: 97 }),
      async (messages, chunk) => {
        const out = await split(Buffer.from(writeMbox(messages)), 1 << 20, chunk);
        // The writer's separator is the empty line after each message; the reader takes one off.
        assert.deepEqual(
          out.map((m) => m.bytes?.toString()),
          messages,
        );
      },
    ),
    { numRuns: 300 },
  );
});

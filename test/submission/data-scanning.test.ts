import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { SMTPStream } from "smtp-server/lib/smtp-stream.js";
import { feedDataStream, originalFeedDataStream } from "../../src/submission/data-scanning.js";

type Parser = InstanceType<typeof SMTPStream> & {
  oncommand(command: Buffer, next?: () => void): void;
  startDataMode(maxBytes?: number): NodeJS.ReadableStream;
  continue(): void;
  _feedDataStream: typeof feedDataStream;
};

/**
 * What an SMTPStream makes of the input, chunk by chunk, as smtp-server's connection drives it:
 * each command, and each DATA phase's bytes once its stream ends.
 */
async function parse(chunks: readonly Buffer[], scan: typeof feedDataStream): Promise<string[]> {
  const parser = new SMTPStream() as Parser;
  parser._feedDataStream = scan;
  const seen: string[] = [];
  parser.oncommand = (command, next) => {
    const line = command.toString("latin1");
    seen.push(`command ${JSON.stringify(line)}`);
    if (line.toUpperCase() !== "DATA") return next?.();
    const data = parser.startDataMode(1 << 20);
    const body: Buffer[] = [];
    data.on("data", (part: Buffer) => body.push(part));
    data.on("end", () => {
      seen.push(`data ${JSON.stringify(Buffer.concat(body).toString("latin1"))}`);
      parser.continue();
    });
    next?.();
  };
  for (const chunk of chunks) await new Promise<void>((resolve) => parser.write(chunk, () => resolve()));
  await new Promise<void>((resolve) => parser.end(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return seen;
}

/**
 * SMTP input split anywhere, rich in what matters: line ends, dots at line starts, terminators.
 * One DATA phase per input: smtp-server's continue() drops the continuation that a second DATA
 * phase, ended within the same call, sets (its own bug, the same under either scan).
 */
const session = fc
  .array(fc.constantFrom("\r\n", ".", "..", "a", ".\r\n", "\r\n.\r\n", "NOOP\r\n", "\n", "\r"), {
    maxLength: 120,
  })
  .chain((pieces) => {
    const text = Buffer.from(`DATA\r\n${pieces.join("")}\r\n.\r\nQUIT\r\n`, "latin1");
    return fc.uniqueArray(fc.nat({ max: text.length }), { maxLength: 8 }).map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), text.length];
      return points.slice(1).map((end, i) => text.subarray(points[i], end));
    });
  });

test("the fast DATA scan ends, unstuffs and passes on exactly what smtp-server's own scan does", async () => {
  await fc.assert(
    fc.asyncProperty(session, async (chunks) => {
      assert.deepEqual(await parse(chunks, feedDataStream), await parse(chunks, originalFeedDataStream));
    }),
    { numRuns: 500 },
  );
});

test("a lone dot line right after DATA ends the message even when split from it, and '..' is one dot", async () => {
  const split = [Buffer.from("DATA\r\n"), Buffer.from(".\r\nNOOP\r\n")];
  assert.deepEqual(await parse(split, feedDataStream), ['command "DATA"', 'data ""', 'command "NOOP"']);
  const stuffed = [Buffer.from("DATA\r\n..\r\nx\r\n..y\r\n.\r\n")];
  assert.deepEqual(await parse(stuffed, feedDataStream), ['command "DATA"', 'data ".\\r\\nx\\r\\n.y\\r\\n"']);
});

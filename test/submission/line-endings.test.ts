import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { hasField, headerBlockEnd, missingFields } from "../../src/submission/headers.js";
import { LineCheck, type LineFault } from "../../src/submission/line-endings.js";

/** Runs the check over `message` cut at `cuts`, as the DATA stream would deliver it. */
function check(message: Buffer, cuts: number[], maxLineLength = 998): LineFault | undefined {
  const lines = new LineCheck(maxLineLength);
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    const fault = lines.push(message.subarray(from, cut));
    if (fault) return fault;
    from = cut;
  }
  return lines.push(message.subarray(from)) ?? lines.end();
}

/** Every fault in the message, found the slow and obvious way: byte by byte, line by line. */
function faults(message: Buffer, maxLineLength: number): Set<LineFault> {
  const found = new Set<LineFault>();
  for (let i = 0; i < message.length; i++) {
    if (message[i] === 0) found.add("nul");
    if (message[i] === 0x0d && message[i + 1] !== 0x0a) found.add("bare-line-ending");
    if (message[i] === 0x0a && message[i - 1] !== 0x0d) found.add("bare-line-ending");
  }
  for (const line of message.toString("latin1").split("\r\n")) {
    if (line.length > maxLineLength) found.add("long-line");
  }
  return found;
}

const cutsOf = (message: Buffer) =>
  fc.array(fc.nat(message.length), { maxLength: 8 }).map((cuts) => cuts.sort((a, b) => a - b));

const line = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n\0]/g, ""));
const crlfMessage = fc
  .array(line, { minLength: 1, maxLength: 10 })
  .map((lines) => Buffer.from(`${lines.join("\r\n")}\r\n`));

test("CRLF-only messages with short lines pass however they are chunked", () => {
  fc.assert(
    fc.property(
      crlfMessage.chain((message) => fc.tuple(fc.constant(message), cutsOf(message))),
      ([message, cuts]) => {
        assert.equal(check(message, cuts, 80), undefined);
      },
    ),
  );
});

test("one bare CR or LF anywhere is found however the message is chunked", () => {
  fc.assert(
    fc.property(
      crlfMessage,
      fc.nat(),
      fc.constantFrom("\n", "\r"),
      fc.array(fc.nat(300)),
      (message, at, stray, cuts) => {
        // Insert away from an existing CRLF so the stray byte cannot pair up with one.
        const text = message.toString("latin1");
        const position = at % (text.length + 1);
        const before = text.slice(0, position);
        const after = text.slice(position);
        if ((stray === "\n" && before.endsWith("\r")) || (stray === "\r" && after.startsWith("\n"))) return;
        const smuggled = Buffer.from(before + stray + after, "latin1");
        assert.equal(
          check(
            smuggled,
            cuts.map((c) => c % (smuggled.length + 1)),
          ),
          "bare-line-ending",
        );
      },
    ),
  );
});

/** Messages rich in what the check looks for: line ends of every kind, NULs, lines near the limit. */
const risky = fc
  .tuple(
    fc.array(fc.constantFrom("\r\n", "\r", "\n", "\0", "a", "xxxxx", "\r\n.\r\n", "\r\n\0.\r\n"), {
      maxLength: 40,
    }),
    fc.integer({ min: 1, max: 12 }),
  )
  .chain(([pieces, maxLineLength]) => {
    const message = Buffer.from(pieces.join(""), "latin1");
    return fc.tuple(fc.constant(message), cutsOf(message), fc.constant(maxLineLength));
  });

test("the check finds a fault exactly when the byte-by-byte reference does, one the reference found", () => {
  fc.assert(
    fc.property(risky, ([message, cuts, maxLineLength]) => {
      const expected = faults(message, maxLineLength);
      const found = check(message, cuts, maxLineLength);
      if (expected.size === 0) assert.equal(found, undefined);
      else assert.ok(found && expected.has(found), `${found} not in ${[...expected]}`);
    }),
    { numRuns: 2000 },
  );
});

test("998 octets make a line; 999 are refused, however they are cut; the limit is the one given", () => {
  const message = (length: number) => Buffer.from(`Subject: x\r\n\r\n${"y".repeat(length)}\r\nend\r\n`);
  for (const cuts of [[], [20], [1011], [1012], [1013], [5, 500, 1012]]) {
    assert.equal(check(message(998), cuts), undefined, `998 cut at ${cuts}`);
    assert.equal(check(message(999), cuts), "long-line", `999 cut at ${cuts}`);
  }
  assert.equal(check(message(999), [], 5000), undefined);
  assert.equal(check(Buffer.from("a\r\n\0.\r\nb\r\n"), [3]), "nul");
});

test("the header block ends at the first empty line; fields are found by name, not in folded lines", () => {
  assert.equal(headerBlockEnd(Buffer.from("A: b\r\n\r\nbody")), 8);
  assert.equal(headerBlockEnd(Buffer.from("\r\nbody only")), 2);
  assert.equal(headerBlockEnd(Buffer.from("A: b\r\nstill headers")), -1);
  assert.equal(hasField("Subject: x\r\nmessage-id : <a@b>\r\n", "Message-ID"), true);
  assert.equal(hasField("Subject: see\r\n Date: folded\r\nX-Date: no\r\n", "Date"), false);
  const added = missingFields(
    "Subject: x\r\n",
    "mail.example.net",
    new Date(Date.UTC(2026, 10, 28, 11, 5, 9)),
  );
  assert.match(
    added,
    /^Message-ID: <[^@\s]+@mail\.example\.net>\r\nDate: Sat, 28 Nov 2026 11:05:09 \+0000\r\n$/,
  );
  assert.equal(missingFields("Date: x\r\nMessage-Id: <a@b>\r\n", "mail.example.net", new Date()), "");
});

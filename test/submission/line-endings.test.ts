import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { hasField, headerBlockEnd, missingFields } from "../../src/submission/headers.js";
import { BareLineEndingCheck } from "../../src/submission/line-endings.js";

/** Runs the check over `message` cut at `cuts`, as the DATA stream would deliver it. */
function bare(message: Buffer, cuts: number[]): boolean {
  const check = new BareLineEndingCheck();
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (check.push(message.subarray(from, cut))) return true;
    from = cut;
  }
  return check.push(message.subarray(from)) || check.end();
}

const line = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ""));
const crlfMessage = fc
  .array(line, { minLength: 1, maxLength: 10 })
  .map((lines) => Buffer.from(`${lines.join("\r\n")}\r\n`));

test("CRLF-only messages pass however they are chunked", () => {
  fc.assert(
    fc.property(crlfMessage, fc.array(fc.nat(300)), (message, cuts) => {
      assert.equal(
        bare(
          message,
          cuts.map((c) => c % (message.length + 1)),
        ),
        false,
      );
    }),
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
          bare(
            smuggled,
            cuts.map((c) => c % (smuggled.length + 1)),
          ),
          true,
        );
      },
    ),
  );
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

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { parseReport } from "../../src/complaints/index.js";
import { formatAddress } from "../../src/core/index.js";

const REPORT = readFileSync("test/fixtures/complaints/providers/aol-received-date-est.eml");

/** The message as an abuse desk forwards it: attached as message/rfc822, base64 or not. */
function forwarded(message: Buffer, level: number, base64: boolean): Buffer {
  const boundary = `fwd-${level}`;
  return Buffer.concat([
    Buffer.from(
      [
        `From: desk${level}@csirt.example`,
        `Subject: Fwd (${level})`,
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        "",
        `--${boundary}`,
        "Content-Type: text/plain",
        "",
        "Forwarded report below.",
        `--${boundary}`,
        "Content-Type: message/rfc822",
        ...(base64 ? ["Content-Transfer-Encoding: base64"] : []),
        "",
        "",
      ].join("\r\n"),
    ),
    base64 ? Buffer.from(message.toString("base64").replace(/.{76}/g, "$&\r\n")) : message,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

test("a report forwarded inside other messages is found and read as sent, down to a bound", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 6 }), async (encodings) => {
      const wrapped = encodings.reduce<Buffer>(
        (message, base64, level) => forwarded(message, level, base64),
        REPORT,
      );
      const result = await parseReport(wrapped, "message");
      // Each forward nests the report two MIME levels deeper; the search stops at eight.
      if (encodings.length > 4) {
        assert.ok(!result.ok);
        assert.match(result.reason, /^not an abuse report: multipart\/mixed/);
        return;
      }
      assert.ok(result.ok, result.ok ? "" : result.reason);
      const c = result.complaint;
      assert.deepEqual(
        [formatAddress(c.sourceIp), c.arrivalMs, c.timeRule, c.reporter, c.originalKey],
        [
          "203.0.113.11",
          Date.parse("2026-01-01T13:05:12Z"),
          "Received-Date",
          "scomp@aol.example",
          "message-id:20260101130512.5521@pc-bia.isp.example",
        ],
      );
    }),
    { numRuns: 60 },
  );
});

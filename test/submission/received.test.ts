import assert from "node:assert/strict";
import { test } from "node:test";
import { receivedField } from "../../src/submission/headers.js";

test("a HELO name with a bare CR or other control text cannot add a header line", () => {
  const field = receivedField({
    helo: "pc\rBcc: victim@example.org\u0000",
    clientAddress: "192.0.2.7",
    hostname: "mail.example.net",
    protocol: "ESMTPSA",
    id: "abc",
    username: "ana@example.net",
    recipients: ["bob@example.org"],
    date: new Date("2026-11-28T11:00:00Z"),
  });
  assert.doesNotMatch(field, /\r(?!\n)/);
  assert.equal(field.split("\r\n").filter((line) => line !== "" && !line.startsWith("\t")).length, 1);
  assert.match(field, /^Received: from pc\?Bcc:\?victim@example\.org\? \(unknown \[192\.0\.2\.7\]\)\r\n/);
  assert.match(
    field,
    /\tby mail\.example\.net \(porteiro\) with ESMTPSA id abc\r\n\tfor <bob@example\.org>; Sat, 28 Nov 2026 11:00:00 \+0000\r\n$/,
  );
});

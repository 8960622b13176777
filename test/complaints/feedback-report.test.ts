import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  parseFeedbackReport,
  parseRfc5322Date,
  type ReportField,
  splitFields,
} from "../../src/complaints/index.js";
import { formatAddress } from "../../src/core/index.js";

const REQUIRED = "Feedback-Type: abuse\r\nUser-Agent: ExampleFBL/2.1\r\nVersion: 1\r\n";

function reasonOf(text: string): string {
  const result = parseFeedbackReport(text);
  assert.equal(result.ok, false, "expected a rejection");
  return (result as { reason: string }).reason;
}

test("the RFC 5965 fields are read, folded lines unfolded, repeated fields kept in order", () => {
  const result = parseFeedbackReport(
    `${REQUIRED}Original-Rcpt-To: <a@example.org>\r\nOriginal-Rcpt-To: <b@example.org>\r\n` +
      "Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT\r\nSource-IP: [2001:db8::25]\r\nSource-Port: 2525\r\n" +
      "Incidents: 3\r\nAuthentication-Results: mx.example.com;\r\n\tspf=fail\r\nReported-Domain: example.net\r\n" +
      "X-Extension: kept\r\n\r\n",
  );
  assert.ok(result.ok);
  const r = result.report;
  assert.equal(r.feedbackType, "abuse");
  assert.equal(r.arrivalMs, Date.parse("2005-03-08T18:00:00Z"));
  assert.equal(r.sourceIp && formatAddress(r.sourceIp), "2001:db8::25");
  assert.equal(r.sourcePort, 2525);
  assert.equal(r.incidents, 3);
  assert.deepEqual(r.originalRcptTo, ["<a@example.org>", "<b@example.org>"]);
  assert.deepEqual(r.authenticationResults, ["mx.example.com;\tspf=fail"]);
  assert.deepEqual(r.reportedDomains, ["example.net"]);
  assert.equal(r.fields.at(-1)?.name, "X-Extension");
});

test("RFC 5965 §3.1: Feedback-Type, User-Agent and Version are required, once each", () => {
  assert.equal(reasonOf("User-Agent: x\nVersion: 1\n"), "feedback-report: no feedback-type");
  assert.equal(reasonOf("Feedback-Type: abuse\nVersion: 1\n"), "feedback-report: no user-agent");
  assert.equal(reasonOf("Feedback-Type: abuse\nUser-Agent: x\n"), "feedback-report: no version");
  assert.equal(
    reasonOf(`${REQUIRED}Feedback-Type: fraud\n`),
    "feedback-report: feedback-type appears more than once",
  );
  assert.equal(
    reasonOf(`${REQUIRED}Source-IP: 192.0.2.1\nSource-IP: 192.0.2.2\n`),
    "feedback-report: source-ip appears more than once",
  );
});

test("bad values are rejected with the field named", () => {
  assert.equal(
    reasonOf(`${REQUIRED}Arrival-Date: yesterday\n`),
    "feedback-report: arrival-date is not an RFC 5322 date",
  );
  assert.equal(
    reasonOf(`${REQUIRED}Arrival-Date: Mon, 30 Feb 2026 10:00:00 +0000\n`),
    "feedback-report: arrival-date is not an RFC 5322 date",
  );
  assert.equal(
    reasonOf(`${REQUIRED}Source-IP: mail.example.net\n`),
    "feedback-report: source-ip is not an IP address",
  );
  assert.equal(reasonOf(`${REQUIRED}Incidents: 0\n`), "feedback-report: incidents is not a positive integer");
  assert.equal(
    reasonOf(`${REQUIRED}Source-Port: 70000\n`),
    "feedback-report: source-port is not a port number",
  );
  assert.equal(
    reasonOf(" folded first\nFeedback-Type: abuse\n"),
    "feedback-report: line 1: a continuation line before any field",
  );
  assert.equal(reasonOf(`${REQUIRED}this is prose\n`), 'feedback-report: line 4: not a "Name: value" field');
});

test("Received-Date, the pre-RFC 5965 name, is read as Arrival-Date; the field that gave the time is said", () => {
  const result = parseFeedbackReport(`${REQUIRED}Received-Date: Wed, 22 Jan 2020 03:38:34 +0000\n`);
  assert.ok(result.ok);
  assert.equal(result.report.arrivalMs, Date.parse("2020-01-22T03:38:34Z"));
  assert.equal(result.report.arrivalField, "Received-Date");
  const arrival = parseFeedbackReport(`${REQUIRED}Arrival-Date: Wed, 22 Jan 2020 03:38:34 +0000\n`);
  assert.equal(arrival.ok && arrival.report.arrivalField, "Arrival-Date");
  const neither = parseFeedbackReport(REQUIRED);
  assert.deepEqual(
    neither.ok && [neither.report.arrivalMs, neither.report.arrivalField, neither.report.sourceIp],
    [null, null, null],
  );
});

test("RFC 5322 dates: numeric and obsolete zones, two-digit years, comments; impossible days refused", () => {
  assert.equal(parseRfc5322Date("Thu, 01 Jan 2026 08:30:00 -0300"), Date.parse("2026-01-01T11:30:00Z"));
  assert.equal(parseRfc5322Date("1 Jan 26 11:30 GMT"), Date.parse("2026-01-01T11:30:00Z"));
  assert.equal(parseRfc5322Date("Fri, 21 Nov 97 09:55:06 PST (Pacific)"), Date.parse("1997-11-21T17:55:06Z"));
  // Not RFC 5322, but how feedback loops write Arrival-Date and Received-Date.
  assert.equal(parseRfc5322Date("Thu, 01 Jan 2026 11:31:00 UTC"), Date.parse("2026-01-01T11:31:00Z"));
  assert.equal(parseRfc5322Date("Mon,  1 Jul 2013 14:37:29 -0400 (EDT)"), Date.parse("2013-07-01T18:37:29Z"));
  assert.equal(parseRfc5322Date("2026-01-01T11:30:00Z"), undefined);
  assert.equal(parseRfc5322Date("Thu, 31 Apr 2026 10:00:00 +0000"), undefined);
  assert.equal(parseRfc5322Date("Thu, 01 Jan 2026 25:00:00 +0000"), undefined);
});

const fieldName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/);
/** Printable values without leading or trailing blanks: what a generator writes and the parser gives back. */
const fieldValue = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019 .;:<>@=/-_\t"), maxLength: 60 })
  .map((v) => v.trim())
  .filter((v) => v !== "");

function render(fields: readonly ReportField[], fold: readonly boolean[], crlf: boolean): string {
  const eol = crlf ? "\r\n" : "\n";
  return fields
    .map((f, i) => {
      const space = f.value.indexOf(" ", 1);
      // Fold at a space, as RFC 5322 §2.2.3 allows: the space stays, now at the start of the next line.
      const value =
        fold[i] && space > 0 ? `${f.value.slice(0, space)}${eol}${f.value.slice(space)}` : f.value;
      return `${f.name}: ${value}${eol}`;
    })
    .join("");
}

test("fields rendered (folded or not, LF or CRLF) split back into the same fields", () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ name: fieldName, value: fieldValue }), { maxLength: 20 }),
      fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
      fc.boolean(),
      (fields, fold, crlf) => {
        // fc.record builds null-prototype objects: compare plain copies.
        assert.deepEqual(splitFields(render(fields, fold, crlf)), { fields: fields.map((f) => ({ ...f })) });
      },
    ),
    { numRuns: 500 },
  );
});

test("a valid report rendered with extra fields parses to the same values", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("abuse", "fraud", "virus", "other", "not-spam", "auth-failure"),
      fieldValue,
      fc.ipV4(),
      fc.integer({ min: Date.parse("1990-01-01T00:00:00Z"), max: Date.parse("2090-01-01T00:00:00Z") }),
      fc.array(fc.record({ name: fieldName.map((n) => `X-${n}`), value: fieldValue }), { maxLength: 5 }),
      // Zones as generators write UTC.
      fc.constantFrom("GMT", "UTC", "+0000", "-0000 (UTC)"),
      (type, agent, ip, ms, extra, zone) => {
        const seconds = Math.floor(ms / 1000) * 1000;
        const fields = [
          { name: "Feedback-Type", value: type },
          { name: "User-Agent", value: agent },
          { name: "Version", value: "1" },
          { name: "Arrival-Date", value: new Date(seconds).toUTCString().replace("GMT", zone) },
          { name: "Source-IP", value: ip },
          ...extra.map((f) => ({ ...f })),
        ];
        const result = parseFeedbackReport(render(fields, [], true));
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.report.feedbackType, type);
        assert.equal(result.report.userAgent, agent);
        assert.equal(result.report.arrivalMs, seconds);
        assert.equal(result.report.sourceIp && formatAddress(result.report.sourceIp), ip);
        assert.deepEqual(result.report.fields, fields);
      },
    ),
    { numRuns: 300 },
  );
});

test("random bytes never throw: they parse or are rejected with a reason", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
      (input) => {
        const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
        const result = parseFeedbackReport(text);
        if (!result.ok) assert.match(result.reason, /^feedback-report: /);
      },
    ),
    { numRuns: 1000 },
  );
});

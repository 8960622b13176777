import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { type ParsedComplaint, parseReport, SOURCE_RULES, TIME_RULES } from "../../src/complaints/index.js";
import { formatAddress } from "../../src/core/index.js";

const FIXTURES = "test/fixtures/complaints";

async function parsed(file: string): Promise<ParsedComplaint> {
  const result = await parseReport(
    readFileSync(`${FIXTURES}/${file}`),
    file.endsWith(".json") ? "json" : "message",
  );
  assert.ok(result.ok, result.ok ? "" : result.reason);
  return result.complaint;
}

async function reason(bytes: Buffer | string, kind: "message" | "json" = "message"): Promise<string> {
  const result = await parseReport(Buffer.from(bytes), kind);
  assert.equal(result.ok, false);
  return (result as { reason: string }).reason;
}

test("RFC 5965 B.2 (every field) is read; its original has no Message-ID in its headers, so the headers identify it", async () => {
  const c = await parsed("rfc5965-b2-complete.eml");
  assert.equal(c.format, "arf");
  assert.equal(c.feedbackType, "abuse");
  assert.equal(formatAddress(c.sourceIp), "192.0.2.1");
  assert.equal(new Date(c.arrivalMs).toISOString(), "2005-03-08T18:00:00.000Z");
  assert.equal(c.reportedDomain, "example.net");
  assert.equal(c.originalMailFrom, "<somespammer@example.net>");
  assert.equal(c.reportingMta, "dns; mail.example.com");
  assert.equal(c.reporter, "abusedesk@example.com");
  // The RFC's example has an empty line after Received:, which ends the original's header block.
  assert.equal(c.originalMessageId, null);
  assert.match(c.originalKey, /^headers:[0-9a-f]{64}$/);
  assert.deepEqual(
    c.fields.filter((f) => f.name === "Reported-Uri").map((f) => f.value),
    ["http://example.net/earn_money.html", "mailto:user@example.com"],
  );
});

test("RFC 5965 B.1 (the required fields only): source and time from the original's Received:", async () => {
  const c = await parsed("rfc5965-b1-simple.eml");
  assert.equal(formatAddress(c.sourceIp), "192.0.2.1");
  assert.equal(c.sourceRule, "Received");
  assert.equal(new Date(c.arrivalMs).toISOString(), "2005-03-08T18:00:00.000Z");
  assert.equal(c.timeRule, "Received");
  assert.equal(c.originalKey, "message-id:8787KJKJ3K4J3K4J3K4J3.mail@example.net");
});

test("an IPv6 report with text/rfc822-headers: Message-ID, encoded subject, port and incidents", async () => {
  const c = await parsed("arf-ipv6-headers-only.eml");
  assert.equal(formatAddress(c.sourceIp), "2001:db8:1:1ab::5");
  assert.equal(c.sourcePort, 51234);
  assert.equal(c.incidents, 2);
  assert.equal(new Date(c.arrivalMs).toISOString(), "2026-01-01T11:30:00.000Z");
  assert.equal(c.subject, "Ofertas imperdíveis");
  assert.equal(c.originalKey, "message-id:20260106115950.4242@pc-ana.example.com");
  assert.equal(c.originalRcptTo, "<alice@example.org>");
  const other = await parsed("arf-ipv6-same-message.eml");
  assert.equal(other.originalKey, c.originalKey);
});

test("X-ARF v4: a JSON file, and a mail carrying the JSON as an attachment", async () => {
  const json = await parsed("xarf4-spam.json");
  assert.equal(json.format, "xarf");
  assert.equal(json.feedbackType, "messaging/spam");
  assert.equal(formatAddress(json.sourceIp), "198.51.100.23");
  assert.equal(json.arrivalMs, Date.parse("2026-01-12T10:00:00Z"));
  assert.equal(json.originalKey, "message-id:watch-0042@example.com", "from the message/rfc822 evidence");
  assert.equal(json.reporter, "abuse@example.net");
  assert.ok(!json.fields.some((f) => f.name === "_internal"));
  const mail = await parsed("xarf4-mail.eml");
  assert.equal(formatAddress(mail.sourceIp), "203.0.113.77");
  assert.equal(mail.originalKey, "message-id:loan-77@example.org");
  assert.equal(mail.reportedDomain, "example.org");
});

test("legacy X-ARF mail (X-XARF: PLAIN): Source with Source-Type ipv4, Date in RFC 5322 form", async () => {
  const c = await parsed("xarf-legacy-login.eml");
  assert.equal(c.feedbackType, "abuse/login-attack");
  assert.equal(formatAddress(c.sourceIp), "192.0.2.200");
  assert.equal(c.arrivalMs, Date.parse("2026-01-10T02:14:15Z"));
  assert.equal(c.sourcePort, 587);
  assert.equal(c.originalKey, "report:20260110-0001");
});

test("reports shaped as mailbox providers send them: the source and time, and which rule gave each", async () => {
  const shapes: Record<string, [string, number | null, string, string, string, string | null]> = {
    // No Source-IP; the address the provider added as X-Originating-IP, the time in Received-Date.
    "yahoo-no-source-ip.eml": [
      "203.0.113.10",
      null,
      "X-Originating-IP",
      "2026-01-01T11:40:10.000Z",
      "Received-Date",
      "feedback@arf.mail.yahoo.example",
    ],
    // Received-Date with a named zone and a comment; Redacted-Address fields kept.
    "aol-received-date-est.eml": [
      "203.0.113.11",
      null,
      "Source-IP",
      "2026-01-01T13:05:12.000Z",
      "Received-Date",
      "scomp@aol.example",
    ],
    // "Source-Ip", fields in any order, an Arrival-Date in UTC.
    "returnpath-arrival-utc.eml": [
      "203.0.113.11",
      null,
      "Source-IP",
      "2026-01-01T11:31:00.000Z",
      "Arrival-Date",
      "feedbackloop@comcastfbl.returnpath.example",
    ],
    // Forwarded by a CSIRT inside message/rfc822: the inner report's reporter; no Arrival-Date, the
    // time of the first Received: from outside the partner (its internal hop has a private address).
    "forwarded-report.eml": [
      "203.0.113.11",
      null,
      "Source-IP",
      "2026-01-01T14:20:05.000Z",
      "Received",
      "arf@mail.partner.example",
    ],
    // The original's headers in a nested multipart, as text/rfc822-header (singular).
    "nested-original-headers.eml": [
      "203.0.113.10",
      null,
      "Source-IP",
      "2026-01-01T13:30:00.000Z",
      "Arrival-Date",
      "fbl@mx.webmail.example",
    ],
    // No date anywhere but the report's own Date.
    "no-arrival-date.eml": [
      "203.0.113.11",
      null,
      "Source-IP",
      "2026-01-01T15:00:00.000Z",
      "Date",
      "reports@trap.example",
    ],
    // Legacy X-ARF with a Date in UTC.
    "xarf-date-utc.eml": [
      "203.0.113.11",
      587,
      "Source",
      "2026-01-01T16:00:00.000Z",
      "Date",
      "reports@honeypot.example",
    ],
  };
  for (const [file, [source, port, sourceRule, time, timeRule, reporter]] of Object.entries(shapes)) {
    const c = await parsed(`providers/${file}`);
    assert.deepEqual(
      [
        formatAddress(c.sourceIp),
        c.sourcePort,
        c.sourceRule,
        new Date(c.arrivalMs).toISOString(),
        c.timeRule,
        c.reporter,
      ],
      [source, port, sourceRule, time, timeRule, reporter],
      file,
    );
  }
  const yahoo = await parsed("providers/yahoo-no-source-ip.eml");
  assert.equal(yahoo.subject, "Promoção de verão");
  assert.equal(yahoo.originalKey, "message-id:20260101114002.77@pc-ana.isp.example");
  const aol = await parsed("providers/aol-received-date-est.eml");
  assert.deepEqual(
    aol.fields.filter((f) => f.name === "Redacted-Address").map((f) => f.value),
    ["redacted", "redacted@"],
  );
  // Exim records the client's port: the trace gives it with the address.
  const exim = await parsed("cgnat/exim-trace-port.eml");
  assert.deepEqual(
    [formatAddress(exim.sourceIp), exim.sourcePort, exim.sourceRule],
    ["203.0.113.200", 5500, "Received"],
  );
});

test("what is not a report stays refused, and so is a report no rule gives a source for", async () => {
  assert.equal(
    await reason(readFileSync(`${FIXTURES}/providers/delivery-status.eml`)),
    "not an abuse report: multipart/report; report-type=delivery-status, not multipart/report; report-type=feedback-report or X-ARF",
  );
  // Without Source-IP, a trace of internal hops names no source.
  const sourceless = readFileSync(`${FIXTURES}/providers/no-arrival-date.eml`, "utf8").replace(
    "Source-IP: 203.0.113.11\n",
    "",
  );
  assert.equal(
    await reason(sourceless),
    "no source address: no Source-IP, and no X-Originating-IP or Received: from outside the reporter in the original",
  );
  // A Source-Port without a Source-IP is not a source either.
  assert.equal(
    await reason(sourceless.replace("Version: 1\n", "Version: 1\nSource-Port: 25\n")),
    "no source address: no Source-IP, and no X-Originating-IP or Received: from outside the reporter in the original",
  );
});

test("malformed reports are rejected with a one-line reason", async () => {
  const fixture = (name: string) => readFileSync(`${FIXTURES}/${name}`);
  assert.equal(
    await reason(fixture("bad-arrival-date.eml")),
    "feedback-report: arrival-date is not an RFC 5322 date",
  );
  assert.equal(await reason(fixture("no-feedback-part.eml")), "no message/feedback-report part");
  assert.match(await reason(fixture("not-arf.eml")), /^not an abuse report: text\/plain/);
  assert.equal(await reason('{ "xarf_version": "4.0.0", ', "json"), "not valid JSON");
  assert.equal(
    await reason('{"Version": "3"}', "json"),
    "JSON but not an X-ARF v4 report (no xarf_version 4.x)",
  );
  const noSource = JSON.parse(fixture("xarf4-spam.json").toString());
  noSource.source_identifier = "spam.example.com";
  assert.equal(
    await reason(JSON.stringify(noSource), "json"),
    "X-ARF: source_identifier is missing or not an IP address",
  );
  const withoutOriginal = fixture("rfc5965-b2-complete.eml")
    .toString()
    .replace(
      /--part1_13d.2e68ed54_boundary\nContent-Type: message\/rfc822[\s\S]*$/,
      "--part1_13d.2e68ed54_boundary--\n",
    );
  assert.equal(
    await reason(withoutOriginal),
    "no original message part (message/rfc822 or text/rfc822-headers)",
  );
});

test("random bytes, as a message or as JSON, never throw", async () => {
  const valid = readFileSync(`${FIXTURES}/rfc5965-b2-complete.eml`);
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
        fc
          .tuple(fc.nat({ max: valid.length }), fc.uint8Array({ maxLength: 40 }))
          .map(([at, junk]) =>
            Buffer.concat([valid.subarray(0, at), Buffer.from(junk), valid.subarray(at + junk.length)]),
          ),
      ),
      fc.constantFrom("message" as const, "json" as const),
      async (bytes, kind) => {
        const result = await parseReport(bytes, kind);
        if (!result.ok) assert.ok(result.reason.length > 0 && !result.reason.includes("\n"));
        // The store refuses rules it does not know.
        else
          assert.ok(
            SOURCE_RULES.includes(result.complaint.sourceRule) &&
              TIME_RULES.includes(result.complaint.timeRule),
          );
      },
    ),
    { numRuns: 200 },
  );
});

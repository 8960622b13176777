import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { isPublic, orgDomain, readHop, readTrace } from "../../src/complaints/trace.js";
import { type Address, formatAddress, parseAddress } from "../../src/core/index.js";

const hop = (value: string) => {
  const h = readHop(value);
  return [h.address && formatAddress(h.address), h.port, h.reverseName, h.byHost, h.dateMs];
};
const at = (iso: string) => Date.parse(iso);

test("Received: fields as MTAs write them give the client address, never the HELO", () => {
  const date = "Thu, 01 Jan 2026 11:40:10 +0000";
  const ms = at("2026-01-01T11:40:10Z");
  for (const [value, expected] of [
    // Postfix: HELO, then (reverse name [address]).
    [
      `from pc.isp.example (pc.isp.example [203.0.113.10]) by mx.example.org (Postfix); ${date}`,
      ["203.0.113.10", null, "pc.isp.example", "mx.example.org", ms],
    ],
    // Postfix when the reverse name does not resolve back.
    [
      `from helo.example (unknown [203.0.113.10]) by mx.example.org; ${date}`,
      ["203.0.113.10", null, null, "mx.example.org", ms],
    ],
    // Yahoo's inbound proxy: "from 127.0.0.1", the client in the last parentheses.
    [
      `from 127.0.0.1  (EHLO pc.isp.example) (203.0.113.10)\n  by mta1.mail.yahoo.example with SMTP; ${date}`,
      ["203.0.113.10", null, null, "mta1.mail.yahoo.example", ms],
    ],
    // qmail with an address literal as HELO: the literal is the client's claim, not its address.
    [
      `from unknown (HELO [192.168.1.10]) (203.0.113.10) by mx.example.org; ${date}`,
      ["203.0.113.10", null, null, "mx.example.org", ms],
    ],
    // Exim: [address]:port, or [address:port].
    [
      `from pc.isp.example ([203.0.113.10]:51234 helo=notebook) by mx.example.net with esmtp (Exim 4.97); ${date}`,
      ["203.0.113.10", 51234, null, "mx.example.net", ms],
    ],
    [
      `from [203.0.113.10] ([203.0.113.10:2222] helo=pc) by mx.example.net with ESMTPS; ${date}`,
      ["203.0.113.10", 2222, null, "mx.example.net", ms],
    ],
    // cPanel's Exim: the port as port=, the HELO an address literal to be ignored.
    [
      `from [203.0.113.10] (port=56789 helo=[192.168.1.10]) by srv.example.com with esmtpsa; ${date}`,
      ["203.0.113.10", 56789, null, "srv.example.com", ms],
    ],
    // Exchange Online: a bare IPv6 address in parentheses.
    [
      `from AB1PR01.prod.outlook.example (2001:db8:10::12) by CD2PR02.prod.outlook.example with HTTPS; ${date}`,
      ["2001:db8:10::12", null, null, "CD2PR02.prod.outlook.example", ms],
    ],
    // Gmail's trailing dot, sendmail's nested comment, IPv6 tagged literals, IPv4-mapped addresses.
    [
      `from pc (pc.isp.example. [203.0.113.10]) by mx.example.com with ESMTPS id x for <a@example.com>; ${date}`,
      ["203.0.113.10", null, "pc.isp.example", "mx.example.com", ms],
    ],
    [
      `from pc.isp.example (pc.isp.example [203.0.113.10] (may be forged)) by mx.example.com (8.17.1/8.17.1); ${date}`,
      ["203.0.113.10", null, "pc.isp.example", "mx.example.com", ms],
    ],
    [
      `from pc.isp.example (pc.isp.example [IPv6:2001:db8::25]) by mx.example.com; ${date}`,
      ["2001:db8::25", null, "pc.isp.example", "mx.example.com", ms],
    ],
    [
      `from pc ([::ffff:203.0.113.10]) by lmtp.example.com; ${date}`,
      ["203.0.113.10", null, null, "lmtp.example.com", ms],
    ],
    // Local hand-offs name no client.
    [`by 192.0.2.25 with SMTP id fffff; ${date}`, [null, null, null, "192.0.2.25", ms]],
    ["(qmail 4411 invoked by uid 910); 1 Jan 2026 11:40:10 -0000", [null, null, null, null, ms]],
  ] as const) {
    assert.deepEqual(hop(value), expected, value);
  }
});

test("the trace stops at the first hop from outside the reporter", () => {
  const headers = [
    "X-Apparently-To: carla@yahoo.example; Thu, 01 Jan 2026 11:40:11 +0000",
    // The reporter's own hops: a private address, and a reverse name in its domain.
    "Received: from in7.mail.yahoo.example (in7-int.mail.yahoo.example [10.4.0.7]) by store3.mail.yahoo.example; Thu, 01 Jan 2026 11:40:11 +0000",
    "Received: from edge2 (edge2.mail.yahoo.example [198.51.100.7]) by in7.mail.yahoo.example; Thu, 01 Jan 2026 11:40:10 +0000",
    // The boundary: the sender claims to be Yahoo in HELO, which changes nothing.
    "Received: from mta5.mail.yahoo.example (unknown [203.0.113.50]) by edge2.mail.yahoo.example; Thu, 01 Jan 2026 11:40:09 +0000",
    // Below: the sender's side, which it writes as it likes.
    "X-Originating-IP: [203.0.113.77]",
    "Received: from x ([203.0.113.77]) by mta5.mail.yahoo.example; Thu, 01 Jan 2026 11:40:00 +0000",
    "From: someone@isp.example",
  ].join("\r\n");
  const trace = readTrace(headers, ["arf.mail.yahoo.example"]);
  assert.deepEqual(trace.source && [formatAddress(trace.source.address), trace.source.rule], [
    "203.0.113.50",
    "Received",
  ]);
  assert.equal(trace.receivedMs, at("2026-01-01T11:40:09Z"));

  // An X-Originating-IP the reporter added above the boundary names the source; the time is the boundary's.
  const yahoo = readTrace(`X-Originating-IP: [203.0.113.10]\r\n${headers}`, ["arf.mail.yahoo.example"]);
  assert.deepEqual(yahoo.source && [formatAddress(yahoo.source.address), yahoo.source.rule], [
    "203.0.113.10",
    "X-Originating-IP",
  ]);
  assert.equal(yahoo.receivedMs, at("2026-01-01T11:40:09Z"));

  // The reporter's hops name it as `by` host: its domain is known without being told.
  const untold = readTrace(headers, []);
  assert.equal(untold.source && formatAddress(untold.source.address), "203.0.113.50");
  // With its top hops cut away, the first one left still names the reporter as `by` host.
  const cut = readTrace(headers.split("\r\n").slice(2).join("\r\n"), []);
  assert.equal(cut.source && formatAddress(cut.source.address), "203.0.113.50");

  // Only internal hops: no source, no time.
  assert.deepEqual(
    readTrace(
      "Received: from localhost (localhost [127.0.0.1]) by trap.example; Thu, 01 Jan 2026 14:55:00 +0000",
      [],
    ),
    {
      source: null,
      receivedMs: null,
    },
  );
});

test("what counts as public, and a host's registered domain", () => {
  for (const text of [
    "10.1.2.3",
    "100.64.0.10",
    "127.0.0.1",
    "169.254.1.1",
    "172.20.0.1",
    "192.168.0.1",
    "::1",
    "fd00::1",
    "fe80::1",
  ]) {
    assert.equal(isPublic(parseAddress(text)), false, text);
  }
  for (const text of ["203.0.113.10", "198.51.100.7", "2001:db8::1", "8.8.8.8"])
    assert.equal(isPublic(parseAddress(text)), true, text);
  assert.equal(orgDomain("mta1234.mail.gq1.yahoo.example"), "yahoo.example");
  assert.equal(orgDomain("mx.uol.com.br"), "uol.com.br");
  assert.equal(orgDomain("smtp.isp.co.uk."), "isp.co.uk");
  assert.equal(orgDomain("example"), "example");
});

const publicV4 = fc
  .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.nat(255))
  .map(([a, b, c, d]): Address => ({ family: 4, value: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0 }))
  .filter(isPublic);
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);

test("a Received: written by Postfix or Exim reads back its address, port and date", () => {
  fc.assert(
    fc.property(
      publicV4,
      fc.option(fc.integer({ min: 1, max: 65535 })),
      fc.array(dnsLabel, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 946_684_800, max: 4_102_444_800 }),
      (address, port, labels, seconds) => {
        const name = `${labels.join(".")}.example`;
        const date = new Date(seconds * 1000).toUTCString().replace("GMT", "+0000");
        const client =
          port === null
            ? `${name} [${formatAddress(address)}]`
            : `[${formatAddress(address)}]:${port} helo=${name}`;
        const h = readHop(`from ${name} (${client})\r\n\tby mx.example.org with ESMTP id 1; ${date}`);
        assert.equal(h.address && formatAddress(h.address), formatAddress(address));
        assert.equal(h.port, port);
        assert.equal(h.reverseName, port === null ? name : null);
        assert.equal(h.dateMs, seconds * 1000);
      },
    ),
    { numRuns: 300 },
  );
});

test("any text as a header block or a Received: never throws", () => {
  const piece = fc.constantFrom(
    "from ",
    "by ",
    "(",
    ")",
    "[",
    "]",
    ";",
    "\r\n ",
    "X-Originating-IP: ",
    "Received: ",
    "203.0.113.9",
    "::1",
    "helo=",
    ":25",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(piece, { maxLength: 40 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), (value, hosts) => {
      readHop(value);
      const trace = readTrace(value, hosts);
      if (trace.source) assert.ok(isPublic(trace.source.address));
    }),
    { numRuns: 500 },
  );
});

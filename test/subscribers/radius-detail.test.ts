import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { formatAddress } from "../../src/core/index.js";
import { parseRadiusDetail } from "../../src/subscribers/index.js";
import {
  collect,
  ctime,
  errorsOf,
  eventTimestamp,
  instant,
  ipv4,
  leasesOf,
  quote,
  subscriberText,
} from "./render.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/leases/${name}`, import.meta.url), "utf8").split("\n");
const ms = (iso: string) => Date.parse(iso);

test("a detail file's Start, Interim-Update and Stop make one lease per address, open when never stopped", async () => {
  const events = await collect(parseRadiusDetail(fixture("detail-20260101")));
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(
    events.flatMap((e) =>
      "lease" in e
        ? [
            [
              formatAddress(e.lease.address),
              e.lease.prefixLength,
              e.lease.subscriber,
              e.lease.startMs,
              e.lease.endMs,
            ],
          ]
        : [],
    ),
    [
      ["203.0.113.10", 32, "ana@isp.example", ms("2026-01-01T10:00:00Z"), ms("2026-01-01T12:30:00Z")],
      ["2001:db8:1:100::", 56, "ana@isp.example", ms("2026-01-01T10:00:00Z"), ms("2026-01-01T12:30:00Z")],
      ["203.0.113.11", 32, "bia@isp.example", ms("2026-01-01T10:05:00Z"), null],
      // Event-Timestamp "10:00:00 -03" is 13:00 UTC.
      ["203.0.113.10", 32, "caio@isp.example", ms("2026-01-01T13:00:00Z"), null],
    ],
  );
});

test("--subscriber-attribute picks another attribute as the subscriber", async () => {
  const events = await collect(
    parseRadiusDetail(fixture("detail-20260101"), { subscriberAttribute: "Calling-Station-Id" }),
  );
  const subscribers = events.flatMap((e) => ("lease" in e ? [e.lease.subscriber] : []));
  assert.deepEqual(subscribers.slice(0, 3), ["00:16:3e:12:34:56", "00:16:3e:12:34:56", "00:16:3e:ab:cd:ef"]);
  assert.match(errorsOf(events).join("\n"), /^\d+: record has no Calling-Station-Id$/);
});

test("malformed records are reported at their line and skipped; the good ones are kept", async () => {
  const events = await collect(parseRadiusDetail(fixture("detail-malformed")));
  assert.deepEqual(errorsOf(events), [
    '5: Framed-IP-Address: "203.0.113.300" is not an IPv4 address',
    "8: record has no User-Name",
    '17: time zone "BRT" is ambiguous; have FreeRADIUS write UTC or a numeric offset such as -03',
    '21: expected "Attribute = value", got "this line is not an attribute"',
    '24: expected a record\'s timestamp line such as "Thu Jan  1 10:00:00 2026", got "Jan  1 10:04:00 2026 garbage"',
  ]);
  assert.equal(leasesOf(events).length, 1);
});

test("a Stop whose Start was in an earlier file starts Acct-Session-Time before it", async () => {
  const events = await collect(
    parseRadiusDetail([
      "Thu Jan  1 12:30:00 2026",
      "\tAcct-Status-Type = Stop",
      '\tUser-Name = "ana@isp.example"',
      "\tFramed-IP-Address = 203.0.113.10",
      '\tAcct-Session-Id = "81000001"',
      "\tAcct-Session-Time = 9000",
      "\tTimestamp = 1767270600",
      "",
      "Thu Jan  1 12:31:00 2026",
      "\tAcct-Status-Type = Stop",
      '\tUser-Name = "bia@isp.example"',
      "\tFramed-IP-Address = 203.0.113.11",
      '\tAcct-Session-Id = "81000002"',
    ]),
  );
  assert.deepEqual(leasesOf(events), [
    JSON.stringify([
      "203.0.113.10",
      32,
      "ana@isp.example",
      ms("2026-01-01T10:00:00Z"),
      ms("2026-01-01T12:30:00Z"),
    ]),
  ]);
  assert.deepEqual(errorsOf(events), [
    "9: Stop of a session not started in this file, without Acct-Session-Time",
  ]);
});

const session = fc.record({
  address: ipv4,
  subscriber: subscriberText,
  startMs: instant,
  seconds: fc.option(fc.nat({ max: 30 * 86_400 })),
  epochTimes: fc.boolean(),
  withInterim: fc.boolean(),
});

test("sessions rendered as a detail file read back as the same leases", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(session, { maxLength: 20 }), async (sessions) => {
      const lines: string[] = [];
      const record = (
        i: number,
        status: string,
        atMs: number,
        extra: string[],
        s: (typeof sessions)[number],
      ) => {
        const stamp = s.epochTimes ? `${atMs / 1000}` : eventTimestamp(atMs);
        lines.push(
          ctime(atMs),
          `\tAcct-Session-Id = "${i.toString(16)}"`,
          `\tAcct-Status-Type = ${status}`,
          `\tUser-Name = ${quote(s.subscriber)}`,
          "\tNAS-IP-Address = 198.51.100.1",
          `\tFramed-IP-Address = ${formatAddress(s.address)}`,
          `\tEvent-Timestamp = ${stamp}`,
          ...extra,
          "",
        );
      };
      sessions.forEach((s, i) => {
        record(i, "Start", s.startMs, [], s);
      });
      sessions.forEach((s, i) => {
        if (s.withInterim) record(i, "Interim-Update", s.startMs + 60_000, ["\tAcct-Session-Time = 60"], s);
      });
      sessions.forEach((s, i) => {
        if (s.seconds !== null)
          record(i, "Stop", s.startMs + s.seconds * 1000, [`\tAcct-Session-Time = ${s.seconds}`], s);
      });
      const events = await collect(parseRadiusDetail(lines));
      assert.deepEqual(errorsOf(events), []);
      const expected = sessions.map((s) =>
        JSON.stringify([
          formatAddress(s.address),
          32,
          s.subscriber,
          s.startMs,
          s.seconds === null ? null : s.startMs + s.seconds * 1000,
        ]),
      );
      assert.deepEqual(leasesOf(events), expected.sort());
    }),
    { numRuns: 200 },
  );
});

test("random or damaged input never throws; every problem is a line diagnostic", async () => {
  const valid = fixture("detail-20260101");
  const damaged = fc
    .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.string({ unit: "binary", maxLength: 40 })), {
      maxLength: 8,
    })
    .map((edits) => {
      const lines = [...valid];
      for (const [at, text] of edits) lines[at] = text;
      return lines;
    });
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(damaged, fc.array(fc.string({ unit: "binary", maxLength: 60 }), { maxLength: 30 })),
      async (lines) => {
        for (const event of await collect(parseRadiusDetail(lines))) {
          if ("error" in event) assert.ok(event.error.line >= 1 && event.error.line <= lines.length);
        }
      },
    ),
    { numRuns: 300 },
  );
});

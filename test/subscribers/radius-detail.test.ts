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

/** Record `i` of a session as FreeRADIUS writes it: header line, attributes, blank line. */
function sessionRecord(
  i: number,
  status: string,
  atMs: number,
  subscriber: string,
  attributes: readonly string[],
): string[] {
  return [
    ctime(atMs),
    `\tAcct-Session-Id = "${i.toString(16)}"`,
    `\tAcct-Status-Type = ${status}`,
    `\tUser-Name = ${quote(subscriber)}`,
    "\tNAS-IP-Address = 198.51.100.1",
    ...attributes,
    "",
  ];
}

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
        const where = `\tFramed-IP-Address = ${formatAddress(s.address)}`;
        lines.push(
          ...sessionRecord(i, status, atMs, s.subscriber, [where, `\tEvent-Timestamp = ${stamp}`, ...extra]),
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

const held = (address: string, subscriber: string, from: string, to: string | null, ports?: string) =>
  JSON.stringify([address, 32, subscriber, ms(from), to === null ? null : ms(to), ...(ports ? [ports] : [])]);

test("Nokia Alc-Nat-Port-Range: each block is a lease of the public address; a block left out of an Interim is released", async () => {
  const events = await collect(parseRadiusDetail(fixture("detail-cgnat-nokia")));
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(
    leasesOf(events),
    [
      held("100.64.0.10", "dani@isp.example", "2026-01-20T10:00:00Z", null),
      held("100.64.0.11", "edu@isp.example", "2026-01-20T10:02:00Z", "2026-01-20T12:00:00Z"),
      held("100.64.0.12", "fabi@isp.example", "2026-01-20T12:30:00Z", null),
      held("203.0.113.200", "dani@isp.example", "2026-01-20T10:00:00Z", null, "1024-2047"),
      // The Interim of 11:00 lists a second block.
      held("203.0.113.200", "dani@isp.example", "2026-01-20T11:00:00Z", null, "5120-6143"),
      held("203.0.113.200", "edu@isp.example", "2026-01-20T10:02:00Z", "2026-01-20T12:00:00Z", "2048-3071"),
      held("203.0.113.200", "fabi@isp.example", "2026-01-20T12:30:00Z", null, "2048-3071"),
    ].sort(),
  );
});

test("Huawei-NAT-*: Port-Range-Update 0 adds a block, 1 releases it; Stop ends the rest", async () => {
  const events = await collect(parseRadiusDetail(fixture("detail-cgnat-huawei")));
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(
    leasesOf(events).filter((l) => l.includes("203.0.113.201")),
    [
      held("203.0.113.201", "gil@isp.example", "2026-01-20T09:00:00Z", null, "4096-5119"),
      held("203.0.113.201", "gil@isp.example", "2026-01-20T10:15:00Z", "2026-01-20T11:45:00Z", "6144-7167"),
      held("203.0.113.201", "hana@isp.example", "2026-01-20T09:30:00Z", "2026-01-20T13:00:00Z", "5120-6143"),
    ],
  );
});

/** A record of a BNG writing RFC 8045 IP-Port-Range, as FreeRADIUS 3 flattens the TLV. */
function rfc8045(time: string, status: string, blocks: string[], extra: string[] = []): string[] {
  const s = Date.parse(time) / 1000;
  return [
    ctime(Date.parse(time)),
    `\tAcct-Status-Type = ${status}`,
    '\tUser-Name = "ivo@isp.example"',
    "\tNAS-IP-Address = 198.51.100.4",
    '\tAcct-Session-Id = "bng4-000042"',
    "\tFramed-IP-Address = 100.64.2.30",
    ...blocks,
    ...extra,
    `\tTimestamp = ${s}`,
    "",
  ];
}

test("RFC 8045 IP-Port-Range: blocks pair their attributes in order; Alloc 2 releases one", async () => {
  const events = await collect(
    parseRadiusDetail([
      ...rfc8045("2026-01-20T08:00:00Z", "Start", [
        "\tIP-Port-Range-Ext-IPv4-Addr = 203.0.113.202",
        "\tIP-Port-Range-Range-Start = 10240",
        "\tIP-Port-Range-Range-End = 10751",
        "\tIP-Port-Range-Ext-IPv4-Addr = 203.0.113.202",
        "\tIP-Port-Range-Range-Start = 10752",
        "\tIP-Port-Range-Range-End = 11263",
      ]),
      ...rfc8045("2026-01-20T09:00:00Z", "Interim-Update", [
        "\tIP-Port-Range-Ext-IPv4-Addr = 203.0.113.202",
        "\tIP-Port-Range-Range-Start = 10752",
        "\tIP-Port-Range-Range-End = 11263",
        "\tIP-Port-Range-Alloc = 2",
      ]),
    ]),
  );
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(leasesOf(events), [
    held("100.64.2.30", "ivo@isp.example", "2026-01-20T08:00:00Z", null),
    held("203.0.113.202", "ivo@isp.example", "2026-01-20T08:00:00Z", "2026-01-20T09:00:00Z", "10752-11263"),
    held("203.0.113.202", "ivo@isp.example", "2026-01-20T08:00:00Z", null, "10240-10751"),
  ]);
});

test("malformed port blocks are reported at their line and their record skipped", async () => {
  const bad = (attributes: string[]) => rfc8045("2026-01-20T08:00:00Z", "Start", attributes);
  const events = await collect(
    parseRadiusDetail([
      ...bad(['\tAlc-Nat-Port-Range = "203.0.113.200 router base"']),
      ...bad(['\tAlc-Nat-Port-Range = "203.0.113.200 3000-2000 router base"']),
      ...bad(['\tHuawei-NAT-Public-Address = "203.0.113.201"', '\tHuawei-NAT-Start-Port = "4096"']),
      ...bad([
        '\tHuawei-NAT-Public-Address = "203.0.113.201"',
        '\tHuawei-NAT-Start-Port = "4096"',
        '\tHuawei-NAT-End-Port = "70000"',
      ]),
      ...bad([
        "\tIP-Port-Range-Ext-IPv4-Addr = 203.0.113.300",
        "\tIP-Port-Range-Range-Start = 1",
        "\tIP-Port-Range-Range-End = 2",
      ]),
    ]),
  );
  assert.deepEqual(errorsOf(events), [
    '7: Alc-Nat-Port-Range "203.0.113.200 router base" is not "<address> <first>-<last>[,<first>-<last>…] <routing instance>"',
    "16: Alc-Nat-Port-Range: port block 3000-2000 ends before it starts",
    "25: Huawei-NAT-Public-Address, Huawei-NAT-Start-Port, Huawei-NAT-End-Port must come together, one of each per port block",
    '37: Huawei-NAT-End-Port "70000" is not a port number',
    '46: IP-Port-Range-Ext-IPv4-Addr: "203.0.113.300" is not an IPv4 address',
  ]);
  assert.deepEqual(leasesOf(events), []);
});

const shapes = ["nokia", "huawei", "rfc8045"] as const;
const blockSession = fc.record({
  address: ipv4,
  subscriber: subscriberText,
  startMs: instant,
  first: fc.nat({ max: 65535 }),
  size: fc.nat({ max: 4095 }),
  shape: fc.constantFrom(...shapes),
  // Seconds into the session when an Interim releases the block (Nokia: lists none left).
  releasedAfter: fc.option(fc.integer({ min: 1, max: 86_400 })),
});

function blockAttributes(
  shape: (typeof shapes)[number],
  address: string,
  first: number,
  last: number,
  released: boolean,
): string[] {
  if (shape === "nokia")
    return released ? [] : [`\tAlc-Nat-Port-Range = "${address} ${first}-${last} router base"`];
  if (shape === "huawei") {
    return [
      `\tHuawei-NAT-Public-Address = "${address}"`,
      `\tHuawei-NAT-Start-Port = "${first}"`,
      `\tHuawei-NAT-End-Port = "${last}"`,
      ...(released ? ["\tHuawei-NAT-Port-Range-Update = 1"] : []),
    ];
  }
  return [
    `\tIP-Port-Range-Ext-IPv4-Addr = ${address}`,
    `\tIP-Port-Range-Range-Start = ${first}`,
    `\tIP-Port-Range-Range-End = ${last}`,
    ...(released ? ["\tIP-Port-Range-Alloc = 2"] : []),
  ];
}

test("port blocks written in each vendor's shape read back as the same leases", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(blockSession, { maxLength: 12 }), async (sessions) => {
      const lines: string[] = [];
      const record = (
        i: number,
        status: string,
        atMs: number,
        attributes: string[],
        s: (typeof sessions)[number],
      ) =>
        lines.push(
          ...sessionRecord(i, status, atMs, s.subscriber, [
            `\tEvent-Timestamp = ${eventTimestamp(atMs)}`,
            ...attributes,
          ]),
        );
      sessions.forEach((s, i) => {
        const last = Math.min(s.first + s.size, 65535);
        const address = formatAddress(s.address);
        record(i, "Start", s.startMs, blockAttributes(s.shape, address, s.first, last, false), s);
        if (s.releasedAfter !== null) {
          const atMs = s.startMs + s.releasedAfter * 1000;
          // Nokia releases by listing the blocks left: a record needs one to say anything.
          const left = s.shape === "nokia" ? [`\tAlc-Nat-Port-Range = "${address} 0-0 router base"`] : [];
          record(
            i,
            "Interim-Update",
            atMs,
            [...blockAttributes(s.shape, address, s.first, last, true), ...left],
            s,
          );
        }
      });
      const events = await collect(parseRadiusDetail(lines));
      assert.deepEqual(errorsOf(events), []);
      const expected = sessions.flatMap((s) => {
        const last = Math.min(s.first + s.size, 65535);
        const address = formatAddress(s.address);
        const endMs = s.releasedAfter === null ? null : s.startMs + s.releasedAfter * 1000;
        const block = JSON.stringify([address, 32, s.subscriber, s.startMs, endMs, `${s.first}-${last}`]);
        const rest =
          s.shape === "nokia" && endMs !== null
            ? [JSON.stringify([address, 32, s.subscriber, endMs, null, "0-0"])]
            : [];
        // A Nokia block 0-0 listed at the release is the same block when the session held 0-0.
        return s.shape === "nokia" && endMs !== null && s.first === 0 && last === 0
          ? [JSON.stringify([address, 32, s.subscriber, s.startMs, null, "0-0"])]
          : [block, ...rest];
      });
      assert.deepEqual(leasesOf(events), expected.sort());
    }),
    { numRuns: 200 },
  );
});

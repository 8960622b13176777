import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { formatAddress } from "../../src/core/index.js";
import { parseDhcpdLeases } from "../../src/subscribers/index.js";
import {
  collect,
  dhcpdTime,
  errorsOf,
  instant,
  ipv4,
  leasesOf,
  mac,
  quote,
  subscriberText,
} from "./render.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/leases/${name}`, import.meta.url), "utf8").split("\n");
const ms = (iso: string) => Date.parse(iso);
const row = (address: string, length: number, subscriber: string, start: string, end: string | null) =>
  JSON.stringify([address, length, subscriber, ms(start), end === null ? null : ms(end)]);

test("dhcpd.leases: renewals extend a lease, a free block ends it, ends never stays open", async () => {
  const events = await collect(parseDhcpdLeases(fixture("dhcpd.leases")));
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(
    leasesOf(events),
    [
      row("192.0.2.10", 32, "00:16:3e:12:34:56", "2026-01-01T10:00:00Z", "2026-01-02T04:00:00Z"),
      row("192.0.2.11", 32, "00:16:3e:ab:cd:ef", "2026-01-01T10:30:00Z", "2026-01-01T12:00:00Z"),
      row("192.0.2.11", 32, "00:16:3e:00:00:0c", "2026-01-01T13:00:00Z", null),
    ].sort(),
  );
});

test("client-hostname and uid can name the subscriber; a hostname is kept exactly as sent", async () => {
  const byName = await collect(
    parseDhcpdLeases(fixture("dhcpd.leases"), { subscriberField: "client-hostname" }),
  );
  const names = byName.flatMap((e) => ("lease" in e ? [e.lease.subscriber] : []));
  assert.ok(names.includes('bia\'s "phone"; rm -rf /'));
  assert.ok(names.includes("ana-laptop"));
  // The third lease of 192.0.2.11 sent no hostname.
  assert.match(errorsOf(byName).join("\n"), /^\d+: active lease 192\.0\.2\.11 names no subscriber$/);
  const byUid = await collect(parseDhcpdLeases(fixture("dhcpd.leases"), { subscriberField: "uid" }));
  assert.ok(byUid.some((e) => "lease" in e && e.lease.subscriber === "01:00:16:3e:12:34:56"));
});

test("dhcpd6: ia-na addresses and ia-pd prefixes belong to the DUID", async () => {
  const events = await collect(parseDhcpdLeases(fixture("dhcpd6.leases")));
  assert.deepEqual(errorsOf(events), []);
  const duid = "00:01:00:01:29:e3:38:00:00:16:3e:12:34:56";
  assert.deepEqual(
    leasesOf(events),
    [
      row("2001:db8::1:10", 128, duid, "2026-01-01T10:00:00Z", "2026-01-01T22:00:00Z"),
      row("2001:db8:2:100::", 56, duid, "2026-01-01T10:00:00Z", "2026-01-01T22:00:00Z"),
    ].sort(),
  );
});

test("malformed blocks are reported at their line and skipped", async () => {
  const events = await collect(
    parseDhcpdLeases([
      "lease 192.0.2.300 {", // 1
      "  starts 4 2026/01/01 10:00:00;",
      "  hardware ethernet 00:16:3e:12:34:56;",
      "}",
      "lease 192.0.2.12 {", // 5
      "  starts 4 2026/13/01 10:00:00;",
      "  hardware ethernet 00:16:3e:12:34:56;",
      "}",
      "lease 192.0.2.13 {", // 9
      "  starts 4 2026/01/01 10:00:00;",
      "  this is not a statement",
      "}",
      "lease 192.0.2.14 {", // 13
      "  starts 4 2026/01/01 10:00:00;",
      "  ends 4 2026/01/01 09:00:00;",
      "  hardware ethernet zz:16:3e:12:34:56;",
      "}",
      "lease 192.0.2.15 {", // 18
      "  starts 4 2026/01/01 10:00:00;",
      "  hardware ethernet 00:16:3e:12:34:57;",
      "}",
      "}", // 22
      "lease 192.0.2.16 {", // 23
      "  starts 4 2026/01/01 10:00:00;",
    ]),
  );
  assert.deepEqual(errorsOf(events), [
    "1: lease 192.0.2.300: not an IPv4 address",
    '6: starts: "4 2026/13/01 10:00:00" is not a real date and time',
    '11: expected a statement ending in ";", a block or "}", got "this is not a statement"',
    '16: hardware address "zz:16:3e:12:34:56" is not hex octets',
    "22: } without a block to close",
    "23: lease 192.0.2.16 is not closed before the end of the file",
  ]);
  assert.deepEqual(leasesOf(events), [
    row("192.0.2.15", 32, "00:16:3e:12:34:57", "2026-01-01T10:00:00Z", null),
  ]);
});

const lease = fc.record({
  subscriberMac: mac,
  hostname: subscriberText,
  startMs: instant,
  seconds: fc.option(fc.nat({ max: 30 * 86_400 })),
  epoch: fc.boolean(),
});

test("leases rendered as dhcpd.leases read back as the same leases", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(ipv4, { maxLength: 15, selector: (a) => a.value }),
      fc.array(lease, { minLength: 15, maxLength: 15 }),
      fc.boolean(),
      async (addresses, leases, byHostname) => {
        const time = (ms: number, epoch: boolean) =>
          epoch ? `epoch ${ms / 1000}; # comment` : `${dhcpdTime(ms)};`;
        const lines = addresses.flatMap((address, i) => {
          const l = leases[i] as (typeof leases)[number];
          return [
            `lease ${formatAddress(address)} {`,
            `  starts ${time(l.startMs, l.epoch)}`,
            l.seconds === null ? "  ends never;" : `  ends ${time(l.startMs + l.seconds * 1000, l.epoch)}`,
            "  binding state active;",
            "  next binding state free;",
            `  hardware ethernet ${l.subscriberMac};`,
            `  client-hostname ${quote(l.hostname)};`,
            "}",
          ];
        });
        const events = await collect(
          parseDhcpdLeases(lines, byHostname ? { subscriberField: "client-hostname" } : {}),
        );
        assert.deepEqual(errorsOf(events), []);
        const expected = addresses.map((address, i) => {
          const l = leases[i] as (typeof leases)[number];
          const end = l.seconds === null ? null : l.startMs + l.seconds * 1000;
          return JSON.stringify([
            formatAddress(address),
            32,
            byHostname ? l.hostname : l.subscriberMac,
            l.startMs,
            end,
          ]);
        });
        assert.deepEqual(leasesOf(events), expected.sort());
      },
    ),
    { numRuns: 200 },
  );
});

test("random or damaged dhcpd.leases never throws", async () => {
  const valid = [...fixture("dhcpd.leases"), ...fixture("dhcpd6.leases")];
  const damaged = fc
    .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.string({ unit: "binary", maxLength: 40 })), {
      maxLength: 8,
    })
    .map((edits) => {
      const lines = [...valid];
      for (const [at, text] of edits) lines[at] = text;
      return lines;
    });
  const tokens = fc.constantFrom(
    "lease 192.0.2.1 {",
    'ia-na "x" {',
    "iaaddr 2001:db8::1 {",
    "iaprefix 2001:db8::/56 {",
    "}",
    "{",
    "starts 4 2026/01/01 10:00:00;",
    "ends never;",
    "binding state free;",
    "cltt epoch 5;",
    "max-life 10;",
  );
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        damaged,
        fc.array(fc.oneof(tokens, fc.string({ unit: "binary", maxLength: 40 })), { maxLength: 40 }),
      ),
      async (lines) => {
        for (const event of await collect(parseDhcpdLeases(lines))) {
          if ("error" in event) assert.ok(event.error.line >= 1 && event.error.line <= lines.length);
        }
      },
    ),
    { numRuns: 300 },
  );
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { formatAddress } from "../../src/core/index.js";
import { parseKeaCsv } from "../../src/subscribers/index.js";
import { collect, errorsOf, instant, ipv4, ipv6, leasesOf, mac } from "./render.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/leases/${name}`, import.meta.url), "utf8").split("\n");
const ms = (iso: string) => Date.parse(iso);
const row = (address: string, length: number, subscriber: string, start: string, end: string) =>
  JSON.stringify([address, length, subscriber, ms(start), ms(end)]);
const HEADER4 =
  "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id";
const HEADER6 =
  "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id";

test("kea-leases4.csv: start is expire − valid_lifetime; a renewal extends, a zero lifetime ends", async () => {
  const events = await collect(parseKeaCsv(fixture("kea-leases4.csv")));
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(
    leasesOf(events),
    [
      row("192.0.2.20", 32, "00:16:3e:12:34:56", "2026-01-01T10:00:00Z", "2026-01-01T11:30:00Z"),
      row("192.0.2.21", 32, "00:16:3e:ab:cd:ef", "2026-01-01T10:30:00Z", "2026-01-01T11:00:00Z"),
    ].sort(),
  );
  const byName = await collect(parseKeaCsv(fixture("kea-leases4.csv"), { subscriberField: "hostname" }));
  assert.ok(byName.some((e) => "lease" in e && e.lease.subscriber === "bia,phone"));
});

test("kea-leases6.csv: addresses and delegated prefixes belong to the DUID", async () => {
  const events = await collect(parseKeaCsv(fixture("kea-leases6.csv")));
  assert.deepEqual(errorsOf(events), []);
  const duid = "00:01:00:01:29:e3:38:00:00:16:3e:12:34:56";
  assert.deepEqual(
    leasesOf(events),
    [
      row("2001:db8::2:10", 128, duid, "2026-01-01T10:00:00Z", "2026-01-01T11:06:40Z"),
      row("2001:db8:3:100::", 56, duid, "2026-01-01T10:00:00Z", "2026-01-01T11:06:40Z"),
    ].sort(),
  );
});

test("malformed rows are reported at their line and skipped", async () => {
  const events = await collect(
    parseKeaCsv([
      HEADER4,
      "192.0.2.300,00:16:3e:12:34:56,,3600,1767265200,1,0,0,,0,,0",
      "192.0.2.20,00:16:3e:12:34:56,,3600,1767265200,1,0,0,,0",
      "192.0.2.21,00:16:3e:12:34:56,,an hour,1767265200,1,0,0,,0,,0",
      "192.0.2.22,,,3600,1767265200,1,0,0,,0,,0",
      "192.0.2.23,00:16:3e:12:34:56,,3600,1767265200,1,0,0,,0,,0",
    ]),
  );
  assert.deepEqual(errorsOf(events), [
    '2: address "192.0.2.300" is not an IPv4 address',
    "3: expected 12 columns, got 10",
    '4: valid_lifetime "an hour" is not a number of seconds',
    "5: the lease has no hwaddr",
  ]);
  assert.equal(leasesOf(events).length, 1);
  assert.deepEqual(errorsOf(await collect(parseKeaCsv(["192.0.2.20,x"]))), [
    '1: expected the CSV header "address,…" first',
  ]);
  assert.deepEqual(errorsOf(await collect(parseKeaCsv([HEADER4], { subscriberField: "duid" }))), [
    "1: the header has no duid column (is this a Kea lease file?)",
  ]);
});

const lease = fc.record({
  subscriber: mac,
  expireS: instant.map((m) => m / 1000),
  lifetime: fc.integer({ min: 1, max: 30 * 86_400 }),
  prefix: fc.option(fc.integer({ min: 1, max: 127 })),
});

test("leases rendered as Kea CSV read back as the same leases", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      fc.uniqueArray(fc.oneof(ipv4, ipv6), { maxLength: 15, selector: (a) => `${a.family}/${a.value}` }),
      fc.array(lease, { minLength: 15, maxLength: 15 }),
      async (v6, mixed, leases) => {
        const addresses = mixed.filter((a) => a.family === (v6 ? 6 : 4));
        const lines = [v6 ? HEADER6 : HEADER4];
        const expected: string[] = [];
        addresses.forEach((address, i) => {
          const l = leases[i] as (typeof leases)[number];
          const text = formatAddress(address);
          const start = (l.expireS - l.lifetime) * 1000;
          if (v6) {
            const pd = l.prefix !== null;
            lines.push(
              `${text},${l.subscriber},${l.lifetime},${l.expireS},1,3000,${pd ? 2 : 0},7,${pd ? l.prefix : 128},0,0,,,0,,1,0,0`,
            );
            expected.push(JSON.stringify([text, pd ? l.prefix : 128, l.subscriber, start, l.expireS * 1000]));
          } else {
            lines.push(`${text},${l.subscriber},,${l.lifetime},${l.expireS},1,0,0,host&#x2cname,0,,0`);
            expected.push(JSON.stringify([text, 32, l.subscriber, start, l.expireS * 1000]));
          }
        });
        const events = await collect(parseKeaCsv(lines));
        assert.deepEqual(errorsOf(events), []);
        assert.deepEqual(leasesOf(events), expected.sort());
      },
    ),
    { numRuns: 200 },
  );
});

test("random Kea CSV never throws", async () => {
  const cell = fc.oneof(
    fc.constantFrom("", "0", "2", "3600", "192.0.2.1", "2001:db8::", "00:16:3e:12:34:56"),
    fc.string({ maxLength: 8 }),
  );
  const csvRow = fc.array(cell, { minLength: 1, maxLength: 19 }).map((cells) => cells.join(","));
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(HEADER4, HEADER6),
      fc.array(fc.oneof(csvRow, fc.string({ unit: "binary" })), { maxLength: 30 }),
      async (header, rows) => {
        for (const event of await collect(parseKeaCsv([header, ...rows]))) {
          if ("error" in event) assert.ok(event.error.line >= 1 && event.error.line <= rows.length + 1);
        }
      },
    ),
    { numRuns: 300 },
  );
});

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { UserError } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { importLeases, LeaseIndex, listLeases } from "../../src/subscribers/index.js";
import { tempDir } from "../helpers/tmp.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/leases/${name}`, import.meta.url));
const ms = (iso: string) => Date.parse(iso);

test("importing a file twice adds nothing; a later Stop fills in a lease imported as open", async (t) => {
  const dir = tempDir(t, "leases-import");
  const store = openStore(dir);
  t.after(() => store.close());
  const first = await importLeases(store, fixture("detail-20260101"), "radius-detail");
  assert.deepEqual(
    { ...first, diagnostics: first.diagnostics.length },
    {
      file: fixture("detail-20260101"),
      format: "radius-detail",
      imported: 4,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      diagnostics: 0,
    },
  );
  const again = await importLeases(store, fixture("detail-20260101"), "radius-detail");
  assert.deepEqual([again.imported, again.updated, again.unchanged], [0, 0, 4]);
  assert.equal(listLeases(store).length, 4);

  const next = join(dir, "detail-20260102");
  writeFileSync(
    next,
    [
      "Fri Jan  2 08:00:00 2026",
      "\tAcct-Status-Type = Stop",
      '\tUser-Name = "bia@isp.example"',
      "\tFramed-IP-Address = 203.0.113.11",
      '\tAcct-Unique-Session-Id = "0f2a9d1e77c3b210"',
      "\tAcct-Session-Time = 78900",
      "\tTimestamp = 1767340800",
      "",
    ].join("\n"),
  );
  const stop = await importLeases(store, next, "radius-detail");
  assert.deepEqual([stop.imported, stop.updated, stop.unchanged], [0, 1, 0]);
  const index = LeaseIndex.load(store);
  assert.equal(index.subscriberAt("203.0.113.11", ms("2026-01-02T07:59:59Z")), "bia@isp.example");
  assert.equal(index.subscriberAt("203.0.113.11", ms("2026-01-02T08:00:00Z")), null);
  assert.equal(index.subscriberAt("203.0.113.10", ms("2026-01-01T12:00:00Z")), "ana@isp.example");
  assert.equal(index.subscriberAt("203.0.113.10", ms("2026-01-01T12:45:00Z")), null);
  assert.equal(index.subscriberAt("203.0.113.10", ms("2026-03-01T00:00:00Z")), "caio@isp.example");
  assert.equal(index.subscriberAt("2001:db8:1:1ff::1", ms("2026-01-01T11:00:00Z")), "ana@isp.example");
});

test("gzip input is read transparently; damaged gzip imports nothing", async (t) => {
  const dir = tempDir(t, "leases-gzip");
  const store = openStore(dir);
  t.after(() => store.close());
  const compressed = gzipSync(readFileSync(fixture("dhcpd.leases")));
  const good = join(dir, "dhcpd.leases.gz");
  writeFileSync(good, compressed);
  const result = await importLeases(store, good, "dhcpd");
  assert.equal(result.imported, 4);

  const truncated = join(dir, "kea-leases4.csv.gz");
  const kea = gzipSync(readFileSync(fixture("kea-leases4.csv")));
  writeFileSync(truncated, Buffer.concat([kea.subarray(0, 20), Buffer.from("not gzip at all")]));
  await assert.rejects(importLeases(store, truncated, "kea-csv"), (error: Error) => {
    assert.ok(error instanceof UserError);
    assert.match(error.message, /kea-leases4\.csv\.gz: the gzip data is damaged/);
    return true;
  });
  assert.equal(listLeases(store).length, 4);
});

test("bad records are skipped and reported with file:line; the diagnostics kept are capped, the count is not", async (t) => {
  const store = openStore(tempDir(t, "leases-bad"));
  t.after(() => store.close());
  const result = await importLeases(store, fixture("detail-malformed"), "radius-detail", {
    maxDiagnostics: 2,
  });
  assert.equal(result.imported, 1);
  assert.equal(result.skipped, 5);
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.line}: ${d.message}`),
    ['5: Framed-IP-Address: "203.0.113.300" is not an IPv4 address', "8: record has no User-Name"],
  );
  assert.equal(result.diagnostics[0]?.file, fixture("detail-malformed"));
});

test("options that do not fit the format, and missing files, are one-line errors", async (t) => {
  const store = openStore(tempDir(t, "leases-options"));
  t.after(() => store.close());
  await assert.rejects(
    importLeases(store, fixture("dhcpd.leases"), "dhcpd", { identity: "duid" }),
    /--identity for dhcpd is one of hardware, uid, hostname, remote-id, circuit-id, not "duid"/,
  );
  await assert.rejects(
    importLeases(store, fixture("dhcpd.leases"), "dhcpd", { subscriberField: "hostname" }),
    /--subscriber-field is for kea-csv; dhcpd takes --identity/,
  );
  await assert.rejects(
    importLeases(store, fixture("kea-leases4.csv"), "kea-csv", { identity: "uid" }),
    /--identity is for dhcpd; kea-csv takes --subscriber-field/,
  );
  await assert.rejects(
    importLeases(store, fixture("dhcpd.leases"), "dhcpd", { subscriberAttribute: "User-Name" }),
    /--subscriber-attribute is for radius-detail/,
  );
  await assert.rejects(
    importLeases(store, "no-such-file", "kea-csv"),
    /^UserError: no-such-file: no such file$/,
  );
});

test("CGNAT port blocks are stored with their leases: several subscribers per address, each found by port", async (t) => {
  const store = openStore(tempDir(t, "leases-cgnat"));
  t.after(() => store.close());
  const nokia = await importLeases(store, fixture("detail-cgnat-nokia"), "radius-detail");
  const huawei = await importLeases(store, fixture("detail-cgnat-huawei"), "radius-detail");
  assert.deepEqual([nokia.imported, nokia.skipped, huawei.imported, huawei.skipped], [7, 0, 5, 0]);
  const again = await importLeases(store, fixture("detail-cgnat-nokia"), "radius-detail");
  assert.deepEqual([again.imported, again.updated, again.unchanged], [0, 0, 7]);
  assert.deepEqual(
    listLeases(store, { address: "203.0.113.200" }).map((l) => [l.subscriber, l.ports, l.startMs]),
    [
      ["dani@isp.example", { first: 1024, last: 2047 }, ms("2026-01-20T10:00:00Z")],
      ["edu@isp.example", { first: 2048, last: 3071 }, ms("2026-01-20T10:02:00Z")],
      ["dani@isp.example", { first: 5120, last: 6143 }, ms("2026-01-20T11:00:00Z")],
      ["fabi@isp.example", { first: 2048, last: 3071 }, ms("2026-01-20T12:30:00Z")],
    ],
  );
  const index = LeaseIndex.load(store);
  const who = (address: string, iso: string, port: number | null) => {
    const holding = index.holdingAt(address, ms(iso), port);
    return holding.kind === "address" || holding.kind === "port-block"
      ? `${holding.kind} ${holding.lease.subscriber}`
      : holding.kind;
  };
  assert.equal(who("203.0.113.200", "2026-01-20T11:30:00Z", 2500), "port-block edu@isp.example");
  assert.equal(who("203.0.113.200", "2026-01-20T13:00:00Z", 2500), "port-block fabi@isp.example");
  assert.equal(who("203.0.113.200", "2026-01-20T11:30:00Z", 5500), "port-block dani@isp.example");
  assert.equal(who("203.0.113.200", "2026-01-20T10:30:00Z", 5500), "shared-address", "not dani's yet");
  assert.equal(who("203.0.113.200", "2026-01-20T11:30:00Z", null), "shared-address");
  assert.equal(who("203.0.113.201", "2026-01-20T11:00:00Z", 6500), "port-block gil@isp.example");
  assert.equal(who("203.0.113.201", "2026-01-20T12:00:00Z", 6500), "shared-address", "released at 11:45");
  assert.equal(who("100.64.0.10", "2026-01-20T11:30:00Z", null), "address dani@isp.example");
});

test("dhcpd history: expired and released records end their leases, and neither a re-import nor dhcpd's rewrite adds any", async (t) => {
  const dir = tempDir(t, "leases-dhcpd-history");
  const store = openStore(dir);
  t.after(() => store.close());
  const file = fixture("dhcpd-4.2-failover.leases");
  const first = await importLeases(store, file, "dhcpd");
  // Five records hold an address; the released record of 198.51.100.21 repeats its active one
  // (same address, client and start), so they are four leases.
  assert.deepEqual([first.imported, first.updated, first.unchanged, first.skipped], [4, 0, 0, 0]);
  const again = await importLeases(store, file, "dhcpd");
  assert.deepEqual([again.imported, again.updated, again.unchanged], [0, 0, 4]);

  // dhcpd rewrites its file keeping the last record of each address: nothing new in it.
  const lastOfEach = new Map<string, string>();
  for (const block of readFileSync(file, "utf8").match(/^lease \S+ \{\n[\s\S]*?^\}$/gm) ?? []) {
    lastOfEach.set(block.split(" ")[1] as string, block);
  }
  const rewritten = join(dir, "dhcpd.leases");
  writeFileSync(rewritten, `${[...lastOfEach.values()].join("\n")}\n`);
  const rewrite = await importLeases(store, rewritten, "dhcpd");
  assert.deepEqual([rewrite.imported, rewrite.updated, rewrite.unchanged, rewrite.skipped], [0, 0, 3, 0]);

  const index = LeaseIndex.load(store);
  const at = (address: string, iso: string) => index.subscriberAt(address, ms(iso));
  assert.equal(at("198.51.100.21", "2026-01-05T13:00:00Z"), "00:16:3e:21:00:01");
  assert.equal(at("198.51.100.21", "2026-01-05T13:30:00Z"), null, "released at 13:15");
  assert.equal(at("198.51.100.21", "2026-01-05T15:00:00Z"), "00:16:3e:21:00:99");
  assert.equal(at("198.51.100.22", "2026-01-05T11:00:00Z"), "00:16:3e:22:00:02");
  assert.equal(at("198.51.100.22", "2026-01-05T11:45:00Z"), null, "released at 11:30");
  assert.equal(at("198.51.100.23", "2026-01-05T06:30:00Z"), "00:16:3e:23:00:03", "expired since");
  for (const unheld of ["198.51.100.20", "198.51.100.24", "198.51.100.25"]) {
    assert.equal(at(unheld, "2026-01-05T08:15:00Z"), null, `${unheld} was backup, abandoned or free`);
  }
});

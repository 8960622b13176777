import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import {
  complaintReport,
  complaintSeries,
  importComplaints,
  listComplaints,
  type NetworkLookup,
  reattributeComplaints,
} from "../../src/complaints/index.js";
import { type Address, formatAddress } from "../../src/core/index.js";
import { loadPlan } from "../../src/plan/index.js";
import { migrate, openStore, readMigrations, type Store } from "../../src/store/index.js";
import { importLeases } from "../../src/subscribers/index.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURES = "test/fixtures/complaints";
const fixture = (name: string) => join(FIXTURES, name);

/** A stand-in for the reputation module's NetworkMap: the documentation ranges as two networks. */
const networks: NetworkLookup = {
  lookup(address: Address) {
    const text = formatAddress(address);
    if (text.startsWith("203.0.113.") || text.startsWith("2001:db8:")) {
      return { asn: 64500, asName: "EXAMPLE-TELECOM", country: "BR" };
    }
    if (text.startsWith("198.51.100.")) return { asn: 64501, asName: "EXAMPLE-HOSTING", country: "PT" };
    return { asn: null, asName: null, country: null };
  },
};

async function storeWithLeases(t: Parameters<typeof tempDir>[0]): Promise<{ store: Store; data: string }> {
  const data = tempDir(t, "complaints");
  const store = openStore(data);
  t.after(() => store.close());
  await importLeases(store, "test/fixtures/leases/detail-20260101", "radius-detail");
  return { store, data };
}

test("a Maildir: cur/ and new/ are read, tmp/ is not; complaints are attributed to network, plan pool and subscriber", async (t) => {
  const { store, data } = await storeWithLeases(t);
  const maildir = join(tempDir(t, "maildir"), "abuse");
  for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true });
  copyFileSync(fixture("arf-ipv6-headers-only.eml"), join(maildir, "cur", "1767261600.M1P1.mx:2,S"));
  copyFileSync(fixture("xarf4-mail.eml"), join(maildir, "new", "1767261601.M2P1.mx"));
  copyFileSync(fixture("not-arf.eml"), join(maildir, "tmp", "1767261602.M3P1.mx"));
  const plan = loadPlan("examples/plan.yaml").plan;

  const result = await importComplaints(store, data, maildir, { networks, plan });
  assert.deepEqual(
    { ...result, rejections: [] },
    { path: maildir, items: 2, imported: 2, duplicates: 0, alreadyImported: 0, rejected: 0, rejections: [] },
  );
  const [xarf, arf] = listComplaints(store);
  assert.deepEqual(arf?.attribution, {
    asn: 64500,
    asName: "EXAMPLE-TELECOM",
    country: "BR",
    isp: "EXAMPLE-TELECOM",
    pool: null,
    poolKind: null,
    region: null,
    subscriber: "ana@isp.example",
    subscriberMatch: "address",
  });
  assert.deepEqual(xarf?.attribution, {
    asn: 64500,
    asName: "EXAMPLE-TELECOM",
    country: "BR",
    isp: "Example Telecom",
    pool: "business-poa",
    poolKind: "static",
    region: "sul",
    subscriber: null,
    subscriberMatch: "none",
  });
  const evidence = join(data, arf?.reports[0]?.rawPath as string);
  assert.deepEqual(readFileSync(evidence), readFileSync(fixture("arf-ipv6-headers-only.eml")));
});

test("a folder: duplicates count once, a report imported again adds nothing, rejected items are kept with their reason", async (t) => {
  const { store, data } = await storeWithLeases(t);
  const folder = tempDir(t, "reports");
  for (const entry of readdirSync(FIXTURES, { withFileTypes: true }))
    if (entry.isFile()) copyFileSync(fixture(entry.name), join(folder, entry.name));
  writeFileSync(join(folder, "truncated.json"), '{ "xarf_version": "4.0.0", ');
  writeFileSync(join(folder, "notes.txt"), "not a report, not read");

  const first = await importComplaints(store, data, folder, { networks });
  assert.equal(first.items, 14);
  assert.equal(first.imported, 8);
  assert.equal(first.duplicates, 1, "arf-ipv6-same-message.eml reports the same original message");
  assert.equal(first.rejected, 5);
  assert.deepEqual(
    first.rejections.map((r) => `${r.source.slice(folder.length + 1)}: ${r.reason}`),
    [
      "bad-arrival-date.eml: feedback-report: arrival-date is not an RFC 5322 date",
      "no-feedback-part.eml: no message/feedback-report part",
      "not-arf.eml: not an abuse report: text/plain, not multipart/report; report-type=feedback-report or X-ARF",
      "reports.mbox:2: not an abuse report: text/plain, not multipart/report; report-type=feedback-report or X-ARF",
      "truncated.json: not valid JSON",
    ],
  );
  for (const r of first.rejections) {
    assert.match(
      readFileSync(r.reasonFile, "utf8"),
      new RegExp(`reason: ${r.reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n`),
    );
    assert.ok(existsSync(r.reasonFile.replace(/\.reason$/, r.source.endsWith(".json") ? ".json" : ".eml")));
  }

  const again = await importComplaints(store, data, folder, { networks });
  assert.deepEqual([again.imported, again.duplicates, again.alreadyImported, again.rejected], [0, 0, 9, 5]);
  const ipv6 = listComplaints(store).find((c) => c.sourceIp === "2001:db8:1:1ab::5");
  assert.equal(ipv6?.duplicates, 1);
  assert.equal(ipv6?.reports.length, 2);
  assert.equal(readdirSync(join(data, "complaints", "raw")).length > 0, true);
});

test("a report larger than the limit is rejected unread, and the import goes on", async (t) => {
  const { store, data } = await storeWithLeases(t);
  const result = await importComplaints(store, data, fixture("reports.mbox"), { maxMessageBytes: 600 });
  assert.equal(result.imported, 0);
  assert.deepEqual(
    result.rejections.map((r) => r.reason.replace(/\d+ bytes/, "N bytes")),
    [
      "too large (N bytes; the limit is 600)",
      "not an abuse report: text/plain, not multipart/report; report-type=feedback-report or X-ARF",
      "too large (N bytes; the limit is 600)",
    ],
  );
  assert.match(
    readFileSync(result.rejections[0]?.reasonFile as string, "utf8"),
    /^source: .*reports\.mbox:1\n/,
  );
});

test("reports and series count complaints per key, duplicates apart; --plan re-reads pools; reattribute updates", async (t) => {
  const { store, data } = await storeWithLeases(t);
  await importComplaints(store, data, FIXTURES, { networks });
  assert.deepEqual(
    complaintReport(store, { by: "subscriber" }).map((r) => [r.key, r.complaints, r.duplicates]),
    [
      [null, 5, 0],
      ["ana@isp.example", 2, 1],
      ["bia@isp.example", 1, 0],
    ],
  );
  assert.deepEqual(
    complaintReport(store, { by: "asn", sinceMs: Date.parse("2026-01-01T00:00:00Z") }).map((r) => [
      r.key,
      r.complaints,
    ]),
    [
      [64500, 4],
      [64501, 1],
      [null, 1],
    ],
  );
  const plan = loadPlan("examples/plan.yaml").plan;
  assert.deepEqual(
    complaintReport(store, { by: "region", plan }).map((r) => [r.key, r.complaints]),
    [
      ["sul", 4],
      [null, 4],
    ],
  );
  assert.deepEqual(
    complaintReport(store, { by: "region" }).map((r) => r.key),
    [null],
    "not attributed at import",
  );

  const series = complaintSeries(store, {
    by: "subscriber",
    interval: "day",
    key: "ana@isp.example",
    sinceMs: Date.parse("2025-12-31T00:00:00Z"),
    untilMs: Date.parse("2026-01-03T00:00:00Z"),
  });
  assert.deepEqual(
    series.map((r) => [r.interval, r.complaints, r.duplicates]),
    [
      ["2025-12-31", 0, 0],
      ["2026-01-01", 2, 1],
      ["2026-01-02", 0, 0],
    ],
  );
  assert.deepEqual(
    complaintSeries(store, {
      by: "feedback-type",
      interval: "month",
      sinceMs: Date.parse("2026-01-01T00:00:00Z"),
    }).map((r) => [r.key, r.interval, r.complaints]),
    [
      ["abuse", "2026-01-01", 3],
      ["messaging/spam", "2026-01-01", 2],
      ["abuse/login-attack", "2026-01-01", 1],
    ],
  );

  assert.equal(reattributeComplaints(store, { networks, plan }), 8);
  assert.deepEqual(
    complaintReport(store, { by: "pool" }).map((r) => [r.key, r.complaints]),
    [
      [null, 4],
      ["adsl-poa-1", 2],
      ["198.51.100.0/26", 1],
      ["business-poa", 1],
    ],
  );
});

test("reports as providers send them are imported, each with the rules that gave its source and time", async (t) => {
  const { store, data } = await storeWithLeases(t);
  const result = await importComplaints(store, data, fixture("providers"), { networks });
  assert.deepEqual(
    [result.items, result.imported, result.rejected, result.rejections.map((r) => r.reason)],
    [
      8,
      7,
      1,
      [
        "not an abuse report: multipart/report; report-type=delivery-status, not multipart/report; report-type=feedback-report or X-ARF",
      ],
    ],
  );
  assert.deepEqual(
    listComplaints(store).map((c) => [
      c.subject ?? c.originalKey,
      c.sourceRule,
      c.timeRule,
      c.attribution.subscriber,
    ]),
    [
      ["report:20260101-utc-0001", "Source", "Date", "bia@isp.example"],
      ["Seguro barato", "Source-IP", "Date", "bia@isp.example"],
      ["Oportunidade", "Source-IP", "Received", "bia@isp.example"],
      ["Bolsa de valores", "Source-IP", "Arrival-Date", "caio@isp.example"],
      ["Renda extra", "Source-IP", "Received-Date", "bia@isp.example"],
      ["Promoção de verão", "X-Originating-IP", "Received-Date", "ana@isp.example"],
      ["Cupom exclusivo", "Source-IP", "Arrival-Date", "bia@isp.example"],
    ],
  );
});

test("CGNAT: a complaint is its port block's subscriber's; without a port or a block holding it, a shared address", async (t) => {
  const data = tempDir(t, "complaints-cgnat");
  const store = openStore(data);
  t.after(() => store.close());
  await importLeases(store, "test/fixtures/leases/detail-cgnat-nokia", "radius-detail");
  await importLeases(store, "test/fixtures/leases/kea-leases4.csv", "kea-csv");
  await importComplaints(store, data, fixture("cgnat"), { networks });
  const byMessage = () =>
    listComplaints(store).map((c) => [
      c.originalMessageId,
      c.sourcePort,
      c.attribution.subscriberMatch,
      c.attribution.subscriber,
    ]);
  const expected = [
    ["relampago-1155@isp.example", 5500, "port-block", "dani@isp.example"],
    ["20260120-1140-c@isp.example", 9000, "shared-address", null],
    ["20260120-1135-b@isp.example", null, "shared-address", null],
    ["20260120-1130-a@isp.example", 2500, "port-block", "edu@isp.example"],
  ];
  assert.deepEqual(byMessage(), expected);
  assert.deepEqual(
    complaintReport(store, { by: "attribution" }).map((r) => [r.key, r.complaints]),
    [
      ["port-block", 2],
      ["shared-address", 2],
    ],
  );
  // A whole-address lease (Kea carries no port sets) answers whatever the port.
  const kea = readFileSync(fixture("cgnat/port-2500.eml"), "utf8")
    .replaceAll("203.0.113.200", "192.0.2.20")
    .replace("Arrival-Date: Tue, 20 Jan 2026 11:30:00 +0000", "Arrival-Date: Thu, 01 Jan 2026 10:30:00 +0000")
    .replaceAll("20260120-1130-a", "kea-1030");
  const keaFile = join(tempDir(t, "complaints-kea"), "kea.eml");
  writeFileSync(keaFile, kea);
  await importComplaints(store, data, keaFile, { networks });
  const keaComplaint = listComplaints(store).find((c) => c.sourceIp === "192.0.2.20");
  assert.deepEqual(
    [
      keaComplaint?.sourcePort,
      keaComplaint?.attribution.subscriberMatch,
      keaComplaint?.attribution.subscriber,
    ],
    [2500, "address", "00:16:3e:12:34:56"],
  );
  // Attributing again keeps using each complaint's port.
  assert.equal(reattributeComplaints(store, { networks }), 5);
  assert.deepEqual(byMessage().slice(0, 4), expected);
});

test("complaints stored before the rules were recorded get the rules their import used", (t) => {
  const migrations = readMigrations("src/store/migrations");
  const db = new Database(join(tempDir(t, "complaints-migrate"), "old.db"));
  t.after(() => db.close());
  migrate(
    db,
    migrations.filter((m) => m.version < 16),
  );
  const insert = db.prepare(
    `INSERT INTO complaints (original_key, format, version, source_ip, arrival_ms, incidents, fields_json, subscriber,
       feedback_type, imported_at) VALUES (?, ?, ?, '203.0.113.10', 0, 1, ?, ?, 'abuse', '')`,
  );
  insert.run("a", "arf", "1", JSON.stringify([["Arrival-Date", "x"]]), "ana@isp.example");
  insert.run("b", "arf", "0.1", JSON.stringify([["Received-Date", "x"]]), null);
  insert.run("c", "xarf", "4.0.0", "[]", null);
  insert.run("d", "xarf", "0.2", "[]", null);
  migrate(db, migrations);
  assert.deepEqual(
    db
      .prepare("SELECT original_key, source_rule, time_rule, subscriber_match FROM complaints ORDER BY id")
      .raw()
      .all(),
    [
      ["a", "Source-IP", "Arrival-Date", "address"],
      ["b", "Source-IP", "Received-Date", "none"],
      ["c", "source_identifier", "timestamp", "none"],
      ["d", "Source", "Date", "none"],
    ],
  );
});

/** The store's gauges under /metrics: complaints and listings, read from real imports. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { importComplaints } from "../../src/complaints/index.js";
import { importListing } from "../../src/reputation/index.js";
import { testApp } from "./app.js";

const scrape = async (app: Awaited<ReturnType<typeof testApp>>["app"]) =>
  (await app.inject({ url: "/metrics" })).body;

test("/metrics has the complaints stored and arrived today, and each list's latest listing with the plan's share per region", async (t) => {
  const { app, context } = await testApp(t);
  const empty = await scrape(app);
  assert.match(empty, /^porteiro_complaints_stored 0$/m);
  assert.doesNotMatch(empty, /^porteiro_listing_addresses\{/m);

  const result = await importComplaints(
    context.store,
    context.dataDir,
    "test/fixtures/complaints/arf-ipv6-headers-only.eml",
    {},
  );
  assert.equal(result.imported, 1);
  await importListing(context.store, context.dataDir, "test/fixtures/reputation/plain.txt", {
    list: "local",
    date: "2026-01-15",
    format: "plain",
  });
  // An older snapshot of the list is not the one counted.
  await importListing(context.store, context.dataDir, "test/fixtures/reputation/cbl-list.txt", {
    list: "local",
    date: "2026-01-14",
    format: "cbl",
  });

  const text = await scrape(app);
  assert.match(text, /^porteiro_complaints_stored 1$/m);
  const arrival = Number(/^porteiro_complaints_newest_arrival_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
  assert.ok(arrival > 1_600_000_000, String(arrival));
  // The fixture's report arrived long before today.
  assert.ok(arrival * 1000 < Date.now() - 86_400_000);
  assert.doesNotMatch(text, /^porteiro_complaints_last_24h\{/m);
  assert.match(text, /^porteiro_listing_addresses\{list="local"\} 134$/m);
  assert.match(text, /^porteiro_listing_ipv6_ranges\{list="local"\} 2$/m);
  assert.match(
    text,
    new RegExp(
      `^porteiro_listing_snapshot_timestamp_seconds\\{list="local"\\} ${Date.parse("2026-01-15") / 1000}$`,
      "m",
    ),
  );
  // 203.0.113.0/25 lies in Sul's pools, 198.51.100.0/30 in Norte's; 192.0.2.1–2 in no pool.
  assert.match(text, /^porteiro_listing_plan_addresses\{list="local",region="sul"\} 128$/m);
  assert.match(text, /^porteiro_listing_plan_addresses\{list="local",region="norte"\} 4$/m);
  assert.match(text, /^porteiro_listing_plan_addresses\{list="local",region="leste"\} 0$/m);
});

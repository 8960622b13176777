import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { importListing, listSnapshots, previousSnapshot, readSnapshot } from "../../src/reputation/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURES = "test/fixtures/reputation";

function setup(t: import("node:test").TestContext) {
  const data = tempDir(t, "snapshots");
  const store = openStore(data);
  t.after(() => store.close());
  return { data, store };
}

test("an import becomes a snapshot whose file reads back the same ranges, IPv4 and IPv6", async (t) => {
  const { data, store } = setup(t);
  const result = await importListing(store, data, `${FIXTURES}/plain.txt`, {
    list: "local",
    date: "2026-01-15",
    format: "plain",
  });
  assert.equal(result.lines, 9);
  assert.equal(result.skipped, 1);
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.line}: ${d.message}`),
    ['8: "192.0.2.300" is not an IPv4 prefix'],
  );
  assert.equal(result.snapshot.v4Addresses, 2 + 4 + 128);
  assert.equal(result.snapshot.v6Ranges, 2);
  const set = readSnapshot(store, data, "local", "2026-01-15");
  assert.ok(set);
  assert.deepEqual([...set.v4], [0xc0000201, 0xc0000202, 0xc6336400, 0xc6336403, 0xcb007100, 0xcb00717f]);
  assert.deepEqual(set.v6Starts, [0x20010db8000000000000000000000001n, 0x20010db8000100000000000000000000n]);
  assert.deepEqual(set.v6Ends, [0x20010db8000000000000000000000001n, 0x20010db8000100000000000000000003n]);
  assert.equal(readSnapshot(store, data, "local", "2026-01-16"), undefined);
});

test("gzip input is read by its content; the CBL and CERT layouts import", async (t) => {
  const { data, store } = setup(t);
  const gz = join(data, "list.gz");
  writeFileSync(gz, gzipSync(readFileSync(`${FIXTURES}/cbl-list.txt`)));
  const cbl = await importListing(store, data, gz, { list: "cbl", date: "2026-01-15", format: "cbl" });
  assert.equal(cbl.snapshot.v4Addresses, 4);
  assert.deepEqual(
    cbl.diagnostics.map((d) => `${d.line}: ${d.message}`),
    ["8: invalid address"],
  );
  const cert = await importListing(store, data, `${FIXTURES}/cert.csv`, {
    list: "cert",
    date: "2026-01-15",
    format: "cert-csv",
  });
  assert.equal(cert.snapshot.v4Addresses, 2);
  assert.equal(cert.snapshot.v6Ranges, 1);
  assert.equal(cert.skipped, 1);
});

test("importing a list and date again replaces that snapshot; lists come by list then date", async (t) => {
  const { data, store } = setup(t);
  const zone = `${FIXTURES}/ip4set.zone`;
  await importListing(store, data, zone, { list: "zen", date: "2026-01-20", format: "rbldnsd" });
  await importListing(store, data, `${FIXTURES}/plain.txt`, {
    list: "zen",
    date: "2026-01-10",
    format: "plain",
  });
  await importListing(store, data, `${FIXTURES}/cbl-list.txt`, {
    list: "cbl",
    date: "2026-01-15",
    format: "cbl",
  });
  const again = await importListing(store, data, `${FIXTURES}/ip4trie.zone`, {
    list: "zen",
    date: "2026-01-20",
    format: "rbldnsd",
    zoneType: "ip4trie",
  });
  assert.deepEqual(
    listSnapshots(store).map((s) => `${s.list} ${s.date} ${s.format} ${s.v4Addresses}`),
    [
      "cbl 2026-01-15 cbl 4",
      "zen 2026-01-10 plain 134",
      `zen 2026-01-20 rbldnsd:ip4trie ${again.snapshot.v4Addresses}`,
    ],
  );
  assert.equal(previousSnapshot(store, "zen", "2026-01-20")?.date, "2026-01-10");
  assert.equal(previousSnapshot(store, "zen", "2026-01-10"), undefined);
  const trie = readSnapshot(store, data, "zen", "2026-01-20");
  assert.ok(trie);
  let count = 0;
  for (let i = 0; i < trie.v4.length; i += 2)
    count += (trie.v4[i + 1] as number) - (trie.v4[i] as number) + 1;
  assert.equal(count, again.snapshot.v4Addresses);
});

test("a list name that could leave the data folder, or a bad date, is refused", async (t) => {
  const { data, store } = setup(t);
  await assert.rejects(
    importListing(store, data, `${FIXTURES}/plain.txt`, {
      list: "../x",
      date: "2026-01-15",
      format: "plain",
    }),
    /is not a list name/,
  );
  await assert.rejects(
    importListing(store, data, `${FIXTURES}/plain.txt`, { list: "x", date: "2026-02-30", format: "plain" }),
    /is not a date/,
  );
  await assert.rejects(
    importListing(store, data, `${FIXTURES}/missing.txt`, { list: "x", date: "2026-01-15", format: "plain" }),
    /no such file/,
  );
});

import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type Address, formatAddress, parseAddress, parsePrefix, prefixEnd } from "../../src/core/index.js";
import { dnsblName, importListing, type ListingSet, readSnapshot } from "../../src/reputation/index.js";
import { openStore } from "../../src/store/index.js";
import { porteiro } from "../cli/run.js";
import { requirePeers } from "../helpers/peers.js";
import { digA, startRbldnsd } from "../helpers/rbldnsd.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURES = "test/fixtures/reputation";
const ZONE = "bl.example";
const SPACE4 = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
const SPACE6 = ["2001:db8:0:1::/120", "2001:db8:0:2::/120", "2001:db8:0:3::/120", "2001:db8:0:3:8000::/120"];

function addressesOf(prefixes: readonly string[]): Address[] {
  const out: Address[] = [];
  for (const p of prefixes.map(parsePrefix)) {
    if (p.family === 4) for (let v = p.start; v <= prefixEnd(p); v++) out.push({ family: 4, value: v });
    else for (let v = p.start; v <= prefixEnd(p); v++) out.push({ family: 6, value: v });
  }
  return out;
}

function listedIn(set: ListingSet, address: Address): boolean {
  if (address.family === 6)
    return set.v6Starts.some((s, i) => s <= address.value && address.value <= (set.v6Ends[i] as bigint));
  for (let i = 0; i < set.v4.length; i += 2) {
    if ((set.v4[i] as number) <= address.value && address.value <= (set.v4[i + 1] as number)) return true;
  }
  return false;
}

for (const [file, type, prefixes] of [
  ["ip4set.zone", "ip4set", SPACE4],
  ["ip4trie.zone", "ip4trie", SPACE4],
  ["ip6trie.zone", "ip6trie", SPACE6],
] as const) {
  test(`${type}: rbldnsd answers to dig, porteiro reputation query and the import agree address by address`, async (t) => {
    if (!requirePeers(t, ["rbldnsd", "dig"])) return;
    const dir = tempDir(t, "rbldnsd");
    copyFileSync(join(FIXTURES, file), join(dir, file));
    const port = await startRbldnsd(t, dir, [`${ZONE}:${type}:${file}`]);
    const space = addressesOf(prefixes);

    const dig = digA(
      port,
      space.map((a) => dnsblName(a, ZONE)),
      dir,
    );
    const listedByDig = space.filter((a) => dig.has(dnsblName(a, ZONE))).map(formatAddress);
    assert.ok(listedByDig.length > 0 && listedByDig.length < space.length, "some addresses listed, not all");

    const query = porteiro([
      "reputation",
      "query",
      "--zone",
      ZONE,
      "--server",
      `127.0.0.1:${port}`,
      "--rate",
      "0",
      "--concurrency",
      "32",
      "--format",
      "json",
      ...prefixes,
    ]);
    assert.equal(query.status, 0, query.stderr);
    const results = JSON.parse(query.stdout).results as { address: string; listed: boolean; a: string[] }[];
    assert.deepEqual(
      results.map((r) => r.address),
      space.map(formatAddress),
    );
    assert.deepEqual(
      results.filter((r) => r.listed).map((r) => r.address),
      listedByDig,
    );
    for (const r of results)
      assert.deepEqual(r.a, dig.get(dnsblName(parseAddress(r.address), ZONE)) ?? [], r.address);

    const data = tempDir(t, "rbldnsd-data");
    const store = openStore(data);
    t.after(() => store.close());
    await importListing(store, data, join(FIXTURES, file), {
      list: "bl",
      date: "2026-01-15",
      format: "rbldnsd",
      zoneType: type,
    });
    const imported = readSnapshot(store, data, "bl", "2026-01-15");
    assert.ok(imported);
    assert.deepEqual(space.filter((a) => listedIn(imported, a)).map(formatAddress), listedByDig);
  });
}

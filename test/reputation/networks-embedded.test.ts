import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAddress } from "../../src/core/index.js";
import { loadNetworkMap } from "../../src/reputation/networks/index.js";
import { tempDir } from "../helpers/tmp.js";

test("the embedded ip-location-db default loads and answers stable facts", async (t) => {
  const map = await loadNetworkMap({ dataDir: tempDir(t, "embedded") });
  assert.ok(map.ranges4 > 50_000, `${map.ranges4} IPv4 ranges`);
  assert.ok(map.ranges6 > 10_000, `${map.ranges6} IPv6 ranges`);
  // Documentation space is announced by nobody.
  assert.equal(map.lookup(parseAddress("192.0.2.1")).asn, null);
  assert.equal(map.lookup(parseAddress("2001:db8::1")).asn, null);
  // 1.1.1.0/24 has been Cloudflare's (AS13335) since 2018.
  assert.equal(map.lookup(parseAddress("1.1.1.1")).asn, 13335);
  assert.ok((map.allocatedByCountry().get("BR") ?? 0) > 50_000_000);
});

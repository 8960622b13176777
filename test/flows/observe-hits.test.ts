import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { observeHitTotals, parseObserveHits, recordObserveHits } from "../../src/flows/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { nftHitsListing } from "./nft-hits.js";

test("reads each source's counter from nft -j output, and says which elements it skipped", () => {
  const reading = parseObserveHits(
    nftHitsListing([
      { val: "192.0.2.7", packets: 3 },
      { val: "not-an-address", packets: 1 },
      { val: "192.0.2.8" },
      { val: "198.51.100.9", packets: 0 },
    ]),
    "hits.json",
  );
  assert.deepEqual(reading.hits, [
    { address: "192.0.2.7", packets: 3 },
    { address: "198.51.100.9", packets: 0 },
  ]);
  assert.deepEqual(reading.skipped, [
    "hits.json: observe_hits_v4 element 2: not an address with a counter",
    'hits.json: observe_hits_v4 element 3: no packet counter (was the set declared with "counter"?)',
  ]);
});

test("input that is not nft's JSON, or has no hit set, is refused with the file's name", () => {
  assert.throws(() => parseObserveHits("{", "a.json"), /^UserError: a\.json: not the JSON output of nft -j/);
  assert.throws(() => parseObserveHits('{"x":1}', "b.json"), /b\.json: .*no "nftables" list/);
  assert.throws(
    () => parseObserveHits(nftHitsListing([], "blocked_v4"), "c.json"),
    /c\.json: no observe_hits_v4/,
  );
});

test("never throws anything but a UserError, whatever the input", () => {
  fc.assert(
    fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
      try {
        parseObserveHits(text, "x");
      } catch (error) {
        assert.equal((error as Error).name, "UserError");
      }
    }),
  );
});

test("hits over readings are the increases, and a drop or an absence is a restart", (t) => {
  const store = openStore(tempDir(t, "observe-hits"));
  t.after(() => store.close());
  const at = (hour: number) => new Date(Date.UTC(2026, 10, 28, hour));
  recordObserveHits(store, at(1), [{ address: "192.0.2.1", packets: 5 }]);
  recordObserveHits(store, at(2), [
    { address: "192.0.2.1", packets: 9 },
    { address: "192.0.2.2", packets: 2 },
  ]);
  // Reloaded: 192.0.2.1 starts again from 1; 192.0.2.2 expired.
  recordObserveHits(store, at(3), [{ address: "192.0.2.1", packets: 1 }]);
  recordObserveHits(store, at(4), [{ address: "192.0.2.2", packets: 4 }]);
  const all = observeHitTotals(store);
  assert.deepEqual(Object.fromEntries(all.hits), { "192.0.2.1": 10, "192.0.2.2": 6 });
  assert.equal(all.readings.length, 4);
  // From 02:00 on, the 01:00 reading is the baseline.
  const since = observeHitTotals(store, { since: at(2).toISOString() });
  assert.deepEqual(Object.fromEntries(since.hits), { "192.0.2.1": 5, "192.0.2.2": 6 });
  // Importing a reading again replaces it.
  recordObserveHits(store, at(4), [{ address: "192.0.2.2", packets: 1 }]);
  assert.equal(observeHitTotals(store).hits.get("192.0.2.2"), 3);
});

test("counters that only grow add up to the last reading", (t) => {
  const store = openStore(tempDir(t, "observe-hits"));
  t.after(() => store.close());
  let run = 0;
  fc.assert(
    fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }), (steps) => {
      const address = `192.0.2.${run++ % 250}`;
      store.prepare("DELETE FROM observe_hits").run();
      let value = 0;
      steps.forEach((step, i) => {
        value += step;
        recordObserveHits(store, new Date(Date.UTC(2026, 0, 1, i)), [{ address, packets: value }]);
      });
      assert.equal(observeHitTotals(store).hits.get(address) ?? 0, value);
    }),
    { numRuns: 50 },
  );
});

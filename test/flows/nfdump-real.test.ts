/**
 * The fixtures' own pipeline, run live: softflowd reads mail.pcap and exports NetFlow v9 to a
 * real nfcapd; the real nfdump prints the capture as JSON and CSV; porteiro reads both and must
 * find what the checked-in fixtures hold. Needs softflowd, nfcapd and nfdump.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { NfdumpCsvReader } from "../../src/flows/intake/nfdump-csv.js";
import { NfdumpJsonReader } from "../../src/flows/intake/nfdump-json.js";
import { captureMailPcap, FIXTURES, nfdump } from "./nfcapd-capture.js";
import { collectingSink, feed } from "./nfdump-render.js";

test("softflowd → nfcapd → nfdump output reads the same as the checked-in fixtures", async (t) => {
  const capture = await captureMailPcap(t);
  if (!capture) return;
  for (const [format, Reader] of [
    ["json", NfdumpJsonReader],
    ["csv", NfdumpCsvReader],
  ] as const) {
    const live = collectingSink();
    feed(new Reader(live), nfdump(capture, format));
    const fixture = collectingSink();
    feed(new Reader(fixture), readFileSync(`${FIXTURES}/mail.${format}`, "utf8"));
    assert.deepEqual(live.collected.bad, []);
    assert.equal(live.collected.mail.length, 127);
    assert.deepEqual(live.collected, fixture.collected, format);
  }
});

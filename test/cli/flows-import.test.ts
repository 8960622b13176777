/**
 * `flows import` never counts the same flows twice, on real nfdump output of a real nfcapd
 * capture: the same file again is skipped, an overlapping window refused, and --force gives the
 * counts of one import.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openExistingStore } from "../../src/store/index.js";
import { captureMailPcap, nfdump } from "../flows/nfcapd-capture.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro } from "./run.js";

/** Every stored aggregate with its destinations, in one comparable text. */
function stored(data: string): string {
  const store = openExistingStore(data);
  try {
    return JSON.stringify(
      store
        .prepare(
          `SELECT h.source, h.hour, h.port, h.flows, h.packets, h.bytes, h.short_flows, h.syn_only,
                  h.first_seen_ms, h.last_seen_ms, h.distinct_estimate,
                  (SELECT group_concat(d.destination || '=' || d.flows) FROM
                     (SELECT * FROM flow_hour_destinations WHERE aggregate_id = h.id ORDER BY destination) d) AS destinations
           FROM flow_hours h ORDER BY h.source, h.hour, h.port`,
        )
        .all(),
    );
  } finally {
    store.close();
  }
}

function flowCount(data: string): number {
  const store = openExistingStore(data);
  try {
    return store.prepare("SELECT coalesce(sum(flows), 0) FROM flow_hours").pluck().get() as number;
  } finally {
    store.close();
  }
}

test("re-importing the same nfdump flows never counts them twice", async (t) => {
  const capture = await captureMailPcap(t);
  if (!capture) return;
  const dir = tempDir(t, "flows-import");
  const whole = join(dir, "whole.json");
  const early = join(dir, "early.json");
  const late = join(dir, "late.json");
  writeFileSync(whole, nfdump(capture, "json"));
  // Two windows by flow time sharing 2027-01-06: a cron job's overlapping `nfdump -R` runs.
  writeFileSync(early, nfdump(capture, "json", "-t", "2027/01/04.00:00:00-2027/01/06.23:59:59"));
  writeFileSync(late, nfdump(capture, "json", "-t", "2027/01/06.00:00:00-2027/01/08.23:59:59"));
  const importInto = (data: string, file: string, ...more: string[]) =>
    porteiro(["flows", "import", file, "--format", "nfdump-json", "--data", data, ...more]);

  const once = join(dir, "once");
  const first = importInto(once, whole);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^imported \d+ records: 127 mail flows into \d+ hourly aggregates\n$/);
  const single = stored(once);
  assert.equal(flowCount(once), 127);

  const again = importInto(once, whole);
  assert.equal(again.status, 0, again.stderr);
  assert.match(
    again.stdout,
    /whole\.json: skipped, the same content as import #1 \(.*whole\.json, .*\); nothing imported\n$/,
  );
  assert.equal(stored(once), single);

  const forcedSame = importInto(once, whole, "--force");
  assert.equal(forcedSame.status, 0, forcedSame.stderr);
  assert.match(forcedSame.stdout, /^replacing import #1: deleted 127 flows in \d+ hours .*\nimported .*\n$/);
  assert.equal(stored(once), single);

  const windows = join(dir, "windows");
  assert.equal(importInto(windows, early).status, 0);
  const earlyOnly = stored(windows);
  const refused = importInto(windows, late);
  assert.equal(refused.status, 1);
  assert.equal(refused.stdout, "");
  assert.match(
    refused.stderr,
    /^.*late\.json: overlaps import #1 \(.*early\.json, imported .*\) from exporter 127\.0\.0\.1 over .*; nothing imported \(--force .*\)\n$/,
  );
  assert.equal(stored(windows), earlyOnly, "a refused import writes nothing");

  const forced = importInto(windows, late, "--force");
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(
    forced.stdout,
    /^replacing import #1: deleted \d+ flows in \d+ hours 2027-01-06 \d\d:00 – 2027-01-06 \d\d:59 UTC\n/,
  );
  assert.equal(stored(windows), single, "early, then late forced over it, equals one import of the whole");

  const listed = porteiro(["flows", "imports", "--data", windows, "--format", "json"]);
  assert.equal(listed.status, 0, listed.stderr);
  const { imports } = JSON.parse(listed.stdout) as {
    imports: { id: number; replaced_by: number | null; forced: boolean }[];
  };
  assert.deepEqual(
    imports.map((i) => [i.id, i.replaced_by, i.forced]),
    [
      [1, 2, false],
      [2, null, true],
    ],
  );
});

test("an input that cannot be read imports nothing and records nothing", (t) => {
  const dir = tempDir(t, "flows-import-bad");
  const data = join(dir, "data");
  const result = porteiro([
    "flows",
    "import",
    join(dir, "missing.csv"),
    "--format",
    "nfdump-csv",
    "--data",
    data,
  ]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /missing\.csv: no such file\n$/);
  const listed = porteiro(["flows", "imports", "--data", data]);
  assert.equal(listed.stdout, "no flow imports\n");
});

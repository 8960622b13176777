/**
 * `flows report` says which sampling rates its counts were multiplied by: the collector's
 * samplers kept in the store, and imports given a sampling rate.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { recordSamplers } from "../../src/flows/index.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro } from "./run.js";

test("flows report names the samplers and sampled imports behind its counts, in the table and the JSON", (t) => {
  const data = tempDir(t, "flows-sampling");
  const imported = porteiro([
    "flows",
    "import",
    "test/fixtures/flows/nfdump/mail.json",
    "--format",
    "nfdump-json",
    "--sampling-rate",
    "10",
    "--data",
    data,
  ]);
  assert.equal(imported.status, 0, imported.stderr);
  const store = openStore(data);
  // The fixture's flows are in January 2027; the collector saw an IOS XR sampler then too.
  recordSamplers(
    store,
    new Map([
      [
        "192.0.2.9:2055",
        [{ domain: 0, sampler: 1, rate: 256, method: "random 1 of 256 (selectorAlgorithm 3)" }],
      ],
    ]),
    Date.UTC(2027, 0, 5),
  );
  // A rate of 1 renormalises nothing and is not named.
  recordSamplers(
    store,
    new Map([
      ["192.0.2.8:2055", [{ domain: 3, sampler: null, rate: 1, method: "1 in 1 (samplingInterval)" }]],
    ]),
    Date.UTC(2027, 0, 5),
  );
  store.close();

  const args = ["flows", "report", "--data", data, "--plan", "examples/plan.yaml"];
  const json = porteiro([...args, "--format", "json"]);
  assert.equal(json.status, 0, json.stderr);
  const { sampling, senders } = JSON.parse(json.stdout);
  assert.ok(senders.length > 0);
  assert.deepEqual(
    sampling.map((s: { source: string; exporter: string; sampler: string | null; rate: number }) => [
      s.source,
      s.exporter,
      s.sampler,
      s.rate,
    ]),
    [
      ["collector", "192.0.2.9:2055", "1", 256],
      ["import", "#1 test/fixtures/flows/nfdump/mail.json", null, 10],
    ],
  );
  const text = porteiro(args);
  assert.match(
    text.stdout,
    /^flows, packets and bytes renormalised by the sampling of: 192\.0\.2\.9:2055 sampler 1 ×256 \(random 1 of 256 \(selectorAlgorithm 3\)\); #1 test\/fixtures\/flows\/nfdump\/mail\.json ×10 \(flows import --sampling-rate\)$/m,
  );

  // A window before any of it names none.
  const before = porteiro([...args, "--until", "2026-01-01", "--format", "json"]);
  assert.deepEqual(JSON.parse(before.stdout).sampling, []);
});

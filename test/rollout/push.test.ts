import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { test } from "node:test";
import { parseDay } from "../../src/core/index.js";
import {
  CLOCK_WINDOW_MS,
  canonicalJson,
  generateSigningKeys,
  type MeasuresInput,
  signPush,
} from "../../src/rollout/index.js";
import { programmeApp, snapshot } from "./helpers.js";

const REPORT: MeasuresInput = {
  region: "r1",
  as_of: parseDay("2021-05-01"),
  phase: "enforce",
  adoption_pct: 93.5,
  listed_ips: 12,
};

test("canonical JSON sorts keys at every level and leaves out undefined", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { f: 1, e: null }], c: undefined } }),
    '{"a":{"d":[2,{"e":null,"f":1}]},"b":1}',
  );
});

test("a signed push from a registered organisation is stored as pushed history with its signature", async (t) => {
  const p = await programmeApp(t);
  const push = signPush("a", [REPORT], createPrivateKey(p.keyA));
  const response = await p.request(null, "POST", "/api/rollout/reports", push);
  assert.equal(response.statusCode, 201, response.body);
  const [id] = response.json().reports;
  const row = p.store.prepare("SELECT * FROM rollout_reports WHERE id = ?").get(id) as Record<
    string,
    unknown
  >;
  assert.equal(row.source, "pushed");
  assert.equal(row.adoption_pct, 93.5);
  assert.equal(row.signature, push.signature);
  assert.equal(row.signed_body, canonicalJson(push.signed));
  assert.equal(row.public, 0);
});

test("tampered, replayed, stale, unknown and wrongly signed pushes are refused with a reason and change nothing", async (t) => {
  const p = await programmeApp(t);
  const key = createPrivateKey(p.keyA);
  const accepted = signPush("a", [REPORT], key);
  assert.equal((await p.request(null, "POST", "/api/rollout/reports", accepted)).statusCode, 201);
  const other = createPrivateKey(generateSigningKeys().privateKey);
  const tampered = structuredClone(signPush("a", [REPORT], key));
  (tampered.signed.reports[0] as { adoption_pct: number }).adoption_pct = 99;
  const added = structuredClone(signPush("a", [REPORT], key));
  (added.signed.reports[0] as Record<string, unknown>).complaints = 0;
  const cases: [string, unknown, number, RegExp][] = [
    ["tampered value", tampered, 401, /signature does not verify/],
    ["added field", added, 401, /signature does not verify/],
    ["replayed", accepted, 409, /replayed/],
    [
      "stale",
      signPush("a", [REPORT], key, new Date(Date.now() - CLOCK_WINDOW_MS - 60_000)),
      401,
      /timestamp/,
    ],
    [
      "from the future",
      signPush("a", [REPORT], key, new Date(Date.now() + CLOCK_WINDOW_MS + 60_000)),
      401,
      /timestamp/,
    ],
    ["unknown organisation", signPush("nobody", [REPORT], key), 401, /unknown organisation "nobody"/],
    ["organisation without a key", signPush("b", [REPORT], key), 401, /no key registered/],
    ["another key", signPush("a", [REPORT], other), 401, /signature does not verify/],
    ["signature not base64", { ...accepted, signature: "x" }, 401, /signature does not verify/],
    ["no signed body", { signature: accepted.signature }, 400, /expected \{ signed/],
  ];
  for (const [name, body, status, reason] of cases) {
    const before = snapshot(p.store);
    const response = await p.request(null, "POST", "/api/rollout/reports", body);
    assert.equal(response.statusCode, status, `${name}: ${response.body}`);
    assert.match(response.json().error, reason, name);
    assert.equal(snapshot(p.store), before, `${name}: the store changed`);
  }
});

test("a correctly signed push with an unknown region or a bad value is a 400, and its nonce stays unused", async (t) => {
  const p = await programmeApp(t);
  const key = createPrivateKey(p.keyA);
  const unknownRegion = signPush("a", [{ ...REPORT, region: "nowhere" }], key);
  const before = snapshot(p.store);
  const response = await p.request(null, "POST", "/api/rollout/reports", unknownRegion);
  assert.equal(response.statusCode, 400);
  assert.match(response.json().error, /^unknown region "nowhere"$/);
  const badValue = signPush("a", [{ ...REPORT, adoption_pct: 140 }], key);
  const bad = await p.request(null, "POST", "/api/rollout/reports", badValue);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /reports\.0\.adoption_pct/);
  assert.equal(snapshot(p.store), before);
});

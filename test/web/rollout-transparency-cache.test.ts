import assert from "node:assert/strict";
import { test } from "node:test";
import { createOrg, enterReport, LOCAL_ADMIN, publishReport } from "../../src/rollout/index.js";
import { TRANSPARENCY_PAGE_ROWS } from "../../src/web/routes/transparency.js";
import { programmeApp } from "../rollout/helpers.js";

test("/transparency is served from one rendering until the published data changes, with an ETag a proxy revalidates", async (t) => {
  const p = await programmeApp(t);
  const first = await p.request(null, "GET", "/transparency");
  assert.equal(first.statusCode, 200);
  assert.match(String(first.headers["cache-control"]), /public, max-age=60/);
  const etag = String(first.headers.etag);
  const again = await p.request(null, "GET", "/transparency");
  assert.equal(again.headers.etag, etag);
  assert.equal(again.body, first.body);
  assert.equal(
    (await p.request(null, "GET", "/transparency", undefined, { "if-none-match": etag })).statusCode,
    304,
  );

  const report = enterReport(p.store, LOCAL_ADMIN, {
    org_id: "a",
    region: "r1",
    as_of: "2021-06-01",
    phase: "enforce",
    adoption_pct: 63.4,
  });
  publishReport(p.store, LOCAL_ADMIN, report.id, { public: true });
  const changed = await p.request(null, "GET", "/transparency", undefined, { "if-none-match": etag });
  assert.equal(changed.statusCode, 200);
  assert.notEqual(changed.headers.etag, etag);
  assert.match(changed.body, /63\.4/);
});

test("/transparency pages its participants, each on one page only", async (t) => {
  const p = await programmeApp(t);
  p.store.transaction(() => {
    for (let i = 0; i < TRANSPARENCY_PAGE_ROWS + 5; i++)
      createOrg(p.store, LOCAL_ADMIN, {
        id: `m${i}`,
        name: `Member ${String(i).padStart(3, "0")}`,
        type: "isp",
      });
  })();
  const one = (await p.request(null, "GET", "/transparency")).body;
  const two = (await p.request(null, "GET", "/transparency?page=2")).body;
  assert.match(one, /Page 1 of 2/);
  assert.match(two, /Page 2 of 2/);
  const names = (body: string) =>
    body
      .slice(body.indexOf('<section id="participants">'), body.indexOf('<section id="documents">'))
      .match(/Member \d{3}|ISP [AB]/g) ?? [];
  const all = [...names(one), ...names(two)];
  assert.equal(all.length, TRANSPARENCY_PAGE_ROWS + 7);
  assert.equal(new Set(all).size, all.length);
});

test("/transparency finds participants by part of their name, and shows the search escaped", async (t) => {
  const p = await programmeApp(t);
  createOrg(p.store, LOCAL_ADMIN, { id: "fibra", name: "Fibra Sul", type: "isp" });
  const found = (await p.request(null, "GET", "/transparency?q=fibra")).body;
  const participants = found.slice(
    found.indexOf('<section id="participants">'),
    found.indexOf('<section id="documents">'),
  );
  assert.match(participants, /Fibra Sul/);
  assert.doesNotMatch(participants, /ISP A/);
  const odd = (await p.request(null, "GET", "/transparency?q=%3Cb%3E")).body;
  assert.match(odd, /No participant's name holds “&lt;b&gt;”/);
  assert.doesNotMatch(odd, /<b>/);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  changeSettings,
  createCommitment,
  createDocument,
  createOrg,
  enterReport,
  LOCAL_ADMIN,
  listNoise,
  publishReport,
  recordNoise,
} from "../../src/rollout/index.js";
import { programmeApp } from "../rollout/helpers.js";

test("the transparency page shows what is public and never a subscriber, an address or an unpublished report", async (t) => {
  const p = await programmeApp(t);
  const { store } = p;
  createOrg(store, LOCAL_ADMIN, { id: "hidden", name: "Hidden Networks", type: "isp", public: false });
  createDocument(store, LOCAL_ADMIN, {
    org_id: "a",
    kind: "resolution",
    title: "Draft <script>x</script>",
    date: "2021-01-01",
    link: "https://example.org/draft",
    public: false,
  });
  createCommitment(store, LOCAL_ADMIN, {
    org_id: "a",
    kind: "port25_blocked_region",
    region_id: "r1",
    due: "2021-12-31",
  });
  // An unpublished report with figures nobody else has, and a published one.
  enterReport(store, LOCAL_ADMIN, {
    org_id: "a",
    region: "r1",
    as_of: "2021-06-01",
    phase: "enforce",
    adoption_pct: 77.7,
    listed_ips: 424242,
    complaints: 31337,
  });
  const published = enterReport(store, LOCAL_ADMIN, {
    org_id: "a",
    region: "r1",
    as_of: "2021-03-01",
    phase: "observe",
    adoption_pct: 61.5,
    listed_ips: 5150,
  });
  publishReport(store, LOCAL_ADMIN, published.id, { public: true });
  enterReport(store, LOCAL_ADMIN, {
    org_id: "hidden",
    region: "r1",
    as_of: "2021-06-01",
    phase: "enforce",
    listed_ips: 999111,
    public: true,
  });
  // Noise notes are where a help desk could write down a subscriber: they stay in the console.
  recordNoise(store, LOCAL_ADMIN, {
    org_id: "a",
    region_id: "r1",
    day: "2021-06-02",
    category: "cannot-send",
    note: "subscriber SUB-4711 at 203.0.113.77",
  });

  const response = await p.request(null, "GET", "/transparency");
  assert.equal(response.statusCode, 200);
  const page = response.body;
  assert.match(page, /ISP A/);
  assert.match(page, /ISP B/);
  assert.match(page, /A&#39;s pledge/);
  assert.match(page, /port 25 blocked in the dynamic space of r1/);
  assert.match(page, /5,150|5150/);
  for (const secret of [
    "Hidden Networks",
    "Draft",
    "<script>",
    "424242",
    "424,242",
    "31337",
    "31,337",
    "77.7",
    "999111",
    "999,111",
    "SUB-4711",
    "203.0.113.77",
  ])
    assert.ok(!page.includes(secret), `the public page shows ${secret}`);
  // The blocking commitment is met only by the unpublished report: the public sees it as not met.
  assert.doesNotMatch(page, /state-met/);
  assert.doesNotMatch(page, /<script\b[^>]*>[^<]/);
});

test("the help form stores a user-report for the plan's organisation, with the region from the plan, and nothing about the visitor", async (t) => {
  const p = await programmeApp(t);
  changeSettings(p.store, LOCAL_ADMIN, { plan_org: "a", default_org: "b" });
  p.store.prepare("INSERT INTO rollout_regions (id, name, created_at) VALUES ('sul', 'Sul', '')").run();
  const home = await p.request(null, "GET", "/");
  assert.match(home.body, /href="\/cannot-send"/);
  const form = await p.request(null, "GET", "/cannot-send");
  const cookie = String(form.headers["set-cookie"]).split(";")[0] as string;
  const token = /name="_form" value="([^"]+)"/.exec(form.body)?.[1] as string;
  const send = (fields: Record<string, string>, headers: Record<string, string>, ip = "203.0.113.9") =>
    p.app.inject({
      method: "POST",
      url: "/cannot-send",
      remoteAddress: ip,
      headers: { "content-type": "application/x-www-form-urlencoded", host: "help.example.net", ...headers },
      payload: new URLSearchParams(fields).toString(),
    });
  const ours = { cookie, origin: "https://help.example.net" };
  assert.equal((await send({ _form: token, note: "x" }, { cookie })).statusCode, 403, "no Origin");
  assert.equal(
    (await send({ _form: token, note: "x" }, { ...ours, origin: "https://evil.example" })).statusCode,
    403,
  );
  assert.equal((await send({ _form: "forged", note: "x" }, ours)).statusCode, 403);
  assert.equal(
    (await send({ _form: token, note: "x" }, { origin: ours.origin })).statusCode,
    403,
    "no cookie",
  );
  assert.equal((await send({ _form: token, note: "y".repeat(501) }, ours)).statusCode, 400);
  assert.equal(listNoise(p.store, LOCAL_ADMIN).length, 1, "only the seeded record");

  const sent = await send({ _form: token, since: "2999-01-01", note: "Outlook says <b>550</b>" }, ours);
  assert.equal(sent.statusCode, 200, sent.body);
  const outside = await send({ _form: token, note: "" }, ours, "192.0.2.50");
  assert.equal(outside.statusCode, 200);
  const [fromPlan, fromOutside] = listNoise(p.store, LOCAL_ADMIN).slice(1);
  assert.deepEqual(
    [fromPlan?.org_id, fromPlan?.region_id, fromPlan?.category, fromPlan?.source, fromPlan?.note],
    ["a", "sul", "user-report", "help-form", "Outlook says <b>550</b>"],
  );
  assert.ok(fromPlan && fromPlan.day < "2999-01-01", "a date in the future is not taken");
  assert.deepEqual([fromOutside?.org_id, fromOutside?.region_id, fromOutside?.note], ["b", null, null]);
  const stored = JSON.stringify(p.store.prepare("SELECT * FROM rollout_noise").all());
  assert.ok(
    !stored.includes("203.0.113.9") && !stored.includes("192.0.2.50"),
    "a visitor's address was stored",
  );

  // Three an hour from one address.
  assert.equal((await send({ _form: token }, ours)).statusCode, 200);
  assert.equal((await send({ _form: token }, ours)).statusCode, 200);
  assert.equal((await send({ _form: token }, ours)).statusCode, 429);
});

/**
 * Floods of the /cannot-send form, run against the web server on loopback behind a trusted proxy
 * (127.0.0.1) that names documentation-range visitors in X-Forwarded-For.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { type TestContext, test } from "node:test";
import { addDays, today } from "../../src/core/index.js";
import {
  changeSettings,
  createOrg,
  createPerson,
  createRegion,
  LOCAL_ADMIN,
  type RegionNoise,
  setCalendarEntry,
} from "../../src/rollout/index.js";
import { HELP_FORM_LIMITS } from "../../src/web/routes/rollout-help.js";
import { PASSWORD, testApp } from "./app.js";

/** Sul and norte each hold an IPv4 /24 and an IPv6 /36 (4,096 /48s); the rest of 2001:db8::/32 is outside the plan. */
const PLAN = `isp: { name: Example Telecom, asn: 64500 }
regions:
  - { id: sul, name: Sul, enforce_from: 2021-01-01 }
  - { id: norte, name: Norte, enforce_from: 2021-01-01 }
pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: sul }
  - { prefix: "2001:db8:5000::/36", kind: dynamic, region: sul }
  - { prefix: 198.51.100.0/24, kind: dynamic, region: norte }
  - { prefix: "2001:db8:6000::/36", kind: dynamic, region: norte }
`;

/** Reports a flood has in flight at once. */
const FLOOD_CONCURRENCY = 8;
const range = (n: number) => [...Array(n).keys()];

interface Served {
  readonly base: string;
  /** One form report as the visitor `from`: the status it got, and the page. */
  send(from: string): Promise<{ status: number; page: string }>;
  /** Each visitor's report in turn: how many were taken (200); every other must be a 429. */
  flood(visitors: readonly string[]): Promise<number>;
  /** The programme's noise per region as the coordinator reads it from the API. */
  noise(): Promise<RegionNoise[]>;
  /** The coordinator's console page. */
  console(): Promise<string>;
  /** Every stored noise row, as JSON. */
  rows(): string;
  /** The region of each stored row, in order. */
  regions(): (string | null)[];
  /** The network tag of each stored row, in order. */
  tags(): (string | null)[];
}

/** ISP "isp" holds the plan (regions sul and norte switched three days ago); outside it reports go to "others". */
async function served(t: TestContext): Promise<Served> {
  const { app, context } = await testApp(t, { config: { trust_proxy: ["127.0.0.1"] } });
  writeFileSync(context.plan.file as string, PLAN);
  const store = context.store;
  createOrg(store, LOCAL_ADMIN, { id: "isp", name: "ISP", type: "isp" });
  createOrg(store, LOCAL_ADMIN, { id: "others", name: "Coordinator", type: "csirt" });
  for (const region of ["sul", "norte"]) {
    createRegion(store, LOCAL_ADMIN, { id: region, name: region });
    setCalendarEntry(store, LOCAL_ADMIN, {
      org_id: "isp",
      region_id: region,
      enforce_from: addDays(today(), -3),
    });
  }
  changeSettings(store, LOCAL_ADMIN, { plan_org: "isp", default_org: "others", noise_alert_per_day: 5 });
  createPerson(store, LOCAL_ADMIN, {
    name: "Coordinator",
    role: "coordinator",
    org_id: null,
    username: "bia",
  });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });

  const form = await fetch(`${base}/cannot-send`);
  const formCookie = (form.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const token = /name="_form" value="([^"]+)"/.exec(await form.text())?.[1] as string;
  const send = async (from: string) => {
    const response = await fetch(`${base}/cannot-send`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: formCookie,
        origin: base,
        "x-forwarded-for": from,
      },
      body: new URLSearchParams({ _form: token, note: "cannot send" }).toString(),
    });
    return { status: response.status, page: await response.text() };
  };
  const login = await fetch(`${base}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "bia", password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  const session = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const read = (path: string) => fetch(`${base}${path}`, { headers: { cookie: session } });
  return {
    base,
    send,
    flood: async (visitors) => {
      let taken = 0;
      let next = 0;
      // A few at a time, as a flood comes; each visitor once.
      const worker = async () => {
        for (let i = next++; i < visitors.length; i = next++) {
          const { status } = await send(visitors[i] as string);
          assert.ok(status === 200 || status === 429, `${visitors[i]}: ${status}`);
          if (status === 200) taken++;
        }
      };
      await Promise.all(range(FLOOD_CONCURRENCY).map(worker));
      return taken;
    },
    noise: async () =>
      ((await (await read("/api/rollout/programme")).json()) as { noise: RegionNoise[] }).noise,
    console: async () => (await read("/console/rollout")).text(),
    rows: () => JSON.stringify(store.prepare("SELECT * FROM rollout_noise").all()),
    regions: () =>
      (
        store.prepare("SELECT region_id FROM rollout_noise ORDER BY id").all() as {
          region_id: string | null;
        }[]
      ).map((r) => r.region_id),
    tags: () =>
      (
        store.prepare("SELECT network_tag FROM rollout_noise ORDER BY id").all() as {
          network_tag: string | null;
        }[]
      ).map((r) => r.network_tag),
  };
}

/** Today's alert of a region, as the API gives it. */
function alertOf(noise: readonly RegionNoise[], region: string) {
  return noise.find((n) => n.region_id === region)?.alerts.find((a) => a.day === today());
}

test("a flood from many addresses of one /24 takes that network's share, not the form: another region's subscriber still gets through", async (t) => {
  const s = await served(t);
  const flood = range(210).map((i) => `203.0.113.${i + 1}`);
  const taken = await s.flood(flood);

  assert.equal((await s.send("198.51.100.7")).status, 200, "a subscriber of norte");
  assert.equal((await s.send("2001:db8:5001::1")).status, 200, "a subscriber of sul in another network");
  assert.equal(taken, HELP_FORM_LIMITS.widerNetwork, "one /24 counts as one network");

  const alert = alertOf(await s.noise(), "sul");
  assert.equal(alert?.records, taken + 1);
  assert.equal(alert?.networks, 2);
  assert.equal(alert?.few_networks, true, "the flood's alert says it came from few networks");
  assert.match(
    await s.console(),
    /<li data-few-networks>.*from 2 networks — <strong>from few networks: possibly a flood/,
  );

  const rows = s.rows();
  for (const network of ["203.0.113.", "198.51.100.", "2001:db8"])
    assert.ok(!rows.includes(network), `a stored report holds ${network}…`);
  const tags = s.tags();
  assert.equal(tags.length, taken + 2);
  assert.equal(new Set(tags.slice(0, taken)).size, 1, "the flood's reports share one network tag");
  assert.ok(
    tags.every((tag) => /^[0-9a-f]{4}$/.test(tag ?? "")),
    "each form report has its network's tag",
  );
});

test("a flood from many /56s of one IPv6 /48 counts as one network, and one subscriber's /56 as one visitor", async (t) => {
  const s = await served(t);
  // 2001:db8:5000:XX00::/56, XX = 0…: each visitor its own /56, all in 2001:db8:5000::/48.
  const flood = range(60).map((i) => `2001:db8:5000:${(i << 8).toString(16)}::1`);
  const taken = await s.flood(flood);
  assert.equal(taken, HELP_FORM_LIMITS.widerNetwork, "one /48 counts as one network");
  assert.equal((await s.send("2001:db8:6000::1")).status, 200, "a subscriber of norte");

  const hopping = range(HELP_FORM_LIMITS.clientNetwork + 1).map((i) => `2001:db8:6001:ab00::${i + 1}`);
  const statuses = [];
  for (const address of hopping) statuses.push((await s.send(address)).status);
  assert.deepEqual(
    statuses,
    [...range(HELP_FORM_LIMITS.clientNetwork).map(() => 200), 429],
    "one /56 is one visitor",
  );

  const alert = alertOf(await s.noise(), "sul");
  assert.deepEqual([alert?.records, alert?.networks, alert?.few_networks], [taken, 1, true]);
  assert.ok(!s.rows().includes("2001:db8"), "a stored report holds an address");
});

test("a flood from outside the plan spends only its own budget: the regions' subscribers still get through", async (t) => {
  const s = await served(t);
  // 21 /48s outside the plan (2001:db8:f0XX::/48), each as many /56s as a network may send.
  const networks = Math.ceil(HELP_FORM_LIMITS.region / HELP_FORM_LIMITS.widerNetwork) + 1;
  const flood = range(networks).flatMap((n) =>
    range(HELP_FORM_LIMITS.widerNetwork).map(
      (i) => `2001:db8:f0${n.toString(16).padStart(2, "0")}:${(i << 8).toString(16)}::1`,
    ),
  );
  assert.equal(await s.flood(flood), HELP_FORM_LIMITS.region);

  assert.equal((await s.send("203.0.113.7")).status, 200, "a subscriber of sul");
  assert.equal((await s.send("198.51.100.7")).status, 200, "a subscriber of norte");
  const outsider = await s.send("2001:db8:f100::1");
  assert.equal(outsider.status, 429, "outside the plan, the budget is spent");
  assert.match(outsider.page, /Many reports from your area reached us this hour/);
});

test("an IPv4 visitor seen as IPv4-mapped IPv6 by a dual-stack listener is counted in its plan region", async (t) => {
  const s = await served(t);
  assert.equal((await s.send("::ffff:203.0.113.9")).status, 200);
  assert.deepEqual(s.regions(), ["sul"]);
});

/**
 * The demo seeds month by month: once its first month is in, every time chart the console draws
 * has points in that month, the honeypot's included (asked in the order of the seeding, never
 * against a clock). Then the console over that data in Chromium: every page loads without an
 * error and draws its charts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { addDays, createLogger, type Day } from "../../src/core/index.js";
import { DemoState, type SimOptions, seedSyntheticIsp } from "../../src/sim/index.js";
import { historyMonths } from "../../src/sim/months.js";
import { dayOf } from "../../src/sim/options.js";
import { openStore } from "../../src/store/index.js";
import type { Series } from "../../src/web/console/series.js";
import { createWebApp, defaultWebConfig } from "../../src/web/index.js";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { serveWeb } from "../helpers/web-serve.js";
import { login, PASSWORD } from "../web/app.js";

const SIM: SimOptions = { seed: 2009, scale: 0.005, endDay: "2026-11-28" as Day };
const [FIRST, SECOND] = historyMonths(SIM);
const FIRST_DAY = dayOf(SIM, FIRST?.first ?? 0);
const SECOND_DAY = dayOf(SIM, SECOND?.first ?? 0);
const PAGES = [
  "/console/",
  "/console/plan",
  "/console/flows",
  "/console/submission",
  "/console/reputation",
  "/console/honeypot",
  "/console/rollout",
];

/** Whether x (a day, or a week starting on it) overlaps the first month of the history. */
const inFirstMonth = (x: string) => x >= addDays(FIRST_DAY, -6) && x < SECOND_DAY;

function pointsInFirstMonth(name: string, series: Series): void {
  const at = series.x.map((x, i) => [x, i] as const).filter(([x]) => inFirstMonth(x));
  const withValue = at.filter(([, i]) => series.lines.some((line) => (line.values[i] ?? 0) > 0));
  assert.ok(withValue.length > 0, `${name}: no point in ${FIRST?.key} (x: ${series.x.join(" ")})`);
}

test("after the demo's first month every chart has points in it, and every console page draws in Chromium", {
  timeout: 300_000,
}, async (t) => {
  const dataDir = tempDir(t, "demo-console");
  const planFile = join(dataDir, "plan.yaml");
  process.env.PORTEIRO_LOG_LEVEL = "silent";
  const logger = createLogger("demo");
  const store = openStore(dataDir);
  // Stop as soon as the second month starts: only the first is in.
  const abort = new AbortController();
  await seedSyntheticIsp(
    { store, dataDir, planFile, logger },
    {
      signal: abort.signal,
      sim: SIM,
      onProgress: ({ step }) => {
        if (step.startsWith(`${SECOND?.key}:`)) abort.abort();
      },
    },
  );
  assert.ok(abort.signal.aborted, "the seeding reached the second month");
  assert.equal(new DemoState(store).done("complete"), false);

  const { app, context } = await createWebApp({
    store,
    dataDir,
    planFile,
    config: defaultWebConfig(),
    submissionHost: "mail.aurora.example",
    logger,
  });
  await context.operators.add("bia", PASSWORD, "operator");
  const { cookie } = await login(app, "bia");
  /** The answer once the server has computed it over the current data (it may first say "updating"). */
  const get = async (url: string) => {
    for (;;) {
      const response = await app.inject({ method: "GET", url, headers: { cookie } });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      if (response.headers["x-data-updating"] !== "1") return response.json();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    const overview = await get("/api/overview");
    for (const chart of ["direct_senders", "adoption_pct", "listed", "complaints"])
      pointsInFirstMonth(`overview ${chart}`, overview[chart]);
    pointsInFirstMonth("complaints by region", (await get("/api/complaints/series?by=region")).series);
    const reputation = await get("/api/reputation/series?by=region");
    assert.ok(
      reputation.points.some((p: { date: string; listed: number }) => inFirstMonth(p.date) && p.listed > 0),
      "reputation series: no listing in the first month",
    );
    const senders = await get(`/api/flows/senders?since=${FIRST_DAY}&until=${SECOND_DAY}`);
    assert.ok(senders.senders.length > 0, "flows: no direct-to-MX sender in the first month");
    assert.ok(
      senders.senders.some((s: { address: string }) => s.address.includes(":")),
      "flows: no IPv6 sender",
    );
    assert.ok((await get("/api/rollout/reports")).items.length > 0, "the programme has no reports");
    pointsInFirstMonth("honeypot captures", (await get("/api/honeypot/series")).series);
    const origins = await get("/api/honeypot/origins?by=country");
    assert.ok(origins.rows.length >= 3, `honeypot origins: ${JSON.stringify(origins.rows)}`);
  } finally {
    await app.close();
    store.close();
  }

  if (!requirePeers(t, ["chromium"])) return;
  const { url, child } = await serveWeb(dataDir);
  t.after(() => void child.kill("SIGTERM"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
      problems.push(`${response.status()} for ${response.url()}`);
  });
  await page.goto(`${url}console/login`);
  await page.fill('input[name="username"]', "bia");
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(`${url}console/`), page.click('button[type="submit"]')]);
  for (const path of PAGES) {
    await page.goto(`${url}${path.slice(1)}`);
    await page.waitForLoadState("networkidle");
    const blank = await page.$$eval(".chart canvas", (canvases) =>
      canvases
        .filter((canvas) => !canvas.closest("[hidden]"))
        .filter((canvas) => {
          const c = canvas as HTMLCanvasElement;
          const pixels = (c.getContext("2d") as CanvasRenderingContext2D).getImageData(
            0,
            0,
            c.width,
            c.height,
          ).data;
          for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) return false;
          return true;
        })
        .map((canvas) => canvas.closest(".chart")?.id ?? "?"),
    );
    assert.deepEqual(blank, [], `${path}: blank charts`);
  }
  assert.deepEqual(problems, []);
});

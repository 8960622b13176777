/**
 * The console's Campaigns page in Debian's Chromium, as a read-only operator, over a campaign
 * sent through the CLI: a funnel chart per region, the subscribers with their evidence, the CSV
 * export, and no action for a read-only operator.
 */
import assert from "node:assert/strict";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { openStore } from "../../src/store/index.js";
import { OperatorStore } from "../../src/web/index.js";
import { campaignWorld, WORLD_AT } from "../campaigns/world.js";
import { porteiro } from "../cli/run.js";
import { requirePeers } from "../helpers/peers.js";
import { freePort } from "../helpers/postfix.js";
import { tempDir } from "../helpers/tmp.js";
import { serveWeb } from "../helpers/web-serve.js";
import { PASSWORD } from "./app.js";

test("the Campaigns page in Chromium: funnel per region, subscribers with evidence, CSV export, read-only", {
  timeout: 120_000,
}, async (t) => {
  if (!requirePeers(t, ["chromium"])) return;
  // Nothing listens on the smarthost's port: the notices are queued and wait for a retry.
  const world = await campaignWorld(tempDir(t, "campaigns-browser"), {
    subscribers: 3,
    smarthostPort: await freePort(),
  });
  const sent = porteiro(["campaign", "send", "-c", world.config, "--region", "sul", "--at", WORLD_AT]);
  assert.equal(sent.status, 0, sent.stderr);
  copyFileSync(join(world.dir, "plan.yaml"), join(world.data, "plan.yaml"));
  const store = openStore(world.data);
  await new OperatorStore(store).add("rui", PASSWORD, "read-only");
  store.close();
  const { url, child } = await serveWeb(world.data);
  t.after(() => void child.kill("SIGTERM"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  t.after(() => browser.close());
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

  await page.goto(`${url}console/login`);
  await page.fill('input[name="username"]', "rui");
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(`${url}console/`), page.click('button[type="submit"]')]);
  await page.goto(`${url}console/campaigns`);
  await page.waitForLoadState("networkidle");

  assert.equal(await page.textContent("#funnels h3"), "sul: 0% of those notified moved");
  const drawn = await page.$eval("#funnels canvas", (element) => {
    const canvas = element as HTMLCanvasElement;
    const pixels = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
      0,
      0,
      canvas.width,
      canvas.height,
    ).data;
    return pixels.some((value, i) => i % 4 === 3 && value > 0);
  });
  assert.ok(drawn, "the funnel chart is drawn");
  assert.match((await page.getAttribute("#funnels canvas", "aria-label")) ?? "", /affected: 3; notified: 3/);
  const rows = await page.$$eval("#members tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
  assert.equal(rows.length, 3);
  assert.match(rows[0] ?? "", /sub-0.*sul@.*36 flows to 3 destinations on port 25/);
  assert.equal(
    await page.$$eval("#members td.actions", (cells) => cells.length),
    0,
    "no actions for read-only",
  );

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#members button.export")]);
  const csv = readFileSync((await download.path()) as string, "utf8");
  assert.match(csv, /^Subscriber,Campaign,Class,/);
  assert.equal(csv.trim().split(/\r\n(?=sub-)/).length, 4);
  assert.deepEqual(problems, []);
});

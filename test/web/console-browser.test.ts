/**
 * The console in a real browser: Debian's Chromium, headless, driven by playwright-core against
 * `porteiro serve` on loopback over a data folder seeded through the real import paths.
 * Screenshots go to test-output/.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { chromium, type Page } from "playwright-core";
import { openStore } from "../../src/store/index.js";
import { OperatorStore } from "../../src/web/index.js";
import {
  HELD_ACCOUNT,
  HOSTILE_HELO,
  HOSTILE_SUBJECT,
  importOneComplaint,
  PHASE_ADDRESSES,
  seedConsoleData,
} from "../helpers/console-data.js";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { serveWeb } from "../helpers/web-serve.js";
import { PASSWORD } from "./app.js";

const SHOTS = "test-output";
const PAGES = [
  "/console/",
  "/console/plan",
  "/console/flows",
  "/console/submission",
  "/console/reputation",
  "/console/honeypot",
];

/** Whether every chart container on the page holds a canvas with something drawn on it. */
function chartsDrawn(page: Page): Promise<{ id: string; drawn: boolean }[]> {
  return page.$$eval(".chart", (charts) =>
    charts
      .filter((chart) => !chart.closest("[hidden]") && chart.querySelector("canvas"))
      .map((chart) => {
        const canvas = chart.querySelector("canvas") as HTMLCanvasElement;
        const pixels = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
          0,
          0,
          canvas.width,
          canvas.height,
        ).data;
        let drawn = false;
        for (let i = 3; i < pixels.length && !drawn; i += 4) drawn = (pixels[i] as number) > 0;
        return { id: chart.id, drawn };
      }),
  );
}

test("the console in Chromium: every page, charts, sorting, CSV export, escaping, releasing a hold, help and autoconfig", {
  timeout: 240_000,
}, async (t) => {
  if (!requirePeers(t, ["chromium"])) return;
  const dataDir = tempDir(t, "console-browser");
  const store = openStore(dataDir);
  process.env.PORTEIRO_LOG_LEVEL = "silent";
  await seedConsoleData(store, dataDir);
  await new OperatorStore(store).add("bia", PASSWORD, "operator");
  store.close();
  const { url, child } = await serveWeb(dataDir);
  t.after(() => void child.kill("SIGTERM"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  t.after(() => browser.close());
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("dialog", (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // The browser asks for /favicon.ico on its own; every other answer must be a success.
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
      problems.push(`${response.status()} for ${response.url()}`);
  });
  mkdirSync(SHOTS, { recursive: true });

  await page.goto(`${url}console/login`);
  await page.fill('input[name="username"]', "bia");
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(`${url}console/`), page.click('button[type="submit"]')]);

  for (const path of PAGES) {
    await page.goto(`${url}${path.slice(1)}`);
    await page.waitForLoadState("networkidle");
    const charts = await chartsDrawn(page);
    const expected = path === "/console/submission" ? 0 : 1;
    assert.ok(charts.length >= expected, `${path}: ${charts.length} charts drawn`);
    for (const chart of charts) assert.ok(chart.drawn, `${path}: chart #${chart.id} is blank`);
    const asOf = await page.$$eval(".as-of", (notes) => notes.map((n) => n.textContent ?? ""));
    assert.ok(asOf.length >= 1, `${path}: no "as of" on its panels`);
    for (const text of asOf) assert.match(text, /^as of \d{4}-\d\d-\d\d \d\d:\d\d UTC/, path);
    await page.screenshot({
      path: join(SHOTS, `console-${path.split("/")[2] || "overview"}.png`),
      fullPage: true,
    });
  }
  const overview = await page
    .goto(`${url}console/`)
    .then(() => page.waitForLoadState("networkidle"))
    .then(() => chartsDrawn(page));
  assert.deepEqual(overview.map((c) => c.id).sort(), [
    "adoption",
    "complaints",
    "direct",
    "listed",
    "phases",
  ]);

  // New data while the console runs: a complaint arriving now. The overview shows the week under
  // way as partial, and if it was first answered with the older data, it says so and picks up
  // the new answer without being reloaded.
  const updating: string[] = [];
  page.on("response", (response) => {
    if (response.url().endsWith("/api/overview")) updating.push(response.headers()["x-data-updating"] ?? "");
  });
  const writer = openStore(dataDir);
  await importOneComplaint(writer, dataDir, Date.now());
  writer.close();
  await page.goto(`${url}console/`);
  const note = await page.waitForSelector("#complaints .partial-note", { timeout: 60_000 });
  assert.match(
    (await note.textContent()) ?? "",
    /^Dashed, last point: partial week, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
  );
  assert.ok(updating.length >= 1 && updating.at(-1) === "", `overview answers marked updating: ${updating}`);
  if (updating[0] === "1") assert.ok(updating.length >= 2, "the page asked again by itself");
  const complaintsAsOf = await page.$eval(
    "#complaints",
    (chart) => chart.closest("section")?.querySelector(".as-of")?.textContent,
  );
  assert.match(complaintsAsOf ?? "", /^as of [^,]+ UTC$/, "no longer updating");
  await page.screenshot({ path: join(SHOTS, "console-overview-partial-week.png"), fullPage: true });

  // Sort the senders by flows, largest first, then export what the table holds.
  await page.goto(`${url}console/flows`);
  await page.waitForSelector("#senders table");
  await page.click('#senders th:has-text("Flows") button');
  const flows = await page.$$eval("#senders tbody tr td:nth-child(6)", (cells) =>
    cells.map((c) => Number((c.textContent ?? "").replace(/,/g, ""))),
  );
  assert.ok(flows.length > 1);
  assert.deepEqual(
    flows,
    flows.slice().sort((a, b) => b - a),
    "sorted by flows, descending",
  );
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#senders button.export")]);
  const csv = readFileSync((await download.path()) as string, "utf8").split("\r\n");
  assert.equal(download.suggestedFilename(), "direct-to-mx-senders.csv");
  assert.match(csv[0] as string, /^Address,Subscriber,Class,Region,Pool,Flows/);
  assert.equal(csv.length - 2, flows.length);
  assert.equal(Number((csv[1] as string).split(",")[5]), flows[0]);

  // Attacker-controlled text shows as text.
  await page.goto(`${url}console/reputation`);
  await page.waitForSelector("#complaints table");
  assert.ok(
    await page.$$eval(
      "#complaints td",
      (cells, subject) => cells.some((c) => c.textContent === subject),
      HOSTILE_SUBJECT,
    ),
  );
  await page.click(`#complaints td:text-is("${HOSTILE_SUBJECT.replace(/"/g, '\\"')}")`);
  await page.waitForSelector("#complaint-detail dl");
  assert.equal(await page.$$eval("main script", (scripts) => scripts.length), 0);
  await page.goto(`${url}console/honeypot`);
  await page.waitForSelector("#sessions table");
  await page.click(`#sessions td:text-is("${HOSTILE_HELO}")`);
  await page.waitForSelector("#session-detail dl");
  assert.ok(
    await page.$$eval(
      "#session-detail dd",
      (cells, helo) => cells.some((c) => c.textContent === helo),
      HOSTILE_HELO,
    ),
  );
  assert.equal(await page.$$eval("img", (images) => images.length), 0);
  await page.screenshot({ path: join(SHOTS, "console-honeypot-session.png"), fullPage: true });

  // Release the held account.
  await page.goto(`${url}console/submission`);
  await page.waitForSelector("#held table");
  assert.ok(
    await page.$$eval(
      "#held td",
      (cells, account) => cells.some((c) => c.textContent === account),
      HELD_ACCOUNT,
    ),
  );
  await page.click('#held button:has-text("Release")');
  await page.waitForSelector('#held p:has-text("No account is on hold.")');
  await page.screenshot({ path: join(SHOTS, "console-submission-released.png"), fullPage: true });

  // The help page for an address in each phase.
  for (const [phase, address] of Object.entries(PHASE_ADDRESSES)) {
    await page.goto(`${url}?address=${address}`);
    const verdict = await page.getAttribute(".verdict", "class");
    assert.equal(
      verdict,
      { enforce: "verdict blocked", observe: "verdict soon", open: "verdict soon" }[phase],
      `${phase}: ${verdict}`,
    );
    await page.screenshot({ path: join(SHOTS, `help-${phase}.png`) });
  }

  // No mailbox server is configured here, so autoconfig is off at both clients' paths
  // (test/web/autoconfig.test.ts checks the documents themselves).
  const thunderbird = await page.request.get(`${url}mail/config-v1.1.xml?emailaddress=ana@example.net`);
  const autodiscover = await page.request.post(`${url}autodiscover/autodiscover.xml`, {
    headers: { "content-type": "text/xml" },
    data: `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>ana@example.net</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`,
  });
  for (const response of [thunderbird, autodiscover]) {
    assert.equal(response.status(), 404);
    assert.match(await response.text(), /autoconfig is off/);
  }

  assert.deepEqual(problems, []);
});

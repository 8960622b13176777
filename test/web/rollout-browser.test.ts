/**
 * The programme in a real browser (Debian's Chromium, headless, through playwright-core) against
 * `porteiro serve` on loopback over the demo programme: the coordinator, an ISP's admin and the
 * public. Screenshots go to test-output/.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { addDays, today } from "../../src/core/index.js";
import { seedRolloutDemo } from "../../src/rollout/index.js";
import { openStore } from "../../src/store/index.js";
import { OperatorStore } from "../../src/web/index.js";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { serveWeb } from "../helpers/web-serve.js";
import { PASSWORD } from "./app.js";

const SHOTS = "test-output";

/** The demo programme around today, with a coordinator and the demo ISP's admin who can log in. */
async function seed(dataDir: string): Promise<void> {
  const day = today();
  const regions = [
    { id: "sul", name: "Sul", observeFrom: addDays(day, -150), enforceFrom: addDays(day, -120) },
    { id: "norte", name: "Norte", enforceFrom: addDays(day, -20) },
    { id: "leste", name: "Leste", enforceFrom: addDays(day, 60) },
  ];
  writeFileSync(
    join(dataDir, "plan.yaml"),
    `isp: { name: Example Telecom }\nregions:\n${regions.map((r) => `  - { id: ${r.id}, name: ${r.name}, enforce_from: ${r.enforceFrom} }`).join("\n")}\npools:\n  - { prefix: 127.0.0.0/8, kind: dynamic, region: norte }\n`,
  );
  const store = openStore(dataDir);
  const operators = new OperatorStore(store);
  await operators.add("coord", PASSWORD, "operator");
  await operators.add("ispadmin", PASSWORD, "operator");
  seedRolloutDemo(store, {
    today: day,
    regions,
    demoIspName: "Example Telecom",
    coordinatorUsername: "coord",
    ispAdminUsername: "ispadmin",
  });
  store.close();
}

async function logIn(browser: Browser, url: string, username: string): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => assert.fail(`script error on ${page.url()}: ${error.message}`));
  await page.goto(`${url}console/login?next=/console/rollout`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(/\/console\/rollout$/), page.click('button[type="submit"]')]);
  return page;
}

test("the programme in Chromium: coordinator, ISP admin and the public page", async (t) => {
  if (!requirePeers(t, ["chromium"])) return;
  const data = tempDir(t, "rollout-browser");
  await seed(data);
  const { url, child } = await serveWeb(data, { timeoutMs: 60_000 });
  t.after(() => child.kill("SIGTERM"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  t.after(() => browser.close());
  mkdirSync(SHOTS, { recursive: true });

  await t.test(
    "the coordinator sees the timeline, commitments, curves, noise and silence, and records noise",
    async () => {
      const page = await logIn(browser, url, "coord");
      assert.equal(await page.locator("table.timeline tbody tr").count(), 4);
      assert.ok((await page.locator("table.commitments td .state-met").count()) > 0);
      assert.ok((await page.locator("table.commitments td .state-late").count()) > 0);
      assert.equal(await page.locator("#national svg polyline").count(), 3);
      assert.match((await page.locator("#silent").textContent()) ?? "", /Fibra Vale/);
      assert.ok((await page.locator("#noise figure").count()) >= 2);
      await page.screenshot({ path: join(SHOTS, "rollout-coordinator.png"), fullPage: true });
      const form = page.locator("#noise-form");
      // The organisation is typed: the page offers the ones whose name holds the text, from the API.
      const org = form.locator('input[name="org_id"]');
      await org.fill("Cabo");
      await page.waitForSelector('#org-choices option[value="cabo-norte"]', { state: "attached" });
      await org.fill("cabo-norte");
      await form.locator('select[name="region_id"]').selectOption("norte");
      await form.locator('input[name="note"]').fill("browser test <b>call</b>");
      await Promise.all([page.waitForEvent("load"), form.locator('button[type="submit"]').click()]);
      await page.goto(`${url}console/rollout/orgs/cabo-norte`);
      assert.equal(await page.locator("#noise td", { hasText: "browser test <b>call</b>" }).count(), 1);
    },
  );

  await t.test(
    "an ISP admin enters and publishes a report for its organisation and changes nothing else",
    async () => {
      const page = await logIn(browser, url, "ispadmin");
      assert.equal(await page.locator("#forms").count(), 0, "no programme forms on the coordinator's page");
      await page.click('a[href="/console/rollout/orgs/example-telecom"]');
      const before = await page.locator("table.reports tbody tr").count();
      const form = page.locator("#report-form");
      await form.locator('select[name="region"]').selectOption("leste");
      await form.locator('select[name="phase"]').selectOption("observe");
      await form.locator('input[name="adoption_pct"]').fill("81.5");
      await Promise.all([page.waitForEvent("load"), form.locator('button[type="submit"]').click()]);
      // Newest first, a page at a time: the new report is on the first page, the oldest may move on.
      const after = await page.locator("table.reports tbody tr").count();
      const paged = (await page.locator("#reports p.more a").count()) === 1;
      assert.ok(after === before + 1 || (paged && after === before), `${before} → ${after} reports shown`);
      const newest = page.locator("table.reports tbody tr").first();
      assert.match((await newest.textContent()) ?? "", /leste.*observe.*81\.5%.*entered by ispadmin/s);
      await Promise.all([page.waitForEvent("load"), newest.locator('button:has-text("Publish")').click()]);
      assert.equal(
        await page.locator("table.reports tbody tr").first().locator('button:has-text("Unpublish")').count(),
        1,
      );
      await page.screenshot({ path: join(SHOTS, "rollout-isp-admin.png"), fullPage: true });
      // Another organisation's page offers no forms, and the API refuses the change anyway.
      await page.goto(`${url}console/rollout/orgs/cabo-norte`);
      assert.equal(await page.locator("#forms").count(), 0);
      const refused = await page.evaluate(() =>
        window.porteiro
          .api("/api/rollout/noise", {
            method: "POST",
            body: { org_id: "cabo-norte", day: "2020-01-01", category: "other" },
          })
          .then(
            () => "accepted",
            (error: Error) => error.message,
          ),
      );
      assert.match(refused, /you may change only the data of example-telecom/);
    },
  );

  await t.test(
    "the public page needs no login, runs no script, and the help form takes a report",
    async () => {
      const page = await browser.newPage();
      await page.goto(`${url}transparency`);
      assert.equal(await page.locator("script").count(), 0);
      assert.match(
        (await page.locator("#participants").textContent()) ?? "",
        /Grande Telecom.*Example Telecom|Example Telecom.*Grande Telecom/s,
      );
      assert.ok((await page.locator("#commitments tbody tr").count()) > 5);
      assert.equal(await page.locator("#trends svg polyline").count(), 3);
      assert.doesNotMatch(await page.content(), /Fibra Vale abuse desk|browser test/);
      await page.screenshot({ path: join(SHOTS, "rollout-transparency.png"), fullPage: true });
      await page.goto(url);
      await page.click('a[href="/cannot-send"]');
      await page.fill('textarea[name="note"]', "Since Monday Outlook cannot send");
      await Promise.all([page.waitForEvent("load"), page.click('button[type="submit"]')]);
      assert.match((await page.locator("h1").textContent()) ?? "", /Thank you/);
    },
  );
});

declare global {
  interface Window {
    porteiro: { api(path: string, options: { method: string; body: unknown }): Promise<unknown> };
  }
}

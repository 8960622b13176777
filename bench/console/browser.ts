import { chromium } from "playwright-core";

/** The overview's charts and table, drawn from /api/overview's data. */
const CHARTS = ["direct", "adoption", "listed", "complaints"];

/**
 * The overview page's time to interactive in Chromium (headless, Debian's), logged in: from the
 * start of the navigation (the page's own clock) to its four uPlot canvases and the regions
 * table being in the page, once per run, each a fresh navigation.
 */
export async function overviewInteractive(
  url: string,
  username: string,
  password: string,
  runs: number,
): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${url}console/login`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await Promise.all([page.waitForURL(`${url}console/`), page.click('button[type="submit"]')]);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await page.goto(`${url}console/`, { waitUntil: "commit" });
      const ready = await page.waitForFunction(
        (charts) =>
          charts.every((id) => document.querySelector(`#${id} canvas`)) &&
          document.querySelector("#regions tbody tr") &&
          performance.now(),
        CHARTS,
        { polling: "raf", timeout: 120_000 },
      );
      times.push((await ready.jsonValue()) as number);
    }
    return times;
  } finally {
    await browser.close();
  }
}

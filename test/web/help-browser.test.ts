/**
 * The help site in a real browser (Debian's Chromium, headless, through playwright-core) against
 * `porteiro serve` on loopback, for a Brazilian ISP: Portuguese by default, the switcher to
 * Spanish and English remembered across pages, and no English left on the Portuguese and Spanish
 * pages apart from names and commands.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { chromium, type Page } from "playwright-core";
import { type Language, SHIPPED_CATALOGUES } from "../../src/i18n/index.js";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { serveWeb } from "../helpers/web-serve.js";

const SHOTS = "test-output";
const PLAN = `isp: { name: Example Telecom, country: BR }
regions:
  - { id: sul, name: Sul, observe_from: 2020-01-01, enforce_from: 2021-01-01 }
pools:
  - { prefix: 127.0.0.0/8, kind: dynamic, region: sul }
`;
const GUIDES = ["thunderbird", "outlook", "apple-mail", "android", "ios"];

const wordsOf = (text: string) => new Set(text.toLowerCase().match(/\p{L}+/gu) ?? []);
const catalogueWords = (language: Language) => wordsOf(Object.values(SHIPPED_CATALOGUES[language]).join(" "));

/**
 * English a page must not show: the English catalogue's words that the language's own catalogue
 * does not use (names such as Thunderbird or SMTP are in both), and common English words.
 */
function englishFor(language: Language): Set<string> {
  const own = catalogueWords(language);
  const english = [...catalogueWords("en")].filter((word) => !own.has(word));
  return new Set([...english, "the", "and", "your", "you", "with", "from", "this", "is", "to", "of", "for"]);
}

/**
 * The words a reader sees, leaving out commands and settings (code), the switcher's language
 * names, the ISP's and regions' names, and the link to /transparency, which is not translated yet.
 */
function visibleWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const skip of body.querySelectorAll('code, nav.languages, li:has(> a[href="/transparency"])'))
      skip.remove();
    return (body.textContent ?? "").replace(/Example Telecom|Sul/g, " ");
  });
}

test("the help site in Chromium: Portuguese by default, Spanish and English on request, no English left", async (t) => {
  if (!requirePeers(t, ["chromium"])) return;
  const data = tempDir(t, "help-browser");
  writeFileSync(join(data, "plan.yaml"), PLAN);
  const { url, child } = await serveWeb(data, { timeoutMs: 60_000 });
  t.after(() => child.kill("SIGTERM"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  t.after(() => browser.close());
  mkdirSync(SHOTS, { recursive: true });
  // A browser that asks for no language of ours: the plan's country decides.
  const page = await browser.newPage({ locale: "de-DE" });
  page.on("pageerror", (error) => assert.fail(`script error on ${page.url()}: ${error.message}`));

  const paths = ["/", "/?address=127.0.0.9", ...GUIDES.map((g) => `/help/${g}`), "/cannot-send"];
  const expected: Record<Language, RegExp> = {
    "pt-BR": /Ainda consigo enviar e-mails\?/,
    es: /¿Todavía puedo enviar correos\?/,
    en: /Can I still send e-mail\?/,
  };
  for (const language of ["pt-BR", "es", "en"] as const) {
    await page.goto(url);
    if (language !== "pt-BR") await page.click(`nav.languages a[lang="${language}"]`);
    assert.match((await page.locator("h1").textContent()) ?? "", expected[language]);
    const english = englishFor(language);
    for (const path of paths) {
      // The choice made on the first page holds on every other (the cookie), without ?lang=.
      await page.goto(new URL(path, url).href);
      assert.equal(await page.getAttribute("html", "lang"), language, path);
      if (language === "en") continue;
      const left = [...wordsOf(await visibleWords(page))].filter((word) => english.has(word));
      assert.deepEqual(left, [], `English on ${language} ${path}`);
    }
    await page.goto(new URL("/help/thunderbird", url).href);
    await page.screenshot({ path: join(SHOTS, `help-thunderbird-${language}.png`), fullPage: true });
  }
});

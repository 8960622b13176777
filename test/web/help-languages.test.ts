import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { LANGUAGES, REFERENCE_LANGUAGE, SHIPPED_CATALOGUES } from "../../src/i18n/index.js";
import { PLAN, testApp } from "./app.js";

/** Every public page this part translates: the home with each verdict, each guide, the form. */
const PAGES = [
  "/",
  "/?address=203.0.113.7",
  "/?address=198.51.100.7",
  "/?address=198.51.100.200",
  "/?address=203.0.113.70",
  "/?address=203.0.113.99",
  "/?address=192.0.2.1",
  "/?address=not-an-address",
  "/help/thunderbird",
  "/help/outlook",
  "/help/apple-mail",
  "/help/android",
  "/help/ios",
  "/cannot-send",
];
const IDS = Object.keys(SHIPPED_CATALOGUES[REFERENCE_LANGUAGE]);

test("each public page in each language: <html lang>, no message id shown, the switcher", async (t) => {
  const { app } = await testApp(t, {
    config: {
      support_contact: "0800 000 0000",
      email_domains: ["example.net"],
      incoming: [
        { protocol: "imap", host: "imap.example.net", port: 993, socket: "SSL", login: "address" },
        { protocol: "pop3", host: "pop.example.net", port: 995, socket: "SSL", login: "local-part" },
      ],
    },
  });
  for (const language of LANGUAGES)
    for (const url of PAGES) {
      const page = await app.inject({ url: `${url}${url.includes("?") ? "&" : "?"}lang=${language}` });
      assert.equal(page.statusCode, 200, `${language} ${url}`);
      assert.match(page.body, new RegExp(`<html lang="${language}">`), `${language} ${url}`);
      const shown = IDS.filter((id) => page.body.includes(id));
      assert.deepEqual(shown, [], `${language} ${url} shows message ids`);
      assert.doesNotMatch(page.body, /\[object Object\]|undefined|\{[a-zA-Z]+\}/, `${language} ${url}`);
      assert.match(page.body, /<nav class="languages"/, `${language} ${url}`);
    }
});

test("?lang= is remembered in a cookie; the cookie, then Accept-Language, then the default decide", async (t) => {
  const { app } = await testApp(t, { config: { default_language: "es" } });
  const asked = await app.inject({ url: "/help/ios?lang=pt-BR", headers: { "accept-language": "en" } });
  assert.match(
    String(asked.headers["set-cookie"]),
    /porteiro_lang=pt-BR; Path=\/; Max-Age=\d+; SameSite=Lax/,
  );
  assert.match(asked.body, /Abra <strong>Ajustes<\/strong>/);
  assert.match(String(asked.headers.vary), /Accept-Language, Cookie/);
  const lang = async (headers: Record<string, string>) =>
    /<html lang="([^"]+)">/.exec((await app.inject({ url: "/", headers })).body)?.[1];
  assert.equal(await lang({ cookie: "porteiro_lang=pt-BR", "accept-language": "en" }), "pt-BR");
  assert.equal(await lang({ cookie: "porteiro_lang=fr", "accept-language": "en-GB,en;q=0.9" }), "en");
  assert.equal(await lang({ "accept-language": "de-DE" }), "es");
  assert.equal(await lang({}), "es");
  // The form's own cookie and the language's go out together.
  const form = await app.inject({ url: "/cannot-send?lang=en" });
  const cookies = ([] as string[]).concat(form.headers["set-cookie"] ?? []);
  assert.deepEqual(cookies.map((c) => c.split("=")[0]).sort(), ["porteiro_help_form", "porteiro_lang"]);
  // Machine interfaces stay as they are.
  const health = await app.inject({ url: "/healthz?lang=pt-BR" });
  assert.equal(health.headers.vary, undefined);
});

test("a Brazilian plan's site is in Portuguese by default, with dates and the form's errors in it", async (t) => {
  const { app, context } = await testApp(t);
  writeFileSync(context.plan.file as string, PLAN.replace("asn: 64500 }", "asn: 64500, country: BR }"));
  const home = await app.inject({ url: "/?address=203.0.113.7" });
  assert.match(home.body, /<html lang="pt-BR">/);
  assert.match(home.body, /Desde <strong>1 de janeiro de 2021<\/strong>/);
  assert.match(home.body, /Norte|Sul/);
  const expired = await app.inject({
    method: "POST",
    url: "/cannot-send",
    headers: { origin: "http://localhost:80", host: "localhost:80" },
    payload: { _form: "forged", note: "x" },
  });
  assert.equal(expired.statusCode, 403);
  assert.match(expired.body, /Este formulário expirou\./);
  assert.match(home.body, /Não consigo enviar e-mails desde…<\/a> — conte para nós/);
});

import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import {
  Catalogues,
  fromAcceptLanguage,
  LANGUAGES,
  overrideFile,
  placeholdersOf,
  REFERENCE_LANGUAGE,
  SHIPPED_CATALOGUES,
} from "../../src/i18n/index.js";
import { tempDir } from "../helpers/tmp.js";

const reference = SHIPPED_CATALOGUES[REFERENCE_LANGUAGE];

test("every language has every message, and no message another language lacks", () => {
  const ids = Object.keys(reference).sort();
  for (const language of LANGUAGES)
    assert.deepEqual(Object.keys(SHIPPED_CATALOGUES[language]).sort(), ids, language);
});

test("each message takes the same placeholders and tags in every language", () => {
  for (const [id, english] of Object.entries(reference)) {
    const expected = placeholdersOf(english);
    for (const language of LANGUAGES) {
      const message = SHIPPED_CATALOGUES[language][id] as string;
      assert.deepEqual(placeholdersOf(message), expected, `${language} ${id}`);
      assert.notEqual(message.trim(), "", `${language} ${id} is empty`);
    }
  }
});

test("plurals, numbers, percentages and dates follow the language", () => {
  const catalogues = new Catalogues();
  const pt = catalogues.of("pt-BR");
  assert.equal(pt.text("cannotSend.tooLong", { max: 1 }), "Escreva no máximo 1 caractere, por favor.");
  assert.equal(
    pt.text("cannotSend.tooLong", { max: 1500 }),
    "Escreva no máximo 1.500 caracteres, por favor.",
  );
  assert.equal(pt.number(1234.5), "1.234,5");
  assert.equal(pt.date("2026-12-07", "short"), "07/12/2026");
  assert.equal(pt.date("2026-12-07"), "7 de dezembro de 2026");
  assert.equal(pt.percent(0.125).replace(/\s/g, " "), "12,5%");
  assert.equal(catalogues.of("es").date("2026-12-07"), "7 de diciembre de 2026");
  assert.equal(catalogues.of("en").number(1234.5), "1,234.5");
  assert.equal(catalogues.of("en").text("cannotSend.tooLong", { max: 1 }), "Please keep it to 1 character.");
  assert.deepEqual(pt.list(["a", "b", "c"], "disjunction"), ["a", ", ", "b", " ou ", "c"]);
});

test("Accept-Language picks our first language by weight, then order; q=0 refuses one", () => {
  assert.equal(fromAcceptLanguage("pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7"), "pt-BR");
  assert.equal(fromAcceptLanguage("fr-FR, es-AR;q=0.5, en;q=0.6"), "en");
  assert.equal(fromAcceptLanguage("es-419"), "es");
  assert.equal(fromAcceptLanguage("pt-PT;q=0, en;q=0.1"), "en");
  assert.equal(fromAcceptLanguage("de, fr;q=0.9, *;q=0.1"), undefined);
  assert.equal(fromAcceptLanguage("pt;q=2, es;q=abc"), undefined);
  assert.equal(fromAcceptLanguage(undefined), undefined);
});

test("any Accept-Language header gives one of our languages or none, and never throws", () => {
  const tag = fc.constantFrom("pt", "pt-BR", "es", "es-419", "en", "en-GB", "fr", "*", "x y", "");
  const weight = fc.constantFrom("", ";q=0", ";q=0.5", ";q=1", ";q=1.000", ";q=7", ";Q=0.3", ";q=");
  const header = fc.oneof(
    fc.array(fc.tuple(tag, weight).map(([t, w]) => t + w)).map((ranges) => ranges.join(", ")),
    fc.string({ maxLength: 600 }),
  );
  fc.assert(
    fc.property(header, (value) => {
      const language = fromAcceptLanguage(value);
      assert.ok(language === undefined || (LANGUAGES as readonly string[]).includes(language));
    }),
  );
});

test("an ISP’s override replaces a message; a bad override is refused with FILE:LINE", (t) => {
  const data = tempDir(t, "i18n");
  mkdirSync(`${data}/messages`);
  const file = overrideFile(data, "pt-BR");
  writeFileSync(file, `{\n  "home.heading": "Seu e-mail continua funcionando?"\n}\n`);
  assert.equal(new Catalogues(data).of("pt-BR").text("home.heading"), "Seu e-mail continua funcionando?");
  const refused = (text: string, message: RegExp) => {
    writeFileSync(file, text);
    assert.throws(() => new Catalogues(data), message);
  };
  refused(
    `{\n  "home.heading": "ok",\n  "home.nope": "x"\n}`,
    /pt-BR\.json:3: no message is called "home\.nope"/,
  );
  refused(
    `{\n\n  "site.brand": "Ajuda"\n}`,
    /pt-BR\.json:3: site\.brand: uses no placeholders; the message takes \{provider\}/,
  );
  refused(`{\n  "site.brand": "{provider"\n}`, /pt-BR\.json:2: site\.brand: not ICU MessageFormat/);
  refused(`{\n  "site.brand": 3\n}`, /pt-BR\.json:2: site\.brand: the message must be text/);
  refused(`{\n  "site.brand": \n}`, /pt-BR\.json:\d+: not JSON/);
});

/**
 * The shipped catalogues, one per language with English as the reference, and an ISP's overrides
 * from DATA/messages/LANG.json (a JSON object of message ids to messages): an override may
 * replace any shipped message, keeping its placeholders, and nothing else.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/index.js";
import en from "./catalogues/en.json" with { type: "json" };
import es from "./catalogues/es.json" with { type: "json" };
import ptBR from "./catalogues/pt-BR.json" with { type: "json" };
import { LANGUAGES, type Language } from "./languages.js";
import { type Catalogue, Messages } from "./messages.js";
import { placeholdersOf } from "./placeholders.js";

export const SHIPPED_CATALOGUES: Readonly<Record<Language, Catalogue>> = { "pt-BR": ptBR, es, en };

/** Where an ISP's overrides for `language` live under its data folder. */
export const overrideFile = (dataDir: string, language: Language) =>
  join(dataDir, "messages", `${language}.json`);

/** The line of `text` that holds the key `id`, for a FILE:LINE message (1 when it cannot be found). */
function lineOf(text: string, id: string): number {
  const at = text.indexOf(JSON.stringify(id));
  return at < 0 ? 1 : text.slice(0, at).split("\n").length;
}

/** An override file, checked whole: a bad file is refused with FILE:LINE and nothing of it is used. */
function readOverrides(file: string): Catalogue {
  const text = readFileSync(file, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const line = position ? text.slice(0, Number(position)).split("\n").length : 1;
    throw new UserError(`${file}:${line}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new UserError(`${file}:1: expected a JSON object of message ids to messages`);
  for (const [id, message] of Object.entries(parsed)) {
    const where = `${file}:${lineOf(text, id)}`;
    const reference = (en as Catalogue)[id];
    if (reference === undefined) throw new UserError(`${where}: no message is called ${JSON.stringify(id)}`);
    if (typeof message !== "string") throw new UserError(`${where}: ${id}: the message must be text`);
    let given: string[];
    try {
      given = placeholdersOf(message);
    } catch (error) {
      throw new UserError(`${where}: ${id}: not ICU MessageFormat (${(error as Error).message})`);
    }
    const expected = placeholdersOf(reference);
    if (given.join(" ") !== expected.join(" "))
      throw new UserError(
        `${where}: ${id}: uses ${given.join(" ") || "no placeholders"}; the message takes ${expected.join(" ") || "none"}`,
      );
  }
  return parsed as Catalogue;
}

/** Every language's messages: English first, then the shipped language, then the ISP's overrides. */
export class Catalogues {
  private readonly byLanguage: Readonly<Record<Language, Messages>>;

  /** `dataDir`: where messages/LANG.json overrides are looked for; read once, here. */
  constructor(dataDir?: string) {
    const load = (language: Language): Messages => {
      const file = dataDir && overrideFile(dataDir, language);
      const overrides = file && existsSync(file) ? readOverrides(file) : {};
      return new Messages(language, { ...en, ...SHIPPED_CATALOGUES[language], ...overrides });
    };
    this.byLanguage = Object.fromEntries(LANGUAGES.map((l) => [l, load(l)])) as Record<Language, Messages>;
  }

  of(language: Language): Messages {
    return this.byLanguage[language];
  }
}

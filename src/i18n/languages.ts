/** The languages every page a person reads comes in; English is the catalogues' reference. */
export const LANGUAGES = ["pt-BR", "es", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const REFERENCE_LANGUAGE: Language = "en";

/** Each language's name in itself, for a switcher a reader of that language recognises. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  "pt-BR": "Português",
  es: "Español",
  en: "English",
};

/**
 * The language a tag asks for (pt, pt_BR, pt-PT, es-AR, en-GB, …): by its primary subtag, since
 * one Portuguese, one Spanish and one English are all there is. Undefined for any other.
 */
export function languageOf(tag: string): Language | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === "pt") return "pt-BR";
  if (primary === "es" || primary === "en") return primary;
  return undefined;
}

/** Exactly one of the three tags, as `?lang=` and the cookie carry it. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

import { type Language, languageOf } from "./languages.js";

/** The longest header read: browsers send a few dozen characters; a longer one is cut, not parsed whole. */
const MAX_HEADER = 500;

/**
 * The first of our languages an `Accept-Language` header (RFC 9110 §12.5.4) asks for, by weight
 * and then by order; a range with q=0 is refused, `*` and malformed ranges add nothing.
 */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const wanted: { language: Language; q: number; order: number }[] = [];
  const refused = new Set<Language>();
  header
    .slice(0, MAX_HEADER)
    .split(",")
    .forEach((range, order) => {
      const [tag = "", ...parameters] = range.split(";").map((part) => part.trim());
      if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return;
      const language = languageOf(tag);
      if (!language) return;
      const q = weightOf(parameters);
      if (q === undefined) return;
      if (q === 0) refused.add(language);
      else wanted.push({ language, q, order });
    });
  wanted.sort((a, b) => b.q - a.q || a.order - b.order);
  return wanted.find((w) => !refused.has(w.language))?.language;
}

/** A range's q, 1 without one; undefined when it is not a number from 0 to 1 with at most 3 decimals. */
function weightOf(parameters: readonly string[]): number | undefined {
  const q = parameters.find((p) => /^q\s*=/i.test(p));
  if (q === undefined) return 1;
  const value = q.replace(/^q\s*=\s*/i, "");
  return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : undefined;
}

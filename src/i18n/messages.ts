import IntlMessageFormat from "intl-messageformat";
import type en from "./catalogues/en.json";
import type { Language } from "./languages.js";

/** A message's id: the English catalogue names every one. */
export type MessageId = keyof typeof en;
export type Catalogue = Readonly<Record<string, string>>;

/** A value a message takes: text and numbers as they are, anything else only in `rich`. */
export type Plain = string | number;

/**
 * Intl's locale for each language. English dates are written day first ("1 January 2021"), as
 * most English readers outside the US read them.
 */
const FORMAT_LOCALE: Readonly<Record<Language, string>> = { "pt-BR": "pt-BR", es: "es", en: "en-GB" };

/**
 * One language's messages: formatted with ICU MessageFormat (plurals, selects, numbers) and Intl
 * for numbers, percentages and dates, for pages and notices alike.
 */
export class Messages {
  private readonly formats = new Map<string, IntlMessageFormat>();
  readonly locale: string;

  /** `catalogue` holds every id, each in this language or else in English. */
  constructor(
    readonly language: Language,
    private readonly catalogue: Catalogue,
  ) {
    this.locale = FORMAT_LOCALE[language];
  }

  /** A message as plain text (a notice's text part, a title, an attribute). */
  text(id: MessageId, values: Readonly<Record<string, Plain>> = {}): string {
    const formatted = this.format(id).format<never>(values);
    return Array.isArray(formatted) ? formatted.join("") : String(formatted);
  }

  /**
   * A message with rich values and tags: the text pieces (for the caller to escape) and the
   * values of type `T` in order. A tag `<x>…</x>` calls the value `x` with what it encloses.
   */
  rich<T extends object>(
    id: MessageId,
    values: Readonly<Record<string, Plain | T | ((chunks: (string | T)[]) => T)>>,
  ): (string | T)[] {
    const formatted = this.format(id).format<T>(values);
    return Array.isArray(formatted) ? formatted : [formatted as string | T];
  }

  number(value: number, options?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(this.locale, options).format(value);
  }

  /** A fraction (0.25) as a percentage, as the language writes it ("25%", "25 %"). */
  percent(fraction: number, maximumFractionDigits = 1): string {
    return this.number(fraction, { style: "percent", maximumFractionDigits });
  }

  /** A day (YYYY-MM-DD) written out, "1 de janeiro de 2021", or short, "01/01/2021". */
  date(day: string, style: "long" | "short" = "long"): string {
    const options: Intl.DateTimeFormatOptions =
      style === "long"
        ? { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }
        : { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" };
    return new Intl.DateTimeFormat(this.locale, options).format(new Date(`${day}T00:00:00Z`));
  }

  /** Items joined as the language lists them ("a, b or c", "a, b ou c"), the items kept as they are. */
  list<T>(items: readonly T[], type: "conjunction" | "disjunction" = "conjunction"): (string | T)[] {
    const parts = new Intl.ListFormat(this.locale, { type }).formatToParts(items.map((_, i) => String(i)));
    return parts.map((part) => (part.type === "element" ? (items[Number(part.value)] as T) : part.value));
  }

  private format(id: MessageId): IntlMessageFormat {
    let format = this.formats.get(id);
    if (!format) {
      const message = this.catalogue[id];
      // The catalogue test and the override check keep every id in every language.
      if (message === undefined) throw new Error(`no message ${id} in ${this.language}`);
      format = new IntlMessageFormat(message, this.locale, undefined, { ignoreTag: false });
      this.formats.set(id, format);
    }
    return format;
  }
}

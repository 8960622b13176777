/**
 * Notice texts: one plain-text and one HTML template per kind and language, shipped in
 * templates/LANG/KIND.{txt,html} and overridable by a file of the same name under the data
 * folder's campaigns/templates/. The text template's first line is `Subject: …`. `{{name}}`
 * placeholders take the notice's values: as they are in the text, HTML-escaped in the HTML.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/index.js";

export const NOTICE_KINDS = ["mail-client", "bot-like", "server"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const NOTICE_LANGUAGES = ["pt-BR", "es", "en"] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

const SHIPPED = join(dirname(fileURLToPath(import.meta.url)), "templates");

export interface RenderedNotice {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** The language a subscriber's own tag picks (pt, pt_BR, es-AR, en-GB, …), else the default. */
export function noticeLanguage(tag: string, fallback: NoticeLanguage): NoticeLanguage {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === "pt") return "pt-BR";
  if (primary === "es" || primary === "en") return primary;
  return fallback;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

const REMINDER: Record<NoticeLanguage, string> = { "pt-BR": "Lembrete", es: "Recordatorio", en: "Reminder" };

/** A notice sent again: the subject says it is a reminder, in the notice's language. */
export function asReminder(notice: RenderedNotice, language: NoticeLanguage): RenderedNotice {
  return { ...notice, subject: `${REMINDER[language]}: ${notice.subject}` };
}

export class NoticeTemplates {
  private readonly cache = new Map<string, { subject: string; text: string; html: string }>();

  /** `dataDir`: where campaigns/templates/ overrides are looked for. */
  constructor(private readonly dataDir?: string) {}

  private file(language: NoticeLanguage, kind: NoticeKind, extension: "txt" | "html"): string {
    const name = join(language, `${kind}.${extension}`);
    const override = this.dataDir && join(this.dataDir, "campaigns", "templates", name);
    const path = override && existsSync(override) ? override : join(SHIPPED, name);
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      throw new UserError(`${path}: cannot read the notice template (${(error as Error).message})`);
    }
  }

  private template(language: NoticeLanguage, kind: NoticeKind) {
    const key = `${language}/${kind}`;
    const known = this.cache.get(key);
    if (known) return known;
    const source = this.file(language, kind, "txt");
    const match = /^Subject: *(.*)\r?\n/.exec(source);
    if (!match) throw new UserError(`${language}/${kind}.txt:1: a notice template starts with "Subject: …"`);
    const loaded = {
      subject: match[1] as string,
      text: source.slice(match[0].length),
      html: this.file(language, kind, "html"),
    };
    this.cache.set(key, loaded);
    return loaded;
  }

  render(
    language: NoticeLanguage,
    kind: NoticeKind,
    values: Readonly<Record<string, string>>,
  ): RenderedNotice {
    const t = this.template(language, kind);
    const fill = (text: string, encode: (s: string) => string, extra: Record<string, string> = {}) =>
      text.replace(/\{\{([a-z_]+)\}\}/g, (whole, name: string) => {
        const value = extra[name] ?? values[name];
        return value === undefined ? whole : encode(value);
      });
    // A header holds one line: a value's line breaks become spaces.
    const subject = fill(t.subject, (s) => s.replace(/[\r\n]+/g, " ")).trim();
    return {
      subject,
      text: fill(t.text, (s) => s),
      html: fill(t.html, escapeHtml, { subject }),
    };
  }
}

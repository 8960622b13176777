import type { FastifyRequest } from "fastify";
import { LANGUAGE_NAMES, LANGUAGES, type MessageId, type Messages, type Plain } from "../i18n/index.js";
import type { WebContext } from "./context.js";
import { type Html, html } from "./html.js";

/** A value a page message takes: text (escaped), markup of our own, or a tag's markup. */
export type PageValue = Plain | Html | ((chunks: (string | Html)[]) => Html);

/** The tags any message may use without the page naming them. */
const TAGS = {
  strong: (chunks: (string | Html)[]) => html`<strong>${chunks}</strong>`,
  code: (chunks: (string | Html)[]) => html`<code>${chunks}</code>`,
};

/** A link around a tag's text: `{ guides: linkTo("/") }` for `<guides>the guides</guides>`. */
export const linkTo =
  (href: string) =>
  (chunks: (string | Html)[]): Html =>
    html`<a href="${href}">${chunks}</a>`;

/** The words of one page for one visitor: messages as markup, in the visitor's language. */
export class PageText {
  constructor(
    readonly messages: Messages,
    /** The page's own path and query, for the language switcher's links. */
    private readonly url: string,
    private readonly context: WebContext,
  ) {}

  /** A message as markup: its text escaped, its values escaped unless they are `Html`. */
  t(id: MessageId, values: Readonly<Record<string, PageValue>> = {}): Html {
    return html`${this.messages.rich<Html | ((chunks: (string | Html)[]) => Html)>(id, { ...TAGS, ...values })}`;
  }

  /** A message as plain text, for a title or an attribute (escaped where it is put). */
  text(id: MessageId, values: Readonly<Record<string, Plain>> = {}): string {
    return this.messages.text(id, values);
  }

  /** The name subscribers know the ISP by, or "your Internet provider" in this language. */
  get provider(): string {
    return (
      this.context.config.provider_name ??
      this.context.plan.current()?.isp.name ??
      this.text("site.defaultProvider")
    );
  }

  /** Links to this page in each other language, each named in its own. */
  switcher(): Html {
    const current = new URL(this.url, "http://page.invalid");
    const links = LANGUAGES.map((language) => {
      if (language === this.messages.language)
        return html`<strong lang="${language}" aria-current="true">${LANGUAGE_NAMES[language]}</strong>`;
      current.searchParams.set("lang", language);
      return html`<a href="${current.pathname}${current.search}" lang="${language}" hreflang="${language}">${LANGUAGE_NAMES[language]}</a>`;
    });
    return html`<nav class="languages" aria-label="${this.text("site.languages")}">${links.map((link, i) => html`${i > 0 ? " · " : ""}${link}`)}</nav>`;
  }
}

/** The words for the page `request` asks for, in its language. */
export function pageText(context: WebContext, request: FastifyRequest): PageText {
  return new PageText(context.catalogues.of(request.language), request.url, context);
}

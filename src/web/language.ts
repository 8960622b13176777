/**
 * Which language a page is drawn in: an explicit `?lang=` (remembered in a cookie), else the
 * cookie, else the browser's Accept-Language, else the configured default. Every request gets
 * `request.language`, so any page can use it; machine answers (API JSON, autoconfig) ignore it.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { fromAcceptLanguage, isLanguage, type Language } from "../i18n/index.js";
import type { WebContext } from "./context.js";
import { readCookie } from "./cookies.js";

export const LANGUAGE_COOKIE = "porteiro_lang";
const A_YEAR = 365 * 24 * 3600;

declare module "fastify" {
  interface FastifyRequest {
    /** The language the visitor reads: pages are drawn in it. */
    language: Language;
  }
}

/** `web.default_language`, else Portuguese for a Brazilian ISP's plan, else English. */
export function defaultLanguage(context: WebContext): Language {
  return context.config.default_language ?? (context.plan.current()?.isp.country === "BR" ? "pt-BR" : "en");
}

function chosen(request: FastifyRequest): Language | undefined {
  const asked = (request.query as { lang?: unknown } | undefined)?.lang;
  return isLanguage(asked) ? asked : undefined;
}

export function installLanguage(app: FastifyInstance, context: WebContext): void {
  app.decorateRequest("language", "en");
  app.addHook("onRequest", async (request, reply) => {
    const asked = chosen(request);
    if (asked) {
      const secure = context.config.secure_cookies ? "; Secure" : "";
      reply.header(
        "set-cookie",
        `${LANGUAGE_COOKIE}=${asked}; Path=/; Max-Age=${A_YEAR}; SameSite=Lax${secure}`,
      );
    }
    const remembered = readCookie(request.headers.cookie, LANGUAGE_COOKIE);
    request.language =
      asked ??
      (isLanguage(remembered) ? remembered : undefined) ??
      fromAcceptLanguage(request.headers["accept-language"]) ??
      defaultLanguage(context);
  });
  // A page's words depend on these headers: a cache must not hand one visitor's language to another.
  app.addHook("onSend", async (_request, reply) => {
    if (String(reply.getHeader("content-type") ?? "").startsWith("text/html"))
      reply.header("vary", "Accept-Language, Cookie");
  });
}

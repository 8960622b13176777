import { Filter } from "ldapts";

/**
 * The placeholders a bind DN template or a search filter may hold: `{user}` the login as typed,
 * `{local}` its part before the last `@` (all of it without one), `{domain}` the part after.
 */
export type LoginPart = "user" | "local" | "domain";

const PLACEHOLDER = /\{(user|local|domain)\}/g;

/** RFC 4514 §2.4: characters a DN attribute value must escape wherever they are. */
const DN_SPECIAL = new Set([",", "+", '"', "\\", "<", ">", ";", "=", "\0"]);

/**
 * A string as an RFC 4514 attribute value: every special character, a leading space or `#` and a
 * trailing space as a `\XX` hex pair, so no login can add an RDN or change the DN's shape.
 */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  return chars
    .map((c, i) =>
      DN_SPECIAL.has(c) || (i === 0 && (c === " " || c === "#")) || (i === chars.length - 1 && c === " ")
        ? hexPairs(c)
        : c,
    )
    .join("");
}

/** An RFC 4515 assertion value: `*`, `(`, `)`, `\` and NUL as `\XX`, so no login adds a filter. */
export function escapeFilterValue(value: string): string {
  return Filter.escape(value);
}

/** `template` with each placeholder replaced by that part of `login`, escaped by `escapeValue`. */
export function fillTemplate(
  template: string,
  login: string,
  escapeValue: (value: string) => string,
): string {
  const at = login.lastIndexOf("@");
  const parts: Record<LoginPart, string> = {
    user: login,
    local: at < 0 ? login : login.slice(0, at),
    domain: at < 0 ? "" : login.slice(at + 1),
  };
  // One pass: a login holding "{domain}" is text, never replaced again.
  return template.replace(PLACEHOLDER, (_, part: LoginPart) => escapeValue(parts[part]));
}

/** Whether `template` names the login at all: `{user}` or `{local}`. */
export function namesLogin(template: string): boolean {
  return template.includes("{user}") || template.includes("{local}");
}

function hexPairs(c: string): string {
  return [...Buffer.from(c, "utf8")].map((byte) => `\\${byte.toString(16).padStart(2, "0")}`).join("");
}

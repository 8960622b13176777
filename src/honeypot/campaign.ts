import { createHash } from "node:crypto";

/**
 * What ties messages of one campaign together although each copy differs a little.
 *
 * - fingerprint: sha256 (first 16 hex digits) of the body after the header block, normalised:
 *   lower-cased; each recipient's address and local part replaced by one token; every URL cut
 *   to scheme and host (tracking paths and query strings vary per copy); runs of digits replaced
 *   by "#"; letter-and-digit tokens of 16+ characters (ids, hashes) by "*"; all whitespace removed.
 * - subject pattern: the Subject header unfolded, lower-cased, recipient tokens and digit runs
 *   replaced the same way, whitespace collapsed to one space.
 * - urls: the distinct http(s) URLs as host + path, query dropped (at most 20, 200 characters each),
 *   leaving out XML-schema hosts that HTML mail carries whatever its sender.
 *
 * MIME parts are not decoded: the raw text is what the sensor keeps, and copies of one campaign
 * share their encoding.
 */
export interface MessageFeatures {
  readonly fingerprint: string;
  readonly subjectPattern: string;
  readonly urls: readonly string[];
}

const URL_PATTERN = /https?:\/\/[^\s"'<>()\\]+/gi;
const SCHEMA_HOSTS = new Set(["www.w3.org", "schemas.microsoft.com", "schemas.openxmlformats.org"]);
const URLS_MAX = 20;

export function messageFeatures(message: Buffer, recipients: readonly string[]): MessageFeatures {
  const text = message.toString("latin1");
  const split = /\r?\n\r?\n/.exec(text);
  const head = split ? text.slice(0, split.index) : text;
  const body = split ? text.slice(split.index + split[0].length) : "";
  const tokens = recipientTokens(recipients);
  const normalised = replaceTokens(body.toLowerCase(), tokens)
    .replace(URL_PATTERN, (url) => url.replace(/^(https?:\/\/[^/?#]*).*$/i, "$1"))
    .replace(/\d+/g, "#")
    .replace(/[a-z#]{16,}/g, (token) => (token.includes("#") && /[a-z]/.test(token) ? "*" : token))
    .replace(/\s+/g, "");
  return {
    fingerprint: createHash("sha256").update(normalised, "latin1").digest("hex").slice(0, 16),
    subjectPattern: subjectPattern(head, tokens),
    urls: urlsOf(body),
  };
}

function recipientTokens(recipients: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const recipient of recipients) {
    const lower = recipient.toLowerCase();
    tokens.add(lower);
    const at = lower.lastIndexOf("@");
    // Short local parts ("a", "info") are words too often to be removed as tokens.
    if (at >= 4) tokens.add(lower.slice(0, at));
  }
  // Longest first, so an address goes before its own local part.
  return [...tokens].filter((t) => t !== "").sort((a, b) => b.length - a.length);
}

function replaceTokens(text: string, tokens: readonly string[]): string {
  let out = text;
  for (const token of tokens) out = out.split(token).join("<rcpt>");
  return out;
}

function subjectPattern(head: string, tokens: readonly string[]): string {
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const match = /^subject:[ \t]*(.*)$/im.exec(unfolded);
  if (!match) return "";
  return replaceTokens((match[1] as string).toLowerCase(), tokens)
    .replace(/\d+/g, "#")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}

function urlsOf(body: string): string[] {
  const found = new Set<string>();
  for (const match of body.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/^https?:\/\//i, "");
    const cut = url.search(/[?#]/);
    const hostAndPath = (cut < 0 ? url : url.slice(0, cut)).replace(/[.,;:!]+$/, "");
    const slash = hostAndPath.indexOf("/");
    const host = (slash < 0 ? hostAndPath : hostAndPath.slice(0, slash)).toLowerCase();
    if (host === "" || SCHEMA_HOSTS.has(host)) continue;
    found.add((host + (slash < 0 ? "" : hostAndPath.slice(slash))).slice(0, 200));
    if (found.size >= URLS_MAX) break;
  }
  return [...found];
}

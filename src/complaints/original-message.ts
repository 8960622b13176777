import { createHash } from "node:crypto";
import { loadMailParser } from "./mail-parser.js";
import { splitHeaders } from "./mime-parts.js";

/** What identifies the reported message, whichever report about it we hold. */
export interface OriginalMessage {
  readonly messageId: string | null;
  readonly subject: string | null;
  readonly key: string;
}

export const PARSER_OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
} as const;

/** Header fields that relays and reporters add or rewrite: left out of the fingerprint. */
const VOLATILE =
  /^(received|return-path|delivered-to|x-[^:]*|arc-[^:]*|authentication-results|dkim-signature):/i;

/**
 * A fingerprint of the header block for reports whose original carries no Message-ID: unfolded,
 * whitespace runs collapsed, names lower-cased, trace fields dropped, so that the same message
 * reported by two receivers (each adding its own Received lines) hashes the same.
 */
function headerFingerprint(headers: string): string {
  const lines = headers
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !VOLATILE.test(line))
    .map((line) => {
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      return `${name.trim().toLowerCase()}:${line
        .slice(colon + 1)
        .replace(/\s+/g, " ")
        .trim()}`;
    });
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** The Message-ID without its angle brackets; a message id with none is taken as written. */
function bareMessageId(id: string | undefined): string | null {
  const trimmed = id?.trim();
  if (!trimmed) return null;
  return trimmed.replace(/^<(.*)>$/, "$1") || null;
}

/** Reads the original message (or its headers alone, text/rfc822-headers) that a report quotes. */
export async function readOriginal(bytes: Buffer): Promise<OriginalMessage> {
  const { headers } = splitHeaders(bytes);
  const simpleParser = await loadMailParser();
  const parsed = await simpleParser(
    Buffer.concat([Buffer.from(headers, "latin1"), Buffer.from("\r\n\r\n")]),
    PARSER_OPTIONS,
  );
  const messageId = bareMessageId(parsed.messageId);
  return {
    messageId,
    subject: parsed.subject ?? null,
    key: messageId ? `message-id:${messageId}` : `headers:${headerFingerprint(headers)}`,
  };
}

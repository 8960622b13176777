import { randomBytes } from "node:crypto";

const BLANK_LINE = Buffer.from("\r\n\r\n");

/**
 * Where the header block ends (the offset just past its empty line), or -1 when `head` holds no
 * empty line yet. A message starting with an empty line has no header fields at all.
 */
export function headerBlockEnd(head: Buffer): number {
  if (head.subarray(0, 2).toString("latin1") === "\r\n") return 2;
  const at = head.indexOf(BLANK_LINE);
  return at === -1 ? -1 : at + 4;
}

/** True when the header block has a field of that name (not a folded continuation line). */
export function hasField(headerBlock: string, name: string): boolean {
  return new RegExp(`(?:^|\\r\\n)${name}[ \\t]*:`, "i").test(headerBlock);
}

/** RFC 5322 date-time in UTC: `Sat, 28 Nov 2026 11:05:09 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

export interface TraceContext {
  /** The HELO/EHLO name the client gave. */
  readonly helo: string;
  /** Reverse DNS name of the client, if any. */
  readonly reverseName?: string;
  readonly clientAddress: string;
  readonly hostname: string;
  /** RFC 3848 protocol: ESMTPSA, ESMTPA, … */
  readonly protocol: string;
  readonly id: string;
  readonly username: string;
  readonly recipients: readonly string[];
  readonly tls?: { readonly version: string; readonly cipher: string };
  readonly date: Date;
}

/**
 * The Received line we prepend (RFC 5321 §4.4), with the authenticated user in a comment
 * (RFC 4954 §7) and the recipient only when there is one, so a Bcc list is not disclosed.
 */
export function receivedField(trace: TraceContext): string {
  // The HELO name is the client's own text: a bare CR in it must not start a header of its own.
  const helo = trace.helo.replace(/[^\x21-\x7e]/g, "?") || "unknown";
  const literal = trace.clientAddress.includes(":") ? `IPv6:${trace.clientAddress}` : trace.clientAddress;
  const lines = [
    `Received: from ${helo} (${trace.reverseName ?? "unknown"} [${literal}])`,
    `\t(authenticated user ${trace.username})`,
  ];
  if (trace.tls) lines.push(`\t(using ${trace.tls.version} with cipher ${trace.tls.cipher})`);
  lines.push(`\tby ${trace.hostname} (porteiro) with ${trace.protocol} id ${trace.id}`);
  const only = trace.recipients.length === 1 ? trace.recipients[0] : undefined;
  lines.push(only ? `\tfor <${only}>; ${rfc5322Date(trace.date)}` : `\t; ${rfc5322Date(trace.date)}`);
  return `${lines.join("\r\n")}\r\n`;
}

/** The fields a submission server adds when the client left them out (RFC 6409 §8.2, §8.3). */
export function missingFields(headerBlock: string, hostname: string, date: Date): string {
  let added = "";
  if (!hasField(headerBlock, "Message-ID")) {
    added += `Message-ID: <${Date.now().toString(36)}.${randomBytes(12).toString("base64url")}@${hostname}>\r\n`;
  }
  if (!hasField(headerBlock, "Date")) added += `Date: ${rfc5322Date(date)}\r\n`;
  return added;
}

import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import type { SpooledMessage } from "./spool.js";

/** A recipient that will never get the message, as the DSN reports it. */
export interface FailedRecipient {
  readonly recipient: string;
  readonly state: "bounced" | "expired";
  /** The remote reply or local reason of the last attempt. */
  readonly error: string | null;
}

const HEADER_LIMIT = 64 * 1024;

/** The header block of a spooled message (up to 64 KB), for the DSN's text/rfc822-headers part. */
export async function readHeaderBlock(path: string): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(HEADER_LIMIT);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_LIMIT, 0);
    const head = buffer.subarray(0, bytesRead);
    const end = head.indexOf("\r\n\r\n");
    if (end >= 0) return head.subarray(0, end + 2);
    const lastLine = head.lastIndexOf("\r\n");
    return lastLine >= 0 ? head.subarray(0, lastLine + 2) : Buffer.alloc(0);
  } finally {
    await handle.close();
  }
}

/** RFC 5322 date with a numeric zone. */
function mailDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

/** Status from the reason's enhanced code (RFC 3463), after the SMTP code if there is one. */
function statusOf(failure: FailedRecipient): string {
  if (failure.state === "expired") return "5.4.7";
  const enhanced = /^(?:\d{3}[ -]+)?(5\.\d{1,3}\.\d{1,3})\b/.exec(failure.error ?? "")?.[1];
  return enhanced ?? "5.0.0";
}

/** Report fields and the plain-text part are US-ASCII; a stray byte of a reply becomes "?". */
const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, "?");

function diagnosticOf(failure: FailedRecipient): string {
  const text = ascii(
    failure.error ?? (failure.state === "expired" ? "delivery time expired" : "failed"),
  ).slice(0, 900);
  // A remote reply is an SMTP diagnostic; anything else (DNS, connection) is our own.
  return /^\d{3}\b/.test(text) ? `smtp; ${text}` : `X-Porteiro; ${text}`;
}

function addressType(address: string): string {
  return /^[\x20-\x7e]*$/.test(address) ? "rfc822" : "utf-8";
}

/**
 * A delivery status notification (RFC 3464): multipart/report with a human part, a
 * message/delivery-status part with one block per failed recipient, and the original's headers.
 */
export function buildDsn(input: {
  readonly reportingMta: string;
  readonly original: SpooledMessage;
  readonly failed: readonly FailedRecipient[];
  readonly originalHeaders: Buffer;
  readonly now: Date;
}): Buffer {
  const { reportingMta, original, failed, now } = input;
  const boundary = `=_porteiro_${randomBytes(12).toString("hex")}`;
  const lines = (...items: string[]) => items.map((line) => `${line}\r\n`).join("");
  const human = lines(
    `This is the mail system at ${reportingMta}.`,
    "",
    "Your message could not be delivered to one or more recipients.",
    "It is attached below (headers only).",
    "",
    ...failed.map((f) =>
      f.state === "expired"
        ? `<${ascii(f.recipient)}>: gave up after the retry period; last error: ${ascii(f.error ?? "none")}`
        : `<${ascii(f.recipient)}>: ${ascii(f.error ?? "refused")}`,
    ),
  );
  const status = [
    lines(
      `Reporting-MTA: dns; ${reportingMta}`,
      `X-Porteiro-Queue-ID: ${original.id}`,
      `Arrival-Date: ${mailDate(new Date(original.receivedAt))}`,
    ),
    ...failed.map((f) =>
      lines(
        `Final-Recipient: ${addressType(f.recipient)}; ${f.recipient}`,
        "Action: failed",
        `Status: ${statusOf(f)}`,
        `Diagnostic-Code: ${diagnosticOf(f)}`,
        `Last-Attempt-Date: ${mailDate(now)}`,
      ),
    ),
  ].join("\r\n");
  const head = lines(
    `From: Mail Delivery System <MAILER-DAEMON@${reportingMta}>`,
    `To: <${original.mailFrom}>`,
    "Subject: Undelivered Mail Returned to Sender",
    `Date: ${mailDate(now)}`,
    `Message-ID: <${now.getTime().toString(36)}.${randomBytes(6).toString("hex")}@${reportingMta}>`,
    // RFC 3834: an automatic reply, so that no auto-responder answers it.
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    "",
    "This is a MIME-encapsulated delivery status notification.",
    "",
  );
  return Buffer.concat([
    Buffer.from(head),
    Buffer.from(`--${boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n${human}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: message/delivery-status\r\n\r\n${status}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n`),
    input.originalHeaders,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

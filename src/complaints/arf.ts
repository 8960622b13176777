import type { ParsedMail } from "mailparser";
import { type ParseResult, rejected } from "./complaint.js";
import { parseFeedbackReport } from "./feedback-report.js";
import { decodeTransfer, headerValue, mediaType, multipartParts, splitHeaders } from "./mime-parts.js";
import { readOriginal } from "./original-message.js";

/** True when the message is an RFC 5965 report: multipart/report; report-type=feedback-report. */
export function isFeedbackReport(mail: ParsedMail): boolean {
  const type = mail.headers.get("content-type") as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  return (
    type?.value?.toLowerCase() === "multipart/report" &&
    type.params?.["report-type"]?.toLowerCase() === "feedback-report"
  );
}

/** The report's From address, for the record; null when it has none. */
function reporterOf(mail: ParsedMail): string | null {
  return mail.from?.value[0]?.address ?? null;
}

/**
 * Reads an ARF report (RFC 5965 §2): the message/feedback-report part through mailparser, then
 * the strict field parser; the third part (message/rfc822 or text/rfc822-headers) for what
 * identifies the original message. A report without Source-IP or Arrival-Date cannot be
 * attributed to a network or a subscriber, so it is rejected, like one without the parts.
 */
export async function readArf(raw: Buffer, mail: ParsedMail): Promise<ParseResult> {
  const feedbackPart = mail.attachments.find(
    (a) => a.contentType.toLowerCase() === "message/feedback-report",
  );
  if (!feedbackPart) return rejected("no message/feedback-report part");
  const parsed = parseFeedbackReport(feedbackPart.content.toString("utf8"));
  if (!parsed.ok) return parsed;
  const { report } = parsed;
  if (report.sourceIp === null) return rejected("no Source-IP in the feedback report");
  if (report.arrivalMs === null) return rejected("no Arrival-Date in the feedback report");

  const boundary = (mail.headers.get("content-type") as { params?: Record<string, string> }).params?.boundary;
  const parts = boundary ? multipartParts(splitHeaders(raw).body, boundary) : [];
  const originalPart = parts.find((p) =>
    ["message/rfc822", "text/rfc822-headers"].includes(mediaType(headerValue(p.headers, "content-type"))),
  );
  if (!originalPart) return rejected("no original message part (message/rfc822 or text/rfc822-headers)");
  const original = await readOriginal(decodeTransfer(originalPart));

  return {
    ok: true,
    complaint: {
      format: "arf",
      feedbackType: report.feedbackType,
      userAgent: report.userAgent,
      version: report.version,
      sourceIp: report.sourceIp,
      sourcePort: report.sourcePort,
      arrivalMs: report.arrivalMs,
      incidents: report.incidents,
      reportedDomain: report.reportedDomains[0] ?? null,
      originalMailFrom: report.originalMailFrom,
      originalRcptTo: report.originalRcptTo[0] ?? null,
      reportingMta: report.reportingMta,
      reporter: reporterOf(mail),
      subject: original.subject,
      originalMessageId: original.messageId,
      originalKey: original.key,
      fields: report.fields,
    },
  };
}

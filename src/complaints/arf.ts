import { type Address, formatAddress } from "../core/index.js";
import { type ParseResult, rejected, type SourceRule, type TimeRule } from "./complaint.js";
import { parseFeedbackReport } from "./feedback-report.js";
import { loadMailParser } from "./mail-parser.js";
import {
  childrenOf,
  decodeTransfer,
  enclosedMessage,
  fileNameOf,
  headerParams,
  headerValue,
  type MimePart,
  splitHeaders,
  typeOf,
} from "./mime-parts.js";
import { PARSER_OPTIONS, readOriginal } from "./original-message.js";
import { parseRfc5322Date } from "./rfc5322-date.js";
import { readTrace } from "./trace.js";

/** A feedback report found in a message: the multipart holding its parts, and the message holding that. */
export interface FoundReport {
  readonly report: MimePart;
  /** The report message itself (its From and Date), which a forwarded report is nested in. */
  readonly message: MimePart;
}

/** Deeper than any report, forwarded or not, is nested: bounds the work on hostile input. */
const MAX_DEPTH = 8;

/** How reports carry the original message: whole, headers only, internationalized (RFC 6532/6533). */
const ORIGINAL_TYPES = new Set([
  "message/rfc822",
  "text/rfc822-headers",
  // The singular, as some generators write it.
  "text/rfc822-header",
  "message/global",
  "message/global-headers",
]);

const isFeedbackPart = (part: MimePart) => typeOf(part) === "message/feedback-report";
const isOriginalPart = (part: MimePart) =>
  ORIGINAL_TYPES.has(typeOf(part)) || /\.eml$/i.test(fileNameOf(part) ?? "");

/**
 * Finds an RFC 5965 report in a message, breadth first: the message itself, a part of it, or a
 * report forwarded inside it as message/rfc822. The report is a multipart/report with
 * report-type=feedback-report, else the first multipart holding a message/feedback-report part.
 */
export function findFeedbackReport(raw: Buffer): FoundReport | undefined {
  const top = splitHeaders(raw);
  const queue: { part: MimePart; message: MimePart; depth: number }[] = [
    { part: top, message: top, depth: 0 },
  ];
  let holder: FoundReport | undefined;
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { part, message, depth } = next;
    const children = childrenOf(part);
    const contentType = headerValue(part.headers, "content-type");
    if (
      typeOf(part) === "multipart/report" &&
      headerParams(contentType).get("report-type")?.toLowerCase() === "feedback-report"
    ) {
      return { report: part, message };
    }
    if (!holder && children.some(isFeedbackPart)) holder = { report: part, message };
    if (depth >= MAX_DEPTH) continue;
    for (const child of children) queue.push({ part: child, message, depth: depth + 1 });
    const enclosed = enclosedMessage(part);
    if (enclosed) queue.push({ part: enclosed, message: enclosed, depth: depth + 1 });
  }
  return holder;
}

/** The report's parts, nested multiparts opened (the original message is not). */
function partsOf(part: MimePart, depth = 0): MimePart[] {
  return childrenOf(part).flatMap((child) =>
    depth < MAX_DEPTH && typeOf(child).startsWith("multipart/") ? partsOf(child, depth + 1) : [child],
  );
}

/** The report's From address and its host names that the trace counts as the reporter's. */
async function reporterOf(message: MimePart, reportingMta: string | null) {
  const simpleParser = await loadMailParser();
  const parsed = await simpleParser(Buffer.from(`${message.headers}\r\n\r\n`, "latin1"), PARSER_OPTIONS);
  const from = parsed.from?.value[0]?.address ?? null;
  // Reporting-MTA is "dns; mx.example.com".
  const mta = reportingMta?.split(";").at(-1)?.trim();
  const hosts = [from?.split("@").at(-1), mta].filter((host): host is string => Boolean(host));
  return { from, hosts };
}

const sameAddress = (a: Address, b: Address) => a.family === b.family && a.value === b.value;

/**
 * Reads an ARF report (RFC 5965): the message/feedback-report part through the strict field
 * parser, and the original message (message/rfc822, text/rfc822-headers …) for what identifies
 * it. RFC 5965 requires only Feedback-Type, User-Agent and Version, and providers leave out
 * the rest, so the source and the time are taken by the first rule that gives them:
 * source: Source-IP, else the original's trace (X-Originating-IP, the first Received: from
 * outside the reporter; see readTrace); time: Arrival-Date, Received-Date, the date of that
 * Received:, else the report's own Date. A report none of them gives a source or a time is rejected.
 */
export async function readArf(found: FoundReport): Promise<ParseResult> {
  const parts = partsOf(found.report);
  const feedbackPart = parts.find(isFeedbackPart);
  if (!feedbackPart) return rejected("no message/feedback-report part");
  const parsed = parseFeedbackReport(decodeTransfer(feedbackPart).toString("utf8"));
  if (!parsed.ok) return parsed;
  const { report } = parsed;
  const originalPart = parts.find(isOriginalPart);
  if (!originalPart) return rejected("no original message part (message/rfc822 or text/rfc822-headers)");
  const originalBytes = decodeTransfer(originalPart);
  const original = await readOriginal(originalBytes);
  const reporter = await reporterOf(found.message, report.reportingMta);
  const trace = readTrace(splitHeaders(originalBytes).headers, reporter.hosts);

  let source: { address: Address; port: number | null; rule: SourceRule } | null = null;
  if (report.sourceIp) source = { address: report.sourceIp, port: report.sourcePort, rule: "Source-IP" };
  else if (trace.source) source = { ...trace.source, port: report.sourcePort ?? trace.source.port };
  if (!source) {
    return rejected(
      "no source address: no Source-IP, and no X-Originating-IP or Received: from outside the reporter in the original",
    );
  }
  // The trace's port belongs to the source only when the trace names the same address.
  if (
    source.port === null &&
    trace.source?.port != null &&
    sameAddress(trace.source.address, source.address)
  ) {
    source = { ...source, port: trace.source.port };
  }

  const reportDate = parseRfc5322Date(headerValue(found.message.headers, "date") ?? "");
  let time: { ms: number; rule: TimeRule } | null = null;
  if (report.arrivalMs !== null && report.arrivalField)
    time = { ms: report.arrivalMs, rule: report.arrivalField };
  else if (trace.receivedMs !== null) time = { ms: trace.receivedMs, rule: "Received" };
  else if (reportDate !== undefined) time = { ms: reportDate, rule: "Date" };
  if (!time) {
    return rejected(
      `no arrival time for the mail from ${formatAddress(source.address)}: no Arrival-Date or Received-Date, no dated Received: from outside the reporter, no Date`,
    );
  }

  return {
    ok: true,
    complaint: {
      format: "arf",
      feedbackType: report.feedbackType,
      userAgent: report.userAgent,
      version: report.version,
      sourceIp: source.address,
      sourcePort: source.port,
      sourceRule: source.rule,
      arrivalMs: time.ms,
      timeRule: time.rule,
      incidents: report.incidents,
      reportedDomain: report.reportedDomains[0] ?? null,
      originalMailFrom: report.originalMailFrom,
      originalRcptTo: report.originalRcptTo[0] ?? null,
      reportingMta: report.reportingMta,
      reporter: reporter.from,
      subject: original.subject,
      originalMessageId: original.messageId,
      originalKey: original.key,
      fields: report.fields,
    },
  };
}

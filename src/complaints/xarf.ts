import type { ParsedMail } from "mailparser";
import { parse as parseYaml } from "yaml";
import { type Address, parseAddress } from "../core/index.js";
import { type ParseResult, rejected } from "./complaint.js";
import type { ReportField } from "./feedback-report.js";
import { decodeTransfer, multipartParts, splitHeaders } from "./mime-parts.js";
import { readOriginal } from "./original-message.js";
import { parseRfc5322Date } from "./rfc5322-date.js";

type Json = Record<string, unknown>;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function text(value: unknown): string | null {
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function address(value: unknown): Address | null {
  if (typeof value !== "string") return null;
  try {
    return parseAddress(value.trim());
  } catch {
    return null;
  }
}

/** Times in X-ARF: ISO 8601 with a zone (v4), or an RFC 5322 date (X-ARF 0.2 mails). */
function timeOf(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  if (ISO_TIME.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? null : ms;
  }
  return parseRfc5322Date(trimmed) ?? null;
}

/** The scalar top-level members, as fields for the record (evidence payloads and `_internal` left out). */
function scalarFields(report: Json): ReportField[] {
  return Object.entries(report)
    .filter(([name, value]) => name !== "_internal" && ["string", "number", "boolean"].includes(typeof value))
    .map(([name, value]) => ({ name, value: String(value) }));
}

function domainOf(mailbox: string | null): string | null {
  const at = mailbox?.lastIndexOf("@") ?? -1;
  return at > 0 ? (mailbox as string).slice(at + 1).replace(/>$/, "") || null : null;
}

/** The first message/rfc822 evidence item, decoded: the original message, for its Message-ID. */
function evidenceMessage(report: Json): Buffer | null {
  const evidence = Array.isArray(report.evidence) ? (report.evidence as unknown[]) : [];
  for (const item of evidence) {
    const entry = item as Json | null;
    if (entry && entry.content_type === "message/rfc822" && typeof entry.payload === "string") {
      return Buffer.from(entry.payload, "base64");
    }
  }
  return null;
}

/** True for an X-ARF v4 report object (`xarf_version` 4.x). */
export function isXarf4(value: unknown): value is Json {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Json).xarf_version === "string" &&
    /^4(\.|$)/.test((value as Json).xarf_version as string)
  );
}

/**
 * Reads an X-ARF v4 report (xarf.org, schema xarf-core): `source_identifier` must be an IP
 * address and `timestamp` an ISO 8601 time. The original message is identified by `message_id`,
 * else by a message/rfc822 evidence item, else by the report's own `report_id`.
 */
export async function readXarf4(report: Json, reporterFallback: string | null): Promise<ParseResult> {
  const sourceIp = address(report.source_identifier);
  if (!sourceIp) return rejected("X-ARF: source_identifier is missing or not an IP address");
  const arrivalMs = timeOf(report.timestamp);
  if (arrivalMs === null) return rejected("X-ARF: timestamp is missing or not an ISO 8601 time");
  const category = text(report.category) ?? text(report.class);
  const type = text(report.type);
  if (!category || !type) return rejected("X-ARF: category or type is missing");

  const evidence = evidenceMessage(report);
  const original = evidence ? await readOriginal(evidence) : null;
  const messageId = text(report.message_id)?.replace(/^<(.*)>$/, "$1") ?? original?.messageId ?? null;
  const reportId = text(report.report_id);
  const key = messageId
    ? `message-id:${messageId}`
    : (original?.key ?? (reportId ? `report:${reportId}` : null));
  if (!key)
    return rejected("X-ARF: nothing identifies the reported message (message_id, evidence, report_id)");
  const reporter = report.reporter as Json | undefined;
  const smtpFrom = text(report.smtp_from);
  const port = typeof report.source_port === "number" ? report.source_port : null;

  return {
    ok: true,
    complaint: {
      format: "xarf",
      feedbackType: `${category}/${type}`.toLowerCase(),
      userAgent: text(report.user_agent),
      version: report.xarf_version as string,
      sourceIp,
      sourcePort: port,
      sourceRule: "source_identifier",
      arrivalMs,
      timeRule: "timestamp",
      incidents: 1,
      reportedDomain: domainOf(smtpFrom),
      originalMailFrom: smtpFrom,
      originalRcptTo: text(report.smtp_to),
      reportingMta: null,
      reporter: text(reporter?.contact) ?? text(reporter?.org) ?? reporterFallback,
      subject: text(report.subject) ?? original?.subject ?? null,
      originalMessageId: messageId,
      originalKey: key,
      fields: scalarFields(report),
    },
  };
}

/**
 * Reads a legacy X-ARF mail (`X-XARF: PLAIN`, x-arf.org 0.1/0.2): its second part is YAML with
 * `Source` and `Source-Type` (ipv4, ipv6, ip-address), `Date`, `Report-Type`, `Category`.
 */
function readXarfYaml(fields: Json, mail: ParsedMail): Promise<ParseResult> | ParseResult {
  const sourceType = text(fields["Source-Type"])?.toLowerCase();
  if (!sourceType || !["ipv4", "ipv6", "ip-address"].includes(sourceType)) {
    return rejected(`X-ARF: Source-Type ${sourceType ?? "(none)"} is not an IP address type`);
  }
  const sourceIp = address(fields.Source);
  if (!sourceIp) return rejected("X-ARF: Source is missing or not an IP address");
  const arrivalMs = timeOf(fields.Date);
  if (arrivalMs === null) return rejected("X-ARF: Date is missing or not a date");
  const category = text(fields.Category) ?? "abuse";
  const type = text(fields["Report-Type"]) ?? "unknown";
  const reportId =
    text(fields["Report-ID"]) ?? (mail.messageId ? mail.messageId.replace(/^<(.*)>$/, "$1") : null);
  if (!reportId) return rejected("X-ARF: no Report-ID and no Message-ID to identify the report");
  return {
    ok: true,
    complaint: {
      format: "xarf",
      feedbackType: `${category}/${type}`.toLowerCase(),
      userAgent: text(fields["User-Agent"]),
      version: text(fields.Version),
      sourceIp,
      sourcePort: typeof fields.Port === "number" ? fields.Port : null,
      sourceRule: "Source",
      arrivalMs,
      timeRule: "Date",
      incidents: 1,
      reportedDomain: null,
      originalMailFrom: null,
      originalRcptTo: null,
      reportingMta: null,
      reporter: text(fields["Reported-From"]) ?? mail.from?.value[0]?.address ?? null,
      subject: null,
      originalMessageId: null,
      originalKey: `report:${reportId}`,
      fields: scalarFields(fields),
    },
  };
}

/** True when the mail announces itself as X-ARF or carries an X-ARF v4 JSON part. */
export function isXarfMail(mail: ParsedMail): boolean {
  return mail.headers.has("x-xarf") || mail.attachments.some((a) => a.contentType === "application/json");
}

/** Reads an X-ARF mail: a v4 JSON part if it has one, else the legacy YAML report part. */
export async function readXarfMail(raw: Buffer, mail: ParsedMail): Promise<ParseResult> {
  const from = mail.from?.value[0]?.address ?? null;
  for (const part of mail.attachments) {
    if (part.contentType !== "application/json" && !/\.json$/i.test(part.filename ?? "")) continue;
    let value: unknown;
    try {
      value = JSON.parse(part.content.toString("utf8"));
    } catch {
      return rejected(`X-ARF: ${part.filename ?? "the JSON part"} is not valid JSON`);
    }
    if (isXarf4(value)) return readXarf4(value, from);
  }
  // mailparser joins text/plain parts into one text: the YAML part is taken from the raw parts.
  const boundary = (mail.headers.get("content-type") as { params?: Record<string, string> }).params?.boundary;
  const parts = boundary ? multipartParts(splitHeaders(raw).body, boundary) : [];
  const candidates = [
    ...mail.attachments.map((a) => a.content.toString("utf8")),
    ...parts.map((p) => decodeTransfer(p).toString("utf8")),
  ];
  for (const candidate of candidates) {
    let value: unknown;
    try {
      value = parseYaml(candidate);
    } catch {
      continue;
    }
    if (typeof value === "object" && value !== null && "Source" in value)
      return readXarfYaml(value as Json, mail);
  }
  return rejected("X-ARF: no v4 JSON part (xarf_version 4.x) and no report part with Source and Source-Type");
}

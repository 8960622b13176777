import type { Address } from "../core/index.js";
import type { ReportField } from "./feedback-report.js";

export const REPORT_FORMATS = ["arf", "xarf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Where a complaint's source address was found. ARF: its Source-IP field, else the reported
 * message's X-Originating-IP or first Received: from outside the reporter. X-ARF:
 * source_identifier (v4), Source (0.2).
 */
export const SOURCE_RULES = [
  "Source-IP",
  "X-Originating-IP",
  "Received",
  "source_identifier",
  "Source",
] as const;
export type SourceRule = (typeof SOURCE_RULES)[number];

/**
 * Where a complaint's time was found. ARF: Arrival-Date, Received-Date, the date of the reported
 * message's first Received: from outside the reporter, else the report's own Date (when the
 * report was written, later than the mail). X-ARF: timestamp (v4), Date (0.2).
 */
export const TIME_RULES = ["Arrival-Date", "Received-Date", "Received", "Date", "timestamp"] as const;
export type TimeRule = (typeof TIME_RULES)[number];

/**
 * One abuse report, parsed: where the offending mail came from and when, and what identifies the
 * original message, so that several reports about it count once. Text fields are as the reporter
 * wrote them (attacker-controlled: data, never markup).
 */
export interface ParsedComplaint {
  readonly format: ReportFormat;
  /** ARF Feedback-Type (abuse, fraud …); X-ARF category/type (messaging/spam …). */
  readonly feedbackType: string;
  readonly userAgent: string | null;
  readonly version: string | null;
  readonly sourceIp: Address;
  readonly sourcePort: number | null;
  readonly sourceRule: SourceRule;
  readonly arrivalMs: number;
  readonly timeRule: TimeRule;
  readonly incidents: number;
  readonly reportedDomain: string | null;
  readonly originalMailFrom: string | null;
  readonly originalRcptTo: string | null;
  readonly reportingMta: string | null;
  /** The reporter: the report's From address, or X-ARF reporter's contact. */
  readonly reporter: string | null;
  readonly subject: string | null;
  readonly originalMessageId: string | null;
  /** `message-id:<id>` or `headers:<sha256>` (or, for X-ARF without evidence, `report:<id>`). */
  readonly originalKey: string;
  readonly fields: readonly ReportField[];
}

export type ParseResult =
  | { readonly ok: true; readonly complaint: ParsedComplaint }
  | { readonly ok: false; readonly reason: string };

export const rejected = (reason: string): ParseResult => ({ ok: false, reason });

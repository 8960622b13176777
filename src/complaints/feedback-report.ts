import { type Address, parseAddress } from "../core/index.js";
import { parseRfc5322Date } from "./rfc5322-date.js";

/** One field of a message/feedback-report part, as written (value unfolded, not trimmed inside). */
export interface ReportField {
  readonly name: string;
  readonly value: string;
}

/** The fields of a feedback report, checked against RFC 5965 §3 (and RFC 6692's Source-Port). */
export interface FeedbackReport {
  /** Lower case: abuse, fraud, virus, other, not-spam, auth-failure … */
  readonly feedbackType: string;
  readonly userAgent: string;
  readonly version: string;
  readonly arrivalMs: number | null;
  /** Which field gave arrivalMs. */
  readonly arrivalField: "Arrival-Date" | "Received-Date" | null;
  readonly sourceIp: Address | null;
  readonly sourcePort: number | null;
  readonly incidents: number;
  readonly originalMailFrom: string | null;
  readonly originalEnvelopeId: string | null;
  readonly reportingMta: string | null;
  readonly originalRcptTo: readonly string[];
  readonly reportedDomains: readonly string[];
  readonly reportedUris: readonly string[];
  readonly authenticationResults: readonly string[];
  /** Every field in order, unknown ones (X-…, Removal-Recipient …) included. */
  readonly fields: readonly ReportField[];
}

export type FeedbackReportResult =
  | { readonly ok: true; readonly report: FeedbackReport }
  | { readonly ok: false; readonly reason: string };

/** RFC 5322 field names: printable US-ASCII except the colon. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Splits the part into fields: unfolds continuation lines (RFC 5322 §2.2.3) and ignores blank
 * lines, which some generators leave between or after the fields. Anything else that is not
 * `Name: value` is an error, with its line number.
 */
export function splitFields(text: string): { fields: ReportField[] } | { error: string } {
  const fields: { name: string; value: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      const last = fields[fields.length - 1];
      if (!last) return { error: `line ${i + 1}: a continuation line before any field` };
      last.value += line;
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : "";
    if (!FIELD_NAME.test(name)) return { error: `line ${i + 1}: not a "Name: value" field` };
    fields.push({ name, value: line.slice(colon + 1) });
  }
  return { fields: fields.map(({ name, value }) => ({ name, value: value.trim() })) };
}

const ONCE = [
  "feedback-type",
  "user-agent",
  "version",
  "arrival-date",
  "received-date",
  "incidents",
  "original-envelope-id",
  "original-mail-from",
  "reporting-mta",
  "source-ip",
  "source-port",
];

/** Source-IP as written by generators: bare, or in brackets, or with an "IPv6:" tag. */
function parseSourceIp(text: string): Address | null {
  const bare = text.replace(/^\[(.*)\]$/, "$1").replace(/^ipv6:/i, "");
  try {
    return parseAddress(bare);
  } catch {
    return null;
  }
}

/**
 * Parses the body of a message/feedback-report part. Strict where RFC 5965 is: Feedback-Type,
 * User-Agent and Version must each appear exactly once, the single-occurrence fields at most
 * once, Arrival-Date must be an RFC 5322 date, Source-IP an address and Incidents a positive
 * integer. Received-Date, the name used before RFC 5965 (and still by AOL and Yahoo), is read
 * as Arrival-Date.
 */
export function parseFeedbackReport(text: string): FeedbackReportResult {
  const split = splitFields(text);
  if ("error" in split) return { ok: false, reason: `feedback-report: ${split.error}` };
  const { fields } = split;
  const all = (name: string) => fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value);
  for (const name of ONCE) {
    if (all(name).length > 1) return { ok: false, reason: `feedback-report: ${name} appears more than once` };
  }
  const one = (name: string) => all(name)[0] ?? null;
  for (const name of ["feedback-type", "user-agent", "version"]) {
    if (!one(name)) return { ok: false, reason: `feedback-report: no ${name}` };
  }
  const feedbackType = (one("feedback-type") as string).toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(feedbackType)) {
    return { ok: false, reason: "feedback-report: feedback-type is not a token" };
  }

  const arrivalField =
    one("arrival-date") !== null ? "Arrival-Date" : one("received-date") !== null ? "Received-Date" : null;
  const arrivalText = one("arrival-date") ?? one("received-date");
  const arrivalMs = arrivalText === null ? null : (parseRfc5322Date(arrivalText) ?? Number.NaN);
  if (Number.isNaN(arrivalMs))
    return { ok: false, reason: "feedback-report: arrival-date is not an RFC 5322 date" };

  const sourceText = one("source-ip");
  const sourceIp = sourceText === null ? null : parseSourceIp(sourceText);
  if (sourceText !== null && sourceIp === null) {
    return { ok: false, reason: "feedback-report: source-ip is not an IP address" };
  }

  const portText = one("source-port");
  const sourcePort = portText === null ? null : Number(portText);
  if (sourcePort !== null && !(/^\d{1,5}$/.test(portText as string) && sourcePort <= 65535)) {
    return { ok: false, reason: "feedback-report: source-port is not a port number" };
  }

  const incidentsText = one("incidents");
  if (incidentsText !== null && !/^[1-9]\d{0,8}$/.test(incidentsText)) {
    return { ok: false, reason: "feedback-report: incidents is not a positive integer" };
  }

  return {
    ok: true,
    report: {
      feedbackType,
      userAgent: one("user-agent") as string,
      version: one("version") as string,
      arrivalMs,
      arrivalField,
      sourceIp,
      sourcePort,
      incidents: incidentsText === null ? 1 : Number(incidentsText),
      originalMailFrom: one("original-mail-from"),
      originalEnvelopeId: one("original-envelope-id"),
      reportingMta: one("reporting-mta"),
      originalRcptTo: all("original-rcpt-to"),
      reportedDomains: all("reported-domain"),
      reportedUris: all("reported-uri"),
      authenticationResults: all("authentication-results"),
      fields,
    },
  };
}

import type { simpleParser } from "mailparser";
import { findFeedbackReport, readArf } from "./arf.js";
import { type ParseResult, rejected } from "./complaint.js";
import { loadMailParser } from "./mail-parser.js";
import { PARSER_OPTIONS } from "./original-message.js";
import { isXarf4, isXarfMail, readXarf4, readXarfMail } from "./xarf.js";

/** A mail message (ARF or X-ARF mail) or a bare X-ARF v4 JSON document. */
export type ReportKind = "message" | "json";

async function parseJson(bytes: Buffer): Promise<ParseResult> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return rejected("not valid JSON");
  }
  if (!isXarf4(value)) return rejected("JSON but not an X-ARF v4 report (no xarf_version 4.x)");
  return readXarf4(value, null);
}

/**
 * Parses one report. Never throws for bad input: what cannot be read becomes a rejection with a
 * one-line reason.
 */
export async function parseReport(bytes: Buffer, kind: ReportKind): Promise<ParseResult> {
  if (kind === "json") return parseJson(bytes);
  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await (await loadMailParser())(bytes, PARSER_OPTIONS);
  } catch (error) {
    return rejected(`cannot be read as a mail message (${(error as Error).message})`);
  }
  const feedbackReport = findFeedbackReport(bytes);
  if (feedbackReport) return readArf(feedbackReport);
  if (isXarfMail(mail)) return readXarfMail(bytes, mail);
  const contentType = mail.headers.get("content-type") as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  // A bounce is a multipart/report too: say which kind this one is.
  const reportType = contentType?.params?.["report-type"];
  const type = `${contentType?.value ?? "text/plain"}${reportType ? `; report-type=${reportType}` : ""}`;
  return rejected(`not an abuse report: ${type}, not multipart/report; report-type=feedback-report or X-ARF`);
}

export {
  type Attribution,
  type AttributionSources,
  attribute,
  type NetworkLookup,
} from "./attribution.js";
export {
  type ParsedComplaint,
  type ParseResult,
  REPORT_FORMATS,
  type ReportFormat,
  SOURCE_RULES,
  type SourceRule,
  TIME_RULES,
  type TimeRule,
} from "./complaint.js";
export { RAW_FOLDER, REJECTED_FOLDER } from "./evidence.js";
export {
  type FeedbackReport,
  type FeedbackReportResult,
  parseFeedbackReport,
  type ReportField,
  splitFields,
} from "./feedback-report.js";
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type ImportOptions,
  type ImportResult,
  importComplaints,
  type Rejection,
} from "./import.js";
export { type MboxMessage, splitMbox } from "./mbox.js";
export { registerComplaintMetrics } from "./metrics.js";
export { parseReport, type ReportKind } from "./parse-report.js";
export { reattributeComplaints } from "./reattribute.js";
export {
  complaintReport,
  complaintSeries,
  INTERVALS,
  type Interval,
  intervalStart,
  type Key,
  REPORT_KEYS,
  type ReportKey,
  type ReportOptions,
  type ReportRow,
  type SeriesRow,
} from "./report.js";
export { parseRfc5322Date } from "./rfc5322-date.js";
export { getComplaint, listComplaints, type StoredComplaint } from "./store.js";

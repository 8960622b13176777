export { BodyFiles, messagesDir } from "./body-files.js";
export { type MessageFeatures, messageFeatures } from "./campaign.js";
export { assignCampaigns, type CampaignMessage } from "./campaigns.js";
export {
  defaultHoneypotConfig,
  type HoneypotConfig,
  type HoneypotLimits,
  honeypotConfigSchema,
  sensorName,
} from "./config.js";
export { escapeText } from "./escape.js";
export { abusingSources, EXPORT_FORMATS, type ExportFormat, renderZone } from "./export.js";
export { type NetworkInfo, type NetworkLookup, NO_NETWORK_MAP } from "./origin.js";
export {
  honeypotReport,
  REPORT_KEYS,
  type Report,
  type ReportKey,
  type ReportOptions,
  type ReportRow,
  type Totals,
} from "./report.js";
export { type Sensor, type SensorOptions, startSensor } from "./sensor.js";
export { LISTENERS, type Listener } from "./session.js";
export {
  listSessions,
  type MessageDetail,
  messageBody,
  type SessionDetail,
  type SessionQuery,
  type SessionSummary,
  sensorCounters,
  sessionDetail,
} from "./sessions.js";

export { HourlyAggregator, type HourlyAggregatorOptions } from "./aggregate/aggregator.js";
export {
  ADOPTION_GROUPS,
  ADOPTION_INTERVALS,
  type AdoptionGroup,
  type AdoptionInterval,
  type AdoptionOptions,
  type AdoptionRow,
  periodOf,
  submissionAdoption,
} from "./analysis/adoption.js";
export {
  type Classification,
  classifySender,
  plural,
  SENDER_CLASSES,
  type SenderClass,
  shortFlowShare,
} from "./analysis/classify.js";
export { FeatureCollector, type LocalClock, localClock, type SenderFeatures } from "./analysis/features.js";
export {
  type AlreadyBlocked,
  evidenceOf,
  type Impact,
  type ImpactOptions,
  type ImpactRegion,
  impactOf,
  impactOn,
  type Notice,
} from "./analysis/impact.js";
export {
  flowWindowOf,
  IMPACT_WINDOW_DAYS,
  type ImpactWindow,
  impactWindow,
} from "./analysis/impact-window.js";
export {
  type DirectSender,
  directSenders,
  dynamicPoolOf,
  type ReportOptions,
  relayTest,
  type SubscriberLookup,
} from "./analysis/report.js";
export type { SenderScope } from "./analysis/report-scope.js";
export {
  SENDER_SORTS,
  type SelectedSenders,
  type SenderSelection,
  type SenderSort,
  selectSenders,
} from "./analysis/report-select.js";
export {
  DEFAULT_THRESHOLDS,
  loadThresholds,
  type Thresholds,
  thresholdsSchema,
} from "./analysis/thresholds.js";
export { type FlowsConfig, flowsConfigSchema } from "./config.js";
export { type ExporterStats, FlowDecoder, type SamplerListing, totalStats } from "./decode/decode.js";
export { type SamplingRate, samplingRateOf } from "./decode/sampling.js";
export { AggregateWriter } from "./intake/aggregate-writer.js";
export {
  type Collector,
  type CollectorOptions,
  type CollectorStats,
  startCollector,
} from "./intake/collector.js";
export {
  type CollectorJob,
  type CollectorRuntime,
  startCollectorRuntime,
} from "./intake/collector-runtime.js";
export {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOptions,
  type ImportOutcome,
  type ImportReading,
  type ImportSummary,
  importNfdump,
} from "./intake/import.js";
export { type FlowImport, listFlowImports, type Overlap, type Replacement } from "./intake/import-ledger.js";
export { type CollectorReadings, registerCollectorMetrics } from "./intake/metrics.js";
export { NFDUMP_CSV_HEADER, NfdumpCsvReader } from "./intake/nfdump-csv.js";
export type { NfdumpSink } from "./intake/nfdump-fields.js";
export { NfdumpJsonReader } from "./intake/nfdump-json.js";
export {
  latestObserveReading,
  OBSERVE_HIT_SETS,
  type ObserveHit,
  type ObserveHitTotals,
  observeHitTotals,
  parseObserveHits,
  recordObserveHits,
} from "./intake/observe-hits.js";
export { recordSamplers, type SamplerSeen, samplersSeen } from "./intake/sampler-store.js";
export {
  DESTINATIONS_CAP,
  emptyMailFlow,
  type FlowSink,
  type HourlyAggregate,
  MAIL_PORTS,
  type MailFlow,
  type MailPort,
} from "./mail-flow.js";
export {
  type CopyProgress,
  type CopyResult,
  copyFlows,
  type DailyFlows,
  dailyFlowsOf,
  deleteAggregates,
  type FlowPeriod,
  type FlowStore,
  type FlowStoreUrl,
  type FlowWindow,
  lastFlowDay,
  openFlowStore,
  parseFlowStoreUrl,
  readAggregates,
  readAggregateTotals,
  SqliteFlowStore,
  storedFlowCount,
  writeAggregates,
} from "./store/index.js";

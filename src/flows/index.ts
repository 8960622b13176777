export {
  ADOPTION_GROUPS,
  ADOPTION_INTERVALS,
  type AdoptionGroup,
  type AdoptionInterval,
  type AdoptionOptions,
  type AdoptionRow,
  periodOf,
  submissionAdoption,
} from "./adoption.js";
export { HourlyAggregator, type HourlyAggregatorOptions } from "./aggregator.js";
export {
  type Classification,
  classifySender,
  plural,
  SENDER_CLASSES,
  type SenderClass,
  shortFlowShare,
} from "./classify.js";
export { type Collector, type CollectorOptions, type CollectorStats, startCollector } from "./collector.js";
export { type FlowsConfig, flowsConfigSchema } from "./config.js";
export { type ExporterStats, FlowDecoder, type SamplerListing, totalStats } from "./decode.js";
export { FeatureCollector, type LocalClock, localClock, type SenderFeatures } from "./features.js";
export {
  type AlreadyBlocked,
  evidenceOf,
  type Impact,
  type ImpactOptions,
  type ImpactRegion,
  impactOf,
  impactOn,
  type Notice,
} from "./impact.js";
export { flowWindowOf, IMPACT_WINDOW_DAYS, type ImpactWindow, impactWindow } from "./impact-window.js";
export {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOptions,
  type ImportOutcome,
  type ImportReading,
  type ImportSummary,
  importNfdump,
} from "./import.js";
export { type FlowImport, listFlowImports, type Overlap, type Replacement } from "./import-ledger.js";
export { AggregateWriter } from "./intake/aggregate-writer.js";
export {
  type CollectorJob,
  type CollectorRuntime,
  startCollectorRuntime,
} from "./intake/collector-runtime.js";
export {
  DESTINATIONS_CAP,
  emptyMailFlow,
  type FlowSink,
  type HourlyAggregate,
  MAIL_PORTS,
  type MailFlow,
  type MailPort,
} from "./mail-flow.js";
export { type CollectorReadings, registerCollectorMetrics } from "./metrics.js";
export { NFDUMP_CSV_HEADER, NfdumpCsvReader } from "./nfdump-csv.js";
export type { NfdumpSink } from "./nfdump-fields.js";
export { NfdumpJsonReader } from "./nfdump-json.js";
export {
  latestObserveReading,
  OBSERVE_HIT_SETS,
  type ObserveHit,
  type ObserveHitTotals,
  observeHitTotals,
  parseObserveHits,
  recordObserveHits,
} from "./observe-hits.js";
export {
  type DirectSender,
  directSenders,
  dynamicPoolOf,
  type ReportOptions,
  relayTest,
  type SubscriberLookup,
} from "./report.js";
export type { SenderScope } from "./report-scope.js";
export {
  SENDER_SORTS,
  type SelectedSenders,
  type SenderSelection,
  type SenderSort,
  selectSenders,
} from "./report-select.js";
export { recordSamplers, type SamplerSeen, samplersSeen } from "./sampler-store.js";
export { type SamplingRate, samplingRateOf } from "./sampling.js";
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
export { DEFAULT_THRESHOLDS, loadThresholds, type Thresholds, thresholdsSchema } from "./thresholds.js";

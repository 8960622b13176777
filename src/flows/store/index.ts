export { type CopyProgress, type CopyResult, copyFlows } from "./copy.js";
export type {
  DailyFlows,
  FlowPeriod,
  FlowStore,
  FlowWindow,
  SourcePeriodFlows,
  SourceTest,
} from "./flow-store.js";
export { openFlowStore } from "./open.js";
export {
  dailyFlowsOf,
  deleteAggregates,
  deleteHourAggregates,
  groupBySource,
  lastFlowDay,
  readAggregates,
  readAggregateTotals,
  SqliteFlowStore,
  storedFlowCount,
  storedFlowsInHours,
  writeAggregates,
} from "./sqlite/index.js";
export { type FlowStoreUrl, parseFlowStoreUrl } from "./url.js";

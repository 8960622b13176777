export { type LoadedPlan, loadPlan, parsePlan, readText } from "./load.js";
export { nextChange, phaseOn } from "./phase.js";
export { poolTable } from "./space.js";
export { type SpaceCount, summarizeSpace } from "./summary.js";
export {
  ACTIONS,
  type Action,
  type Phase,
  type Plan,
  type PlanException,
  POOL_KINDS,
  type Pool,
  type PoolKind,
  type Region,
  type SourceRef,
} from "./types.js";

import type { Day } from "../core/index.js";
import type { Phase, Region } from "./types.js";

export function phaseOn(region: Region, day: Day): Phase {
  if (region.enforceFrom <= day) return "enforce";
  if (region.observeFrom !== undefined && region.observeFrom <= day) return "observe";
  return "open";
}

/** The next day after `day` on which the region's phase changes, if any. */
export function nextChange(region: Region, day: Day): { day: Day; phase: Phase } | undefined {
  if (region.observeFrom !== undefined && day < region.observeFrom)
    return { day: region.observeFrom, phase: "observe" };
  if (day < region.enforceFrom) return { day: region.enforceFrom, phase: "enforce" };
  return undefined;
}

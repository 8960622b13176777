import type { AddressSet, Day, Prefix } from "../core/index.js";
import type { Phase, Plan } from "../plan/index.js";
import { computePolicy, type RegionPolicy } from "./compute.js";

/** What the policy does to TCP/25 from an address of dynamic space. */
export type AddressState = "allowed" | "observed" | "blocked";

export interface PolicyChange {
  readonly region: string;
  readonly from: AddressState;
  readonly to: AddressState;
  readonly phaseFrom: Phase;
  readonly phaseTo: Phase;
  /** Why: the region's phase moved, or an exception began or ended. */
  readonly reason: string;
  readonly prefixes: readonly Prefix[];
}

const STATES: readonly AddressState[] = ["allowed", "observed", "blocked"];

function stateSets(r: RegionPolicy): Record<AddressState, AddressSet> {
  return {
    allowed: r.space.difference(r.blocked).difference(r.observed),
    observed: r.observed,
    blocked: r.blocked,
  };
}

/** The prefixes whose port-25 treatment differs between two days, per region and transition. */
export function diffPolicy(plan: Plan, from: Day, to: Day, region?: string): PolicyChange[] {
  const options = region === undefined ? {} : { region };
  const before = computePolicy(plan, from, options);
  const after = computePolicy(plan, to, options);
  const changes: PolicyChange[] = [];
  before.regions.forEach((r1, i) => {
    const r2 = after.regions[i] as RegionPolicy;
    const s1 = stateSets(r1);
    const s2 = stateSets(r2);
    // Addresses whose exception ends or begins move for that reason, whatever the phase does.
    const ended = r1.space.difference(r1.dynamic).difference(r2.space.difference(r2.dynamic));
    const begun = r2.space.difference(r2.dynamic).difference(r1.space.difference(r1.dynamic));
    const phaseMove = `region ${r1.region.id} goes from ${r1.phase} to ${r2.phase}`;
    for (const a of STATES) {
      for (const b of STATES) {
        if (a === b) continue;
        const moved = s1[a].intersection(s2[b]);
        const parts: [string, AddressSet][] = [
          ["an exception ends", moved.intersection(ended)],
          ["an exception begins", moved.intersection(begun)],
          [phaseMove, moved.difference(ended).difference(begun)],
        ];
        for (const [reason, set] of parts) {
          if (set.isEmpty) continue;
          changes.push({
            region: r1.region.id,
            from: a,
            to: b,
            phaseFrom: r1.phase,
            phaseTo: r2.phase,
            reason,
            prefixes: set.toPrefixes(),
          });
        }
      }
    }
  });
  return changes;
}

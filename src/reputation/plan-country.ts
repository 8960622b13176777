import type { Plan } from "../plan/index.js";
import { countListed } from "./count.js";
import { networkGrouping, UNKNOWN } from "./network-grouping.js";
import type { NetworkMap } from "./networks/network-map.js";
import { planGrouping } from "./plan-grouping.js";

/** The country holding most of the plan's IPv4 space, by the map; undefined when the map knows none. */
export function planCountry(plan: Plan, map: NetworkMap): string | undefined {
  const space = planGrouping(plan, "isp");
  const ranges: number[] = [];
  const last = space.v4Starts.length - 1;
  for (let run = 0; run <= last; run++) {
    if (space.v4Groups[run] !== 0) continue;
    const end = run < last ? (space.v4Starts[run + 1] as number) - 1 : 0xffffffff;
    ranges.push(space.v4Starts[run] as number, end);
  }
  const countries = networkGrouping(map, "country");
  const { listed } = countListed({ v4: Uint32Array.from(ranges), v6Starts: [], v6Ends: [] }, countries);
  let best: string | undefined;
  let most = 0;
  countries.keys.forEach((key, group) => {
    if (key !== UNKNOWN && (listed[group] as number) > most) {
      most = listed[group] as number;
      best = key;
    }
  });
  return best;
}

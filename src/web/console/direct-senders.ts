import { dynamicPoolOf, type FlowStore, periodOf, relayTest } from "../../flows/index.js";
import type { Plan } from "../../plan/index.js";
import { pivot, type Series } from "./series.js";

/**
 * Direct-to-MX senders per week and region: sources in dynamic space with a port-25 flow to a
 * host other than the relays in that week. Destinations past the per-hour cap are not listed,
 * so such an hour counts as direct: the cap is only reached by fan-out, which is never relay-only.
 */
export async function directSendersByWeek(flows: FlowStore, plan: Plan): Promise<Series> {
  const isRelay = relayTest(plan);
  const weeks = new Map<string, Set<string>>();
  // Each hour's week worked out once: a year has 8,760 hours and millions of aggregates.
  const weekOf = new Map<number, string>();
  for await (const group of flows.sourceAggregates()) {
    const source = (group[0] as { source: string }).source;
    const pool = dynamicPoolOf(plan, source, undefined);
    if (pool === undefined) continue;
    const region = pool.region ?? null;
    for (const aggregate of group) {
      if (aggregate.port !== 25) continue;
      const direct =
        aggregate.destinationsTruncated ||
        aggregate.destinations.size === 0 ||
        [...aggregate.destinations.keys()].some((d) => !isRelay(d));
      if (!direct) continue;
      let week = weekOf.get(aggregate.hour);
      if (week === undefined) {
        week = periodOf(aggregate.hour, "week");
        weekOf.set(aggregate.hour, week);
      }
      const key = `${week}\t${region ?? "-"}`;
      let sources = weeks.get(key);
      if (!sources) {
        sources = new Set();
        weeks.set(key, sources);
      }
      sources.add(source);
    }
  }
  return pivot(
    [...weeks].map(([key, sources]) => {
      const [x, label] = key.split("\t") as [string, string];
      return { x, label, value: sources.size };
    }),
    0,
    { period: "week" },
  );
}

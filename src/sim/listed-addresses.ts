/**
 * Which of the ISP's addresses a blacklist lists on a day: every address a spamming machine
 * held in the four weeks before (CBL-style listings expire when the spam stops). Once a region
 * blocks port 25 its bots' spam no longer gets out, so its listings drain within a month.
 */
import type { SimIsp } from "./isp.js";
import { DAY_MS, dayStartMs, type SimOptions } from "./options.js";
import type { Population } from "./population.js";
import type { Sessions } from "./sessions.js";

export const LISTING_MEMORY_DAYS = 28;

export function listedAddresses(
  isp: SimIsp,
  population: Population,
  sessions: Sessions,
  options: SimOptions,
  day: number,
): Uint32Array {
  const listed = new Set<number>();
  population.active.forEach((subscriber, slot) => {
    if (subscriber.kind !== "bot") return;
    const region = isp.regions[subscriber.region];
    if (!region) return;
    // Days of spam that got out within the memory window: [from, until).
    const from = Math.max(subscriber.infectedFrom, day - LISTING_MEMORY_DAYS + 1);
    const until = Math.min(subscriber.cleanedOn, region.enforceIndex, day + 1);
    if (from >= until) return;
    const fromMs = dayStartMs(options, from);
    const untilMs = fromMs + (until - from) * DAY_MS;
    for (
      let id = sessions.firstSession[slot] as number;
      id < (sessions.firstSession[slot + 1] as number);
      id++
    ) {
      if ((sessions.startMs[id] as number) < untilMs && (sessions.endMs[id] as number) > fromMs) {
        listed.add(sessions.address[id] as number);
      }
    }
  });
  return Uint32Array.from(listed).sort();
}

/**
 * Hourly aggregates for comparing flow stores: IPv4 and IPv6 sources, the three mail ports,
 * destinations (some counted past what the aggregator listed, some truncated), hours across
 * three months and a week boundary. Deterministic: the same seed gives the same batches.
 */
import type { HourlyAggregate, MailPort } from "../../../src/flows/index.js";

const SOURCES = ["198.51.100.7", "198.51.100.20", "203.0.113.5", "2001:db8::25", "2001:db8:1::a"];
const PORTS: readonly MailPort[] = [25, 587, 465];
/** Hours around month ends (January→February, February→March) and a Sunday→Monday. */
const HOURS = [
  Date.UTC(2024, 0, 31, 22),
  Date.UTC(2024, 0, 31, 23),
  Date.UTC(2024, 1, 1, 0),
  Date.UTC(2024, 1, 4, 23),
  Date.UTC(2024, 1, 5, 0),
  Date.UTC(2024, 1, 29, 23),
  Date.UTC(2024, 2, 1, 0),
].map((ms) => ms / 1000);

/** A small linear congruential generator: enough to vary the rows, same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export function aggregates(seed: number, count: number): HourlyAggregate[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const rows: HourlyAggregate[] = [];
  for (let i = 0; i < count; i++) {
    const hour = pick(HOURS);
    const destinations = new Map<string, number>();
    const listed = Math.floor(next() * 4);
    for (let d = 0; d < listed; d++) {
      const destination =
        next() < 0.7 ? `192.0.2.${1 + Math.floor(next() * 6)}` : `2001:db8:ff::${1 + Math.floor(next() * 3)}`;
      destinations.set(destination, (destinations.get(destination) ?? 0) + 1 + Math.floor(next() * 3));
    }
    const unlisted = next() < 0.15 ? 1 + Math.floor(next() * 5) : 0;
    const flows = 1 + Math.floor(next() * 20);
    const firstSeenMs = hour * 1000 + Math.floor(next() * 1_800_000);
    rows.push({
      source: pick(SOURCES),
      hour,
      port: pick(PORTS),
      flows,
      packets: flows * 5,
      bytes: flows * 1500 + Math.floor(next() * 100),
      shortFlows: Math.floor(next() * flows),
      synOnly: Math.floor(next() * 2),
      firstSeenMs,
      lastSeenMs: firstSeenMs + Math.floor(next() * 1_700_000),
      destinations,
      destinationsTruncated: next() < 0.05,
      distinctDestinations: destinations.size + unlisted,
    });
  }
  return rows;
}

export const FIXTURE_HOURS = HOURS;

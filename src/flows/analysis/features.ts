/**
 * Per-sender features over a window, built from the sender's hourly aggregates: what the
 * classification looks at (fan-out, flow shape, time of day, steadiness) and what the report shows.
 */
import type { HourlyAggregate } from "../mail-flow.js";

export interface SenderFeatures {
  readonly source: string;
  /** TCP/25 flows to hosts other than the plan's relays. */
  readonly directFlows: number;
  /** TCP/25 flows to the relays. */
  readonly relayFlows: number;
  /** Flows to 587 and 465, wherever they went. */
  readonly submissionFlows: number;
  /** Packets, bytes, short and SYN-only flows on port 25 (relays included: aggregates do not split them). */
  readonly packets: number;
  readonly bytes: number;
  readonly shortFlows: number;
  readonly synOnlyFlows: number;
  /** Distinct destinations on 25 other than relays; a lower bound when estimated. */
  readonly distinctDestinations: number;
  readonly distinctDestinationsEstimated: boolean;
  /** Most distinct non-relay destinations in one hour. */
  readonly peakDestinationsInOneHour: number;
  /** Hours and local days with direct flows. */
  readonly hoursActive: number;
  readonly daysActive: number;
  /** Local days from the first to the last direct flow, both counted. */
  readonly spanDays: number;
  /** Direct flows by local hour of the day, 0–23. */
  readonly directFlowsByHourOfDay: readonly number[];
  /** First and last packet of a direct flow, epoch milliseconds. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** Local hour of the day and day number of a UTC hour, in one time zone. */
export interface LocalClock {
  hourOfDay(hourEpochSec: number): number;
  day(hourEpochSec: number): number;
}

/** Time-zone offsets change only on hour boundaries, so one look-up per aggregate hour suffices. */
export function localClock(timeZone: string): LocalClock {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
  });
  const offsets = new Map<number, number>();
  const offsetOf = (hourEpochSec: number): number => {
    let offset = offsets.get(hourEpochSec);
    if (offset === undefined) {
      const parts: Record<string, number> = {};
      for (const part of format.formatToParts(new Date(hourEpochSec * 1000))) {
        if (part.type !== "literal") parts[part.type] = Number(part.value);
      }
      const local = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0);
      // Offsets that are not whole hours (India, Nepal) are rounded down to the aggregate's hour.
      offset = local / 1000 - hourEpochSec;
      offsets.set(hourEpochSec, offset);
    }
    return offset;
  };
  return {
    hourOfDay: (hourEpochSec) => Math.floor((hourEpochSec + offsetOf(hourEpochSec)) / 3600) % 24,
    day: (hourEpochSec) => Math.floor((hourEpochSec + offsetOf(hourEpochSec)) / 86400),
  };
}

/**
 * Collects one sender's aggregates (in any order) and yields its features. `isRelay` tells the
 * plan's relays apart from everything else a port-25 flow may reach.
 */
export class FeatureCollector {
  private directFlows = 0;
  private relayFlows = 0;
  private submissionFlows = 0;
  private packets = 0;
  private bytes = 0;
  private shortFlows = 0;
  private synOnlyFlows = 0;
  private readonly destinations = new Set<string>();
  private estimated = false;
  private largestEstimate = 0;
  private peakInOneHour = 0;
  private readonly hours = new Set<number>();
  private readonly days = new Set<number>();
  private readonly byHourOfDay: number[] = new Array(24).fill(0);
  private firstSeenMs = Number.POSITIVE_INFINITY;
  private lastSeenMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly source: string,
    private readonly isRelay: (destination: string) => boolean,
    private readonly clock: LocalClock,
  ) {}

  add(aggregate: HourlyAggregate): void {
    if (aggregate.port !== 25) {
      this.submissionFlows += aggregate.flows;
      return;
    }
    this.packets += aggregate.packets;
    this.bytes += aggregate.bytes;
    this.shortFlows += aggregate.shortFlows;
    this.synOnlyFlows += aggregate.synOnly;
    let relayFlows = 0;
    let relayDestinations = 0;
    for (const [destination, flows] of aggregate.destinations) {
      if (this.isRelay(destination)) {
        relayFlows += flows;
        relayDestinations++;
      } else this.destinations.add(destination);
    }
    // Unlisted destinations (past the cap) are taken to be other than the relays, which are few.
    const direct = aggregate.flows - relayFlows;
    this.relayFlows += relayFlows;
    if (direct <= 0) return;
    this.directFlows += direct;
    const inHour = aggregate.distinctDestinations - relayDestinations;
    if (aggregate.destinationsTruncated) {
      this.estimated = true;
      this.largestEstimate = Math.max(this.largestEstimate, inHour);
    }
    this.peakInOneHour = Math.max(this.peakInOneHour, inHour);
    this.hours.add(aggregate.hour);
    this.days.add(this.clock.day(aggregate.hour));
    const hourOfDay = this.clock.hourOfDay(aggregate.hour);
    this.byHourOfDay[hourOfDay] = (this.byHourOfDay[hourOfDay] ?? 0) + direct;
    this.firstSeenMs = Math.min(this.firstSeenMs, aggregate.firstSeenMs);
    this.lastSeenMs = Math.max(this.lastSeenMs, aggregate.lastSeenMs);
  }

  /** The sender's features, or undefined when it sent nothing direct on port 25. */
  features(): SenderFeatures | undefined {
    if (this.directFlows === 0) return undefined;
    const firstDay = this.clock.day(Math.floor(this.firstSeenMs / 3_600_000) * 3600);
    const lastDay = this.clock.day(Math.floor(this.lastSeenMs / 3_600_000) * 3600);
    return {
      source: this.source,
      directFlows: this.directFlows,
      relayFlows: this.relayFlows,
      submissionFlows: this.submissionFlows,
      packets: this.packets,
      bytes: this.bytes,
      shortFlows: this.shortFlows,
      synOnlyFlows: this.synOnlyFlows,
      distinctDestinations: Math.max(this.destinations.size, this.largestEstimate),
      distinctDestinationsEstimated: this.estimated,
      peakDestinationsInOneHour: this.peakInOneHour,
      hoursActive: this.hours.size,
      daysActive: this.days.size,
      spanDays: Math.max(lastDay - firstDay + 1, this.days.size),
      directFlowsByHourOfDay: [...this.byHourOfDay],
      firstSeenMs: this.firstSeenMs,
      lastSeenMs: this.lastSeenMs,
    };
  }
}

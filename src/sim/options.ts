import { addDays, type Day, today } from "../core/index.js";

/** What decides the synthetic ISP: the same options give the same data. */
export interface SimOptions {
  readonly seed: number;
  /** 1 is the full demo (≈240,000 subscribers); tests use 0.01. */
  readonly scale: number;
  /** The last day of the year of history ("today" for the demo). */
  readonly endDay: Day;
}

/** 2009: the year Brazil's Port 25 Management began. */
export const DEFAULT_SEED = 2009;
export const HISTORY_DAYS = 365;
const DAY_MS = 86_400_000;

export function defaultOptions(): SimOptions {
  return { seed: DEFAULT_SEED, scale: 1, endDay: today() };
}

/** The first day of the history. */
export function startDay(options: SimOptions): Day {
  return addDays(options.endDay, 1 - HISTORY_DAYS);
}

/** Midnight UTC of day `index` of the history (0 = the start day). */
export function dayStartMs(options: SimOptions, index: number): number {
  return Date.parse(`${startDay(options)}T00:00:00Z`) + index * DAY_MS;
}

export function dayOf(options: SimOptions, index: number): Day {
  return addDays(startDay(options), index);
}

export { DAY_MS };

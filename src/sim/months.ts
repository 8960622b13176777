import { dayOf, HISTORY_DAYS, type SimOptions } from "./options.js";

/** A calendar month of the history: its days are the day indexes [first, until). */
export interface HistoryMonth {
  /** YYYY-MM. */
  readonly key: string;
  readonly first: number;
  readonly until: number;
}

/** Days a first, partial month needs to stand alone; a shorter one joins the next. */
const SHORTEST_FIRST_MONTH = 7;

/**
 * The history's calendar months in order; the first and last may be partial, and a first month
 * of under a week joins the next, so that every month holds a weekly listing and complaints.
 */
export function historyMonths(options: SimOptions): HistoryMonth[] {
  const months: HistoryMonth[] = [];
  for (let day = 0; day < HISTORY_DAYS; day++) {
    const key = dayOf(options, day).slice(0, 7);
    const last = months.at(-1);
    if (last?.key === key) months[months.length - 1] = { ...last, until: day + 1 };
    else months.push({ key, first: day, until: day + 1 });
  }
  const [first, second] = months;
  if (first && second && first.until - first.first < SHORTEST_FIRST_MONTH)
    months.splice(0, 2, { key: second.key, first: 0, until: second.until });
  return months;
}

/** The day indexes of a month that are in `days`. */
export const daysIn = (month: HistoryMonth, days: readonly number[]) =>
  days.filter((day) => day >= month.first && day < month.until);

/** Every day index of a month. */
export const daysOf = (month: HistoryMonth) =>
  Array.from({ length: month.until - month.first }, (_, i) => month.first + i);

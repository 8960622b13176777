import { UserError } from "./errors.js";

/** A calendar day as `YYYY-MM-DD`; such strings compare correctly as text. */
export type Day = string & { readonly __day: unique symbol };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Returns the day, or undefined when the text is not a real calendar date. */
export function tryParseDay(text: string): Day | undefined {
  const match = DAY.exec(text);
  if (!match) return undefined;
  const [, y, m, d] = match;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(m) - 1, Number(d));
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(m) - 1 ||
    date.getUTCDate() !== Number(d)
  ) {
    return undefined;
  }
  return text as Day;
}

export function parseDay(text: string): Day {
  const day = tryParseDay(text);
  if (!day) throw new UserError(`"${text}" is not a date; expected YYYY-MM-DD`);
  return day;
}

/** Today in UTC; operators in any zone get the same policy for the same day. */
export function today(): Day {
  return new Date().toISOString().slice(0, 10) as Day;
}

export function addDays(day: Day, days: number): Day {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10) as Day;
}

export function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

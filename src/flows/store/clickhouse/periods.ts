/**
 * The adoption's periods (UTC; weeks start on Monday) as numbers ClickHouse groups by, named
 * here. Day numbers and toYYYYMM in UTC need no server time zone, which an operator's server
 * may set to anything.
 */
import type { FlowPeriod } from "../flow-store.js";

const DAY_SQL = "intDiv(hour, 86400)";

/** The period of `hour` as a number: a day number, its week's Monday's, or YYYYMM. */
export function periodSql(period: FlowPeriod): string {
  switch (period) {
    case "day":
      return DAY_SQL;
    // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 days after the Monday.
    case "week":
      return `${DAY_SQL} - (${DAY_SQL} + 3) % 7`;
    case "month":
      return "toYYYYMM(toDateTime(hour, 'UTC'))";
  }
}

/** YYYY-MM-DD for a day or week number, YYYY-MM for a month, as the SQLite engine writes them. */
export function periodName(period: FlowPeriod, value: number): string {
  if (period === "month") return `${Math.floor(value / 100)}-${String(value % 100).padStart(2, "0")}`;
  return new Date(value * 86_400_000).toISOString().slice(0, 10);
}

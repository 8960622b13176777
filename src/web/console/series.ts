/** The length of each x step of a time series; an x is the first day of its period. */
export type Period = "day" | "week" | "month";

/** A chart's data as the pages draw it: one x axis (dates) and a line per label, null where none. */
export interface Series {
  readonly x: readonly string[];
  readonly lines: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
  /** What each x stands for, when it is a period (the pages name it). */
  readonly period?: Period;
  /**
   * Set when the last x is a period still under way when the data was read: it holds data only
   * up to `to` (ISO time), so the pages draw it as partial rather than as a fall.
   */
  readonly partial?: { readonly from: string; readonly to: string };
}

export interface PivotOptions {
  readonly period?: Period;
  /** When the data was read (ms): a last period ending after it is partial. */
  readonly now?: number;
}

/** The first instant after the period starting at `start` ("2026-03-02", or "2026-03" for a month). */
export function periodEnd(start: string, period: Period): number {
  const date = new Date(`${start.length === 7 ? `${start}-01` : start}T00:00:00Z`);
  if (period === "day") date.setUTCDate(date.getUTCDate() + 1);
  else if (period === "week") date.setUTCDate(date.getUTCDate() + 7);
  else date.setUTCMonth(date.getUTCMonth() + 1);
  return date.getTime();
}

/** Pivots (x, label, value) rows into a Series; x sorted, labels in first-seen order. */
export function pivot(
  rows: Iterable<{ x: string; label: string; value: number | null }>,
  missing: number | null = null,
  options: PivotOptions = {},
): Series {
  const xs = new Set<string>();
  const byLabel = new Map<string, Map<string, number | null>>();
  for (const row of rows) {
    xs.add(row.x);
    let line = byLabel.get(row.label);
    if (!line) {
      line = new Map();
      byLabel.set(row.label, line);
    }
    line.set(row.x, row.value);
  }
  const x = [...xs].sort();
  const { period, now = Date.now() } = options;
  const last = x[x.length - 1];
  const partial =
    period && last !== undefined && periodEnd(last, period) > now
      ? { partial: { from: last, to: new Date(now).toISOString() } }
      : {};
  return {
    x,
    lines: [...byLabel].map(([label, values]) => ({
      label,
      values: x.map((at) => values.get(at) ?? missing),
    })),
    ...(period ? { period } : {}),
    ...partial,
  };
}

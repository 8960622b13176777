/** A chart's data as the pages draw it: one x axis (dates) and a line per label, null where none. */
export interface Series {
  readonly x: readonly string[];
  readonly lines: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

/** Pivots (x, label, value) rows into a Series; x sorted, labels in first-seen order. */
export function pivot(
  rows: Iterable<{ x: string; label: string; value: number | null }>,
  missing: number | null = null,
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
  return {
    x,
    lines: [...byLabel].map(([label, values]) => ({
      label,
      values: x.map((at) => values.get(at) ?? missing),
    })),
  };
}

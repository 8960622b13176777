/**
 * IPv4 range lists as a ListingSet holds them: Uint32Array [start0, end0, start1, end1, …],
 * ascending, disjoint and not adjacent. Set operations are linear merges over two such lists.
 */

/** Appends ranges in ascending order of start, joining those that overlap or touch. */
export class PairWriter {
  private pairs: Uint32Array;
  private length = 0;

  constructor(capacity = 64) {
    this.pairs = new Uint32Array(Math.max(2, capacity * 2));
  }

  add(start: number, end: number): void {
    const n = this.length;
    // Numbers, not uint32s: end + 1 may be 2^32, which must not wrap to 0.
    if (n > 0 && start <= (this.pairs[n - 1] as number) + 1) {
      if (end > (this.pairs[n - 1] as number)) this.pairs[n - 1] = end;
      return;
    }
    if (n + 2 > this.pairs.length) {
      const grown = new Uint32Array(this.pairs.length * 2);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[n] = start;
    this.pairs[n + 1] = end;
    this.length = n + 2;
  }

  /** The ranges written; copied to size only when that frees a quarter or more. */
  finish(): Uint32Array {
    if (this.length >= (this.pairs.length * 3) / 4) return this.pairs.subarray(0, this.length);
    return this.pairs.slice(0, this.length);
  }
}

export const EMPTY4: Uint32Array = new Uint32Array(0);

export function union4(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new PairWriter((a.length + b.length) / 2);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number))) {
      out.add(a[i] as number, a[i + 1] as number);
      i += 2;
    } else {
      out.add(b[j] as number, b[j + 1] as number);
      j += 2;
    }
  }
  return out.finish();
}

/** The addresses of `a` that are not in `b`. */
export function subtract4(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return a;
  const out = new PairWriter(a.length / 2 + b.length / 2);
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let start = a[i] as number;
    const end = a[i + 1] as number;
    while (j < b.length && (b[j + 1] as number) < start) j += 2;
    let k = j;
    while (start <= end && k < b.length && (b[k] as number) <= end) {
      if ((b[k] as number) > start) out.add(start, (b[k] as number) - 1);
      start = (b[k + 1] as number) + 1;
      k += 2;
    }
    if (start <= end) out.add(start, end);
  }
  return out.finish();
}

/** Number of addresses in the ranges (exact: at most 2^32). */
export function count4(ranges: Uint32Array): number {
  let total = 0;
  for (let i = 0; i < ranges.length; i += 2) total += (ranges[i + 1] as number) - (ranges[i] as number) + 1;
  return total;
}

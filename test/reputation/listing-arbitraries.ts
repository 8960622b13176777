import fc from "fast-check";
import type { ListingSet } from "../../src/reputation/listing-set.js";

/** Sorted, disjoint, non-adjacent inclusive ranges from any list of ranges. */
export function canonical<T extends number | bigint>(ranges: readonly (readonly [T, T])[]): [T, T][] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [T, T][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    const touches =
      last &&
      (typeof start === "number" ? start <= (last[1] as number) + 1 : start <= (last[1] as bigint) + 1n);
    if (last && touches) {
      if (end > last[1]) last[1] = end;
    } else out.push([start, end]);
  }
  return out;
}

export function listingSet(
  v4: readonly (readonly [number, number])[],
  v6: readonly (readonly [bigint, bigint])[] = [],
): ListingSet {
  const ranges4 = canonical(v4);
  const ranges6 = canonical(v6);
  return {
    v4: Uint32Array.from(ranges4.flat()),
    v6Starts: ranges6.map((r) => r[0]),
    v6Ends: ranges6.map((r) => r[1]),
  };
}

/** Ranges inside [offset, offset + 255]. */
export function smallRanges(offset: number) {
  return fc.array(
    fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
      .map(([a, b]): [number, number] => [offset + Math.min(a, b), offset + Math.max(a, b)]),
    { maxLength: 10 },
  );
}

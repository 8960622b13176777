/**
 * Index of the last element ≤ value in an ascending array (0 when every element is greater):
 * the run holding an address when `sorted` holds the runs' first addresses.
 */
export function floorIndex<T extends number | bigint>(sorted: ArrayLike<T>, value: T): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if ((sorted[mid] as T) <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}

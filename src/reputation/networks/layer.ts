/**
 * One attribute (ASN or country) of address ranges, as read from any number of files, before it
 * becomes part of a NetworkMap. Ranges may nest (pfx2as lists a /16 and the /24s announced
 * inside it) or overlap; flattening gives each address the value of the range that starts last
 * among those holding it, the narrower on a tie: the most specific for nested prefixes, and the
 * file given last for two identical ranges.
 */

/** Sorted range starts tiling the family from 0, each with a value (0: none). */
export interface Tiling<S> {
  readonly starts: S;
  readonly values: Uint32Array;
}

export interface Tiling4 extends Tiling<Uint32Array> {}
export interface Tiling6 extends Tiling<readonly bigint[]> {}

const V4_END = 2 ** 32;
const V6_END = 1n << 128n;

export class Layer {
  private starts4: number[] = [];
  private ends4: number[] = [];
  private values4: number[] = [];
  private readonly starts6: bigint[] = [];
  private readonly ends6: bigint[] = [];
  private readonly values6: number[] = [];

  /** `value` must be above 0. */
  add4(start: number, end: number, value: number): void {
    this.starts4.push(start);
    this.ends4.push(end);
    this.values4.push(value);
  }

  add6(start: bigint, end: bigint, value: number): void {
    this.starts6.push(start);
    this.ends6.push(end);
    this.values6.push(value);
  }

  get size(): number {
    return this.starts4.length + this.starts6.length;
  }

  tiling4(): Tiling4 {
    const { starts, values } = flatten(this.starts4, this.ends4, this.values4, 0, V4_END, (v) => v + 1);
    return { starts: Uint32Array.from(starts), values: Uint32Array.from(values) };
  }

  tiling6(): Tiling6 {
    const { starts, values } = flatten(this.starts6, this.ends6, this.values6, 0n, V6_END, (v) => v + 1n);
    return { starts, values: Uint32Array.from(values) };
  }
}

/** Range indexes by start ascending, then end descending (so the narrower of two comes later). */
function order<T extends number | bigint>(starts: readonly T[], ends: readonly T[]): number[] {
  const indexes = Array.from(starts.keys());
  for (let i = 1; i < starts.length; i++) {
    const a = i - 1;
    if ((starts[a] as T) > (starts[i] as T) || (starts[a] === starts[i] && (ends[a] as T) < (ends[i] as T))) {
      // Most tables come sorted; only the others pay for a sort.
      return indexes.sort((x, y) => {
        const sx = starts[x] as T;
        const sy = starts[y] as T;
        if (sx !== sy) return sx < sy ? -1 : 1;
        const ex = ends[x] as T;
        const ey = ends[y] as T;
        return ex === ey ? x - y : ex > ey ? -1 : 1;
      });
    }
  }
  return indexes;
}

/**
 * Sweeps the ranges in start order with a stack of open ones; the owner of an address is the
 * topmost open range, since the stack holds ranges in start order and closed ones are dropped
 * when they surface. Adjacent runs with the same value merge. `limit` is one past the last address.
 */
function flatten<T extends number | bigint>(
  rangeStarts: readonly T[],
  rangeEnds: readonly T[],
  rangeValues: readonly number[],
  zero: T,
  limit: T,
  next: (value: T) => T,
): { starts: T[]; values: number[] } {
  const starts: T[] = [];
  const values: number[] = [];
  const emit = (start: T, value: number) => {
    const last = starts.length - 1;
    if (last >= 0 && starts[last] === start) {
      starts.pop();
      values.pop();
    }
    if (values.length === 0 || values[values.length - 1] !== value) {
      starts.push(start);
      values.push(value);
    }
  };
  const stackEnds: T[] = [];
  const stackValues: number[] = [];
  let cursor = zero;
  // Emits the owners of [cursor, to) from the stack.
  const advance = (to: T) => {
    while (cursor < to) {
      while (stackEnds.length > 0 && (stackEnds[stackEnds.length - 1] as T) < cursor) {
        stackEnds.pop();
        stackValues.pop();
      }
      if (stackEnds.length === 0) {
        emit(cursor, 0);
        cursor = to;
        return;
      }
      const topEnd = stackEnds[stackEnds.length - 1] as T;
      emit(cursor, stackValues[stackValues.length - 1] as number);
      const after = next(topEnd);
      cursor = after < to ? after : to;
    }
  };
  for (const i of order(rangeStarts, rangeEnds)) {
    const start = rangeStarts[i] as T;
    const end = rangeEnds[i] as T;
    if (end < start) continue;
    advance(start);
    stackEnds.push(end);
    stackValues.push(rangeValues[i] as number);
    emit(start, rangeValues[i] as number);
    cursor = start;
  }
  advance(limit);
  return { starts, values };
}

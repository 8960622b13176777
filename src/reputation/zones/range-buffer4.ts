import { radixSortUint32 } from "../../core/index.js";
import { PairWriter } from "./ranges4.js";

const INITIAL = 1024;

function grow(array: Uint32Array, needed: number): Uint32Array {
  if (needed <= array.length) return array;
  const grown = new Uint32Array(Math.max(needed, array.length * 2));
  grown.set(array);
  return grown;
}

/**
 * IPv4 ranges collected in any order, then sorted and merged once. Memory is typed arrays only:
 * 4 bytes per single address (most zone lines) and 8 per wider range, never an object per line.
 */
export class RangeBuffer4 {
  private singles: Uint32Array = new Uint32Array(INITIAL);
  private singleCount = 0;
  private starts: Uint32Array = new Uint32Array(0);
  private ends: Uint32Array = new Uint32Array(0);
  private rangeCount = 0;

  get size(): number {
    return this.singleCount + this.rangeCount;
  }

  add(start: number, end: number): void {
    if (start === end) {
      if (this.singleCount === this.singles.length) this.singles = grow(this.singles, this.singleCount + 1);
      this.singles[this.singleCount++] = start;
      return;
    }
    if (this.rangeCount === this.starts.length) {
      this.starts = grow(this.starts, Math.max(INITIAL, this.rangeCount + 1));
      this.ends = grow(this.ends, this.starts.length);
    }
    this.starts[this.rangeCount] = start;
    this.ends[this.rangeCount++] = end;
  }

  /** The merged ranges; the buffer is emptied, so its memory can go before the next step. */
  takeMerged(): Uint32Array {
    const singles = this.singles;
    const singleCount = this.singleCount;
    const starts = this.starts;
    const ends = this.ends;
    const rangeCount = this.rangeCount;
    this.singles = new Uint32Array(INITIAL);
    this.singleCount = 0;
    this.starts = new Uint32Array(0);
    this.ends = new Uint32Array(0);
    this.rangeCount = 0;
    radixSortUint32(singles, singleCount);
    radixSortUint32(starts, rangeCount, undefined, ends);
    const out = new PairWriter(singleCount + rangeCount);
    let i = 0;
    let j = 0;
    while (i < singleCount || j < rangeCount) {
      if (j >= rangeCount || (i < singleCount && (singles[i] as number) <= (starts[j] as number))) {
        out.add(singles[i] as number, singles[i] as number);
        i++;
      } else {
        out.add(starts[j] as number, ends[j] as number);
        j++;
      }
    }
    return out.finish();
  }
}

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same ISP, byte for byte.
 * Each generator forks its own stream by name, so drawing more in one never shifts another.
 */
export class Random {
  private state: number;

  constructor(private readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A whole number in [low, high]. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** An exponentially distributed wait with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** An independent stream for a named purpose (and index), derived from the seed alone. */
  fork(label: string, index = 0): Random {
    let h = (this.seed ^ 0x811c9dc5) >>> 0;
    for (const char of `${label}#${index}`) h = Math.imul(h ^ char.charCodeAt(0), 0x01000193) >>> 0;
    return new Random(h);
  }
}

/** Shuffles in place (Fisher–Yates). */
export function shuffle(values: Uint32Array, random: Random): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const v = values[i] as number;
    values[i] = values[j] as number;
    values[j] = v;
  }
}

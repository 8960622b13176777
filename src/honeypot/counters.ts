/**
 * The sensor's running counts: what it shed under load, what it refused, and the outbound
 * connection attempts seen (the sensor makes none; the count proves it). Deltas since the last
 * flush go to the store, so totals survive restarts.
 */
export class Counters {
  private readonly totals = new Map<string, number>();
  private pending = new Map<string, number>();

  add(name: string, by = 1): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + by);
    this.pending.set(name, (this.pending.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.totals.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.totals].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The deltas since the last call. */
  takePending(): Map<string, number> {
    const taken = this.pending;
    this.pending = new Map();
    return taken;
  }
}

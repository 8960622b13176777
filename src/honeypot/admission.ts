/**
 * Concurrent sessions overall and per source address. A connection over either bound is shed
 * at once (closed before any byte is read), so a flood costs the sensor one accept and a close.
 */
export class Admission {
  private total = 0;
  private readonly perSource = new Map<string, number>();

  constructor(private readonly limits: { readonly sessions: number; readonly perSource: number }) {}

  /** Why the connection is refused, or undefined when it was admitted (release it later). */
  admit(source: string): "sessions" | "sessions_per_source" | undefined {
    if (this.total >= this.limits.sessions) return "sessions";
    const held = this.perSource.get(source) ?? 0;
    if (held >= this.limits.perSource) return "sessions_per_source";
    this.total++;
    this.perSource.set(source, held + 1);
    return undefined;
  }

  release(source: string): void {
    this.total--;
    const held = (this.perSource.get(source) ?? 1) - 1;
    if (held <= 0) this.perSource.delete(source);
    else this.perSource.set(source, held);
  }

  get active(): number {
    return this.total;
  }
}

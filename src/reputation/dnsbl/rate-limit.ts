/** Spaces out starts to at most `perSecond` a second (no limit when 0), whatever the concurrency. */
export class RateLimit {
  private next = 0;
  private readonly gapMs: number;

  constructor(perSecond: number) {
    this.gapMs = perSecond > 0 ? 1000 / perSecond : 0;
  }

  async take(): Promise<void> {
    if (this.gapMs === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + this.gapMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

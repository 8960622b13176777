/**
 * Caps open sessions in total and per client (see clientKey), across both listeners. A session counts from
 * the moment it is admitted until the server reports it closed.
 */
export class ConnectionLimits {
  private readonly byIp = new Map<string, number>();
  private readonly admitted = new Map<string, string>();

  constructor(private readonly limits: { total: number; perIp: number }) {}

  /** Admits the session, or says why not. */
  admit(sessionId: string, ip: string): string | undefined {
    if (this.admitted.size >= this.limits.total) return "too many connections; try again later";
    const open = this.byIp.get(ip) ?? 0;
    if (open >= this.limits.perIp) return "too many connections from your address; try again later";
    this.byIp.set(ip, open + 1);
    this.admitted.set(sessionId, ip);
    return undefined;
  }

  release(sessionId: string): void {
    const ip = this.admitted.get(sessionId);
    if (ip === undefined) return;
    this.admitted.delete(sessionId);
    const open = (this.byIp.get(ip) ?? 1) - 1;
    if (open > 0) this.byIp.set(ip, open);
    else this.byIp.delete(ip);
  }

  get open(): number {
    return this.admitted.size;
  }
}

export interface ConnectionPolicy {
  /** Sessions open at once, logged in or not. */
  readonly total: number;
  /** Sessions open at once from one client network (see clientNetwork). */
  readonly perNetwork: number;
  /** Sessions not yet logged in, at once: the rest of `total` is kept for logged-in ones. */
  readonly unauthenticated: number;
}

export type Admission =
  | {
      readonly admitted: true /** A session not logged in that must go to make room, if any. */;
      readonly evict?: string;
    }
  | { readonly admitted: false; readonly refusal: string };

/**
 * Caps open sessions across both listeners: in total, per client network, and those not yet
 * logged in. A session counts from its admission until the server reports it closed.
 *
 * Idle sessions that never log in are what a flood holds slots with, and every new session starts
 * out as one; so when a cap is reached and sessions not logged in sit under it, the oldest of them
 * (from the same network for the per-network cap) makes room instead of the newcomer being refused.
 * A real client needs a slot only for the second it takes to log in; a flood would have to open
 * sessions faster than that to keep one out. Logged-in sessions are never displaced.
 */
export class ConnectionLimits {
  private readonly networkOf = new Map<string, string>();
  private readonly perNetwork = new Map<string, number>();
  /** Sessions not logged in, oldest first, overall and per network (Maps and Sets keep insertion order). */
  private readonly waiting = new Set<string>();
  private readonly waitingIn = new Map<string, Set<string>>();

  constructor(private readonly policy: ConnectionPolicy) {}

  /** Admits the session as not logged in yet, possibly at the cost of an older one; or says why not. */
  admit(sessionId: string, network: string): Admission {
    let evict: string | undefined;
    if ((this.perNetwork.get(network) ?? 0) >= this.policy.perNetwork) {
      evict = first(this.waitingIn.get(network));
      if (evict === undefined) {
        return { admitted: false, refusal: "too many connections from your address; try again later" };
      }
    } else if (this.networkOf.size >= this.policy.total || this.waiting.size >= this.policy.unauthenticated) {
      evict = first(this.waiting);
      if (evict === undefined) return { admitted: false, refusal: "too many connections; try again later" };
    }
    if (evict !== undefined) this.release(evict);
    this.networkOf.set(sessionId, network);
    this.perNetwork.set(network, (this.perNetwork.get(network) ?? 0) + 1);
    this.waiting.add(sessionId);
    const peers = this.waitingIn.get(network);
    if (peers) peers.add(sessionId);
    else this.waitingIn.set(network, new Set([sessionId]));
    return evict === undefined ? { admitted: true } : { admitted: true, evict };
  }

  /** The session has logged in: it no longer counts against the share of those that have not. */
  authenticated(sessionId: string): void {
    const network = this.networkOf.get(sessionId);
    if (network !== undefined) this.stopWaiting(sessionId, network);
  }

  release(sessionId: string): void {
    const network = this.networkOf.get(sessionId);
    if (network === undefined) return;
    this.networkOf.delete(sessionId);
    this.stopWaiting(sessionId, network);
    const open = (this.perNetwork.get(network) ?? 1) - 1;
    if (open > 0) this.perNetwork.set(network, open);
    else this.perNetwork.delete(network);
  }

  /** Sessions from a client network that have logged in: those no newcomer can displace. */
  loggedInFrom(network: string): number {
    return (this.perNetwork.get(network) ?? 0) - (this.waitingIn.get(network)?.size ?? 0);
  }

  private stopWaiting(sessionId: string, network: string): void {
    this.waiting.delete(sessionId);
    const peers = this.waitingIn.get(network);
    peers?.delete(sessionId);
    if (peers?.size === 0) this.waitingIn.delete(network);
  }
}

function first(set: Set<string> | undefined): string | undefined {
  if (set) for (const value of set) return value;
  return undefined;
}

export interface ConnectionPolicy {
  /** Sessions open at once, logged in or not. */
  readonly total: number;
  /** Sessions open at once from one client network (see clientNetwork). */
  readonly perNetwork: number;
  /** Sessions not yet logged in, at once: the rest of `total` is kept for logged-in ones. */
  readonly unauthenticated: number;
}

/**
 * How far a session not logged in has got towards it: connected (EHLO, NOOP and the like, in
 * clear on the STARTTLS port), inside TLS (STARTTLS done, or the implicit-TLS port), or in an AUTH
 * exchange. The less a session has done, the sooner it gives way.
 */
export const Progress = { connected: 0, secured: 1, authenticating: 2 } as const;
export type Progress = (typeof Progress)[keyof typeof Progress];

const STAGES = 3;

export type Admission =
  | {
      readonly admitted: true /** A session not logged in that must go to make room, if any. */;
      readonly evict?: string;
    }
  | { readonly admitted: false; readonly refusal: string };

/** Sessions not logged in, one ordered set per Progress (Sets keep insertion order). */
class Waiting {
  private readonly stages: Set<string>[] = Array.from({ length: STAGES }, () => new Set<string>());
  size = 0;

  add(sessionId: string, stage: Progress): void {
    (this.stages[stage] as Set<string>).add(sessionId);
    this.size++;
  }

  delete(sessionId: string, stage: Progress): void {
    if ((this.stages[stage] as Set<string>).delete(sessionId)) this.size--;
  }

  /** The one to give way: of those that have got least far, the one longest at that stage. */
  first(): string | undefined {
    for (const stage of this.stages) for (const sessionId of stage) return sessionId;
    return undefined;
  }
}

/**
 * Caps open sessions across both listeners: in total, per client network, and those not yet
 * logged in. A session counts from its admission until the server reports it closed.
 *
 * Idle sessions that never log in are what a flood holds slots with, and every new session starts
 * out as one; so when a cap is reached and sessions not logged in sit under it, one of them (from
 * the same network for the per-network cap) makes room instead of the newcomer being refused: the
 * one that has got least far towards logging in (see Progress), and of those the one longest at
 * that stage. A flood reopening idle sessions as fast as it likes then only displaces its own,
 * while a real client past TLS or into AUTH keeps its slot. Logged-in sessions are never displaced.
 * Each decision costs O(1), whatever the number of sessions.
 */
export class ConnectionLimits {
  private readonly networkOf = new Map<string, string>();
  private readonly perNetwork = new Map<string, number>();
  /** The stage of each session not logged in. */
  private readonly stageOf = new Map<string, Progress>();
  private readonly waiting = new Waiting();
  private readonly waitingIn = new Map<string, Waiting>();

  constructor(private readonly policy: ConnectionPolicy) {}

  /** Admits the session as not logged in yet, possibly at the cost of another; or says why not. */
  admit(sessionId: string, network: string, stage: Progress = Progress.connected): Admission {
    let evict: string | undefined;
    if ((this.perNetwork.get(network) ?? 0) >= this.policy.perNetwork) {
      evict = this.waitingIn.get(network)?.first();
      if (evict === undefined) {
        return { admitted: false, refusal: "too many connections from your address; try again later" };
      }
    } else if (this.networkOf.size >= this.policy.total || this.waiting.size >= this.policy.unauthenticated) {
      evict = this.waiting.first();
      if (evict === undefined) return { admitted: false, refusal: "too many connections; try again later" };
    }
    if (evict !== undefined) this.release(evict);
    this.networkOf.set(sessionId, network);
    this.perNetwork.set(network, (this.perNetwork.get(network) ?? 0) + 1);
    this.startWaiting(sessionId, network, stage);
    return evict === undefined ? { admitted: true } : { admitted: true, evict };
  }

  /** The session not logged in has got further (never back): it now gives way later. */
  progressed(sessionId: string, stage: Progress): void {
    const network = this.networkOf.get(sessionId);
    const was = this.stageOf.get(sessionId);
    if (network === undefined || was === undefined || was >= stage) return;
    this.stopWaiting(sessionId, network);
    this.startWaiting(sessionId, network, stage);
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

  private startWaiting(sessionId: string, network: string, stage: Progress): void {
    this.stageOf.set(sessionId, stage);
    this.waiting.add(sessionId, stage);
    let peers = this.waitingIn.get(network);
    if (!peers) {
      peers = new Waiting();
      this.waitingIn.set(network, peers);
    }
    peers.add(sessionId, stage);
  }

  private stopWaiting(sessionId: string, network: string): void {
    const stage = this.stageOf.get(sessionId);
    if (stage === undefined) return;
    this.stageOf.delete(sessionId);
    this.waiting.delete(sessionId, stage);
    const peers = this.waitingIn.get(network);
    peers?.delete(sessionId, stage);
    if (peers?.size === 0) this.waitingIn.delete(network);
  }
}

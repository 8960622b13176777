import type { Socket } from "node:net";
import type { Counters } from "./counters.js";
import type { CapturedSession } from "./session.js";

export type ByteHandler = (chunk: Buffer) => void;

/**
 * One admitted client connection. The protocol stages take turns reading it: a proxy handshake
 * hands the socket (and any bytes it read past its end) to the emulated mail server.
 */
export class Connection {
  private handler: ByteHandler = () => undefined;
  private closing = false;
  /** A message being persisted: the session is recorded only once it has settled. */
  pending: Promise<unknown> = Promise.resolve();

  constructor(
    readonly socket: Socket,
    readonly session: CapturedSession,
    readonly counters: Counters,
  ) {}

  /** Bytes from now on go to `handler`; `leftover` (read by the previous stage) goes first. */
  handOver(handler: ByteHandler, leftover?: Buffer): void {
    this.handler = handler;
    if (leftover && leftover.length > 0) handler(leftover);
  }

  receive(chunk: Buffer): void {
    if (!this.closing) this.handler(chunk);
  }

  get closed(): boolean {
    return this.closing;
  }

  write(data: Buffer | string): void {
    if (!this.closing && this.socket.writable) this.socket.write(data);
  }

  /** Sends what is queued, then closes; the first outcome set sticks. */
  end(outcome: string, last?: Buffer | string): void {
    if (this.closing) return;
    this.closing = true;
    this.session.outcome = outcome;
    if (last !== undefined && this.socket.writable) this.socket.end(last);
    else this.socket.end();
    // A client that never reads must not hold the session open.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Closes at once (a bound was crossed). */
  abort(outcome: string): void {
    if (!this.closing) this.session.outcome = outcome;
    this.closing = true;
    this.socket.destroy();
  }
}

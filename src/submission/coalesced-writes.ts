import type { Socket } from "node:net";
import type { Writable } from "node:stream";

/**
 * Corks `stream` until the work of the current tick is done, so what the tick writes leaves in
 * one system call (and, on TLS, one record); nothing waits longer than that. A stream already
 * corked is left as it is: whoever corked it uncorks it.
 */
export function corkForThisTick(stream: Writable): void {
  if (stream.writableCorked) return;
  stream.cork();
  process.nextTick(() => stream.uncork());
}

/**
 * Makes the writes a socket gets in one tick leave together. A client that pipelines MAIL,
 * RCPT and DATA gets three replies in one tick; coalesced, they are one TLS record and one
 * system call instead of three.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  socket.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    corkForThisTick(socket);
    return write.apply(this, args);
  } as Socket["write"];
}

import type { Socket } from "node:net";

/**
 * Makes the writes a socket gets in one tick leave together. A client that pipelines MAIL,
 * RCPT and DATA gets three replies in one tick; coalesced, they are one TLS record and one
 * system call instead of three. Each write corks the socket, and the uncork comes once the
 * tick's work is done, so nothing waits longer than that.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket["write"];
}

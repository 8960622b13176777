import type { Socket } from "node:net";
import type { SMTPServer } from "smtp-server";

export interface HandshakePolicy {
  /** Handshakes in progress plus logged-in sessions, from one client network. */
  readonly perNetwork: number;
  /** Time from TCP accept to the end of the TLS handshake. */
  readonly timeoutMs: number;
  readonly networkOf: (address: string) => string;
  /**
   * Logged-in sessions of a client network: they count against the same cap. Those not logged in
   * do not, as the session a handshake leads to may displace one of them.
   */
  readonly loggedInFrom: (network: string) => number;
}

export type HandshakeRefusal = "cap" | "timeout";

/**
 * Bounds the TLS handshakes of an implicit-TLS listener. smtp-server runs them before any session
 * exists, so before onConnect and any per-client cap, and gives each as long as the idle timeout:
 * sockets that send half a ClientHello would fill its maxClients. Here a client network's
 * handshakes in progress count with its logged-in sessions at TCP accept, where a socket over the
 * cap is dropped (nothing can be said to it before TLS), and a handshake not done in time is cut.
 */
export function guardHandshakes(
  server: SMTPServer,
  policy: HandshakePolicy,
  refused: (address: string, why: HandshakeRefusal) => void,
): void {
  const listener = server.server;
  const handshaking = new Map<string, Set<Socket>>();
  const accept = listener.listeners("connection") as ((socket: Socket) => void)[];
  listener.removeAllListeners("connection");
  listener.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const network = policy.networkOf(address);
    const sockets = handshaking.get(network) ?? new Set<Socket>();
    // smtp-server keeps a socket in _pendingSockets until its handshake is over, whichever way.
    for (const other of sockets) if (!server._pendingSockets.has(other)) sockets.delete(other);
    if (sockets.size + policy.loggedInFrom(network) >= policy.perNetwork) {
      socket.destroy();
      refused(address, "cap");
      return;
    }
    for (const run of accept) run.call(listener, socket);
    // Dropped by smtp-server's own cap on sockets waiting (maxClients).
    if (!server._pendingSockets.has(socket)) return;
    sockets.add(socket);
    handshaking.set(network, sockets);
    const timer = setTimeout(() => {
      // The socket on top (the TLS one once the handshake began), as smtp-server's own close() does.
      const top = server._pendingSockets.get(socket);
      if (!top) return;
      top.destroy();
      refused(address, "timeout");
    }, policy.timeoutMs);
    timer.unref();
    socket.once("close", () => {
      clearTimeout(timer);
      sockets.delete(socket);
      if (sockets.size === 0 && handshaking.get(network) === sockets) handshaking.delete(network);
    });
  });
}

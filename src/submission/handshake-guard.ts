import type { Socket } from "node:net";
import type { SMTPServer } from "smtp-server";

export interface HandshakePolicy {
  /** Handshakes in progress on the listener, from all client networks. */
  readonly total: number;
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

/** `cap`: over the network's cap, dropped at accept; `evicted`: the oldest when all were full. */
export type HandshakeRefusal = "cap" | "timeout" | "evicted";

interface Handshake {
  readonly address: string;
  readonly network: string;
  readonly timer: NodeJS.Timeout;
}

/**
 * Bounds the TLS handshakes of an implicit-TLS listener. smtp-server runs them before any session
 * exists, so before onConnect and any per-client cap, and gives each as long as the idle timeout:
 * sockets that send half a ClientHello would fill its maxClients, and a real client would be
 * reset. Here, at TCP accept, a client network's handshakes in progress count with its logged-in
 * sessions, and a socket over that cap is dropped (nothing can be said to it before TLS); when
 * the handshakes of all networks reach `total`, the oldest of them is cut to make room: a real
 * client's handshake is over in milliseconds, so it is hardly ever the oldest, while one that
 * stalls soon is. A handshake not done in time is cut too. Each decision costs O(1).
 */
export function guardHandshakes(
  server: SMTPServer,
  policy: HandshakePolicy,
  refused: (address: string, why: HandshakeRefusal) => void,
): void {
  const listener = server.server;
  /** Handshakes in progress, oldest first (Maps keep insertion order). */
  const handshakes = new Map<Socket, Handshake>();
  const perNetwork = new Map<string, number>();
  const over = (socket: Socket) => {
    const handshake = handshakes.get(socket);
    if (!handshake) return;
    handshakes.delete(socket);
    clearTimeout(handshake.timer);
    const left = (perNetwork.get(handshake.network) ?? 1) - 1;
    if (left > 0) perNetwork.set(handshake.network, left);
    else perNetwork.delete(handshake.network);
  };
  // smtp-server keeps a socket in _pendingSockets until its handshake is over, whichever way.
  server._pendingSockets = new (class extends Map<Socket, Socket> {
    override delete(socket: Socket): boolean {
      over(socket);
      return super.delete(socket);
    }
  })(server._pendingSockets);
  /** Closes a socket whose handshake is in progress: the one on top, as smtp-server's own close() does. */
  const cut = (socket: Socket, why: HandshakeRefusal) => {
    const handshake = handshakes.get(socket);
    if (!handshake) return;
    over(socket);
    (server._pendingSockets.get(socket) ?? socket).destroy();
    refused(handshake.address, why);
  };

  const accept = listener.listeners("connection") as ((socket: Socket) => void)[];
  listener.removeAllListeners("connection");
  listener.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const network = policy.networkOf(address);
    if ((perNetwork.get(network) ?? 0) + policy.loggedInFrom(network) >= policy.perNetwork) {
      socket.destroy();
      refused(address, "cap");
      return;
    }
    if (handshakes.size >= policy.total) {
      for (const oldest of handshakes.keys()) {
        cut(oldest, "evicted");
        break;
      }
    }
    for (const run of accept) run.call(listener, socket);
    // Dropped by smtp-server's own cap on sockets waiting (maxClients).
    if (!server._pendingSockets.has(socket)) return;
    const timer = setTimeout(() => cut(socket, "timeout"), policy.timeoutMs);
    timer.unref();
    handshakes.set(socket, { address, network, timer });
    perNetwork.set(network, (perNetwork.get(network) ?? 0) + 1);
  });
}

import type { Connection } from "./connection.js";
import { type MailServerOptions, routeTunnel } from "./destination.js";
import { parseProxyRequest } from "./http-request.js";

const BAD_GATEWAY =
  "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nBad Gateway\n";
const GATEWAY_TIMEOUT =
  "HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/plain\r\nContent-Length: 16\r\nConnection: close\r\n\r\nGateway Timeout\n";
const BAD_REQUEST =
  "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nBad Request\n";

/**
 * A forward HTTP proxy: CONNECT to a mail port opens the emulated mail server; CONNECT elsewhere
 * gets 502 and an absolute-URI request (GET http://…) 504, both after the destination is recorded.
 */
export function serveHttpProxy(conn: Connection, mail: MailServerOptions): void {
  const { session } = conn;
  let buffered: Buffer = Buffer.alloc(0);
  conn.handOver((chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const parsed = parseProxyRequest(buffered);
    if (parsed.status === "more") return;
    const rest = buffered.subarray(parsed.status === "done" ? parsed.used : buffered.length);
    buffered = Buffer.alloc(0);
    conn.handOver(() => undefined);
    if (parsed.status === "bad") {
      conn.counters.add("bad_handshakes");
      return conn.end("protocol-error", BAD_REQUEST);
    }
    const request = parsed.value;
    if (request.credentials) {
      session.proxyUser = request.credentials.user;
      session.proxyPassword = request.credentials.password;
    }
    if (request.kind === "absolute") {
      session.path.splice(0, session.path.length, `http-${request.method.toLowerCase().slice(0, 12)}`);
      session.destination = request.destination;
      conn.counters.add("proxy_requests_refused");
      return conn.end("refused", GATEWAY_TIMEOUT);
    }
    session.path.splice(0, session.path.length, "http-connect");
    routeTunnel(
      conn,
      request.destination,
      mail,
      {
        granted: () => conn.write("HTTP/1.1 200 Connection established\r\n\r\n"),
        refused: () => conn.end("refused", BAD_GATEWAY),
      },
      rest,
    );
  });
}

import type { Connection } from "./connection.js";
import { type MailServerOptions, routeTunnel } from "./destination.js";
import type { Parsed } from "./parse-result.js";
import { parseSocks4, socks4Reply } from "./socks4.js";
import {
  chooseMethod,
  NO_ACCEPTABLE,
  parseSocks5Auth,
  parseSocks5Greeting,
  parseSocks5Request,
  REPLY,
  socks5Reply,
  USER_PASS,
} from "./socks5.js";

const CONNECT = 1;

/**
 * One SOCKS port for every version: the first byte says which (4 covers 4a). Each stage's parser
 * bounds what it waits for, so the bytes held here never exceed a few hundred.
 */
export function serveSocks(conn: Connection, mail: MailServerOptions): void {
  const { session } = conn;
  let buffered: Buffer = Buffer.alloc(0);
  let stage: (buf: Buffer) => boolean = first;

  conn.handOver((chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    // A stage returns true when it consumed its part and the next may run on the rest.
    while (!conn.closed && buffered.length > 0 && stage(buffered));
  });

  function step<T>(parsed: Parsed<T>, then: (value: T, rest: Buffer) => void): boolean {
    if (parsed.status === "more") return false;
    if (parsed.status === "bad") {
      // Counted as a bad handshake when the connection closes without a SOCKS version path.
      conn.abort("protocol-error");
      return false;
    }
    const rest = buffered.subarray(parsed.used);
    buffered = rest;
    then(parsed.value, rest);
    return true;
  }

  function first(buf: Buffer): boolean {
    if (buf[0] === 4) {
      session.listener = "socks4";
      stage = socks4;
      return true;
    }
    session.listener = "socks5";
    stage = greeting;
    return true;
  }

  function socks4(buf: Buffer): boolean {
    return step(parseSocks4(buf), (request, rest) => {
      session.path.splice(0, session.path.length, request.version === "4a" ? "socks4a" : "socks4");
      if (request.userId !== "") session.proxyUser = request.userId;
      tunnel(request.command, request.destination, rest, {
        granted: () => conn.write(socks4Reply(true)),
        refused: () => conn.end("refused", socks4Reply(false)),
      });
    });
  }

  function greeting(buf: Buffer): boolean {
    return step(parseSocks5Greeting(buf), (methods) => {
      session.path.splice(0, session.path.length, "socks5");
      const method = chooseMethod(methods);
      if (method === NO_ACCEPTABLE) return conn.end("refused", Buffer.from([5, NO_ACCEPTABLE]));
      conn.write(Buffer.from([5, method]));
      stage = method === USER_PASS ? auth : request;
    });
  }

  function auth(buf: Buffer): boolean {
    return step(parseSocks5Auth(buf), (credentials) => {
      session.proxyUser = credentials.user;
      session.proxyPassword = credentials.password;
      // An open proxy takes any credentials: the spammer's guesses are the capture.
      conn.write(Buffer.from([1, 0]));
      stage = request;
    });
  }

  function request(buf: Buffer): boolean {
    return step(parseSocks5Request(buf), (req, rest) => {
      tunnel(req.command, req.destination, rest, {
        granted: () => conn.write(socks5Reply(REPLY.succeeded)),
        refused: () => conn.end("refused", socks5Reply(REPLY.refused)),
      });
    });
  }

  function tunnel(
    command: number,
    destination: { host: string; port: number },
    rest: Buffer,
    replies: { granted: () => void; refused: () => void },
  ): void {
    buffered = Buffer.alloc(0);
    stage = () => false;
    if (command !== CONNECT) {
      session.destination = destination;
      conn.counters.add("proxy_requests_refused");
      conn.end(
        "refused",
        session.listener === "socks4" ? socks4Reply(false) : socks5Reply(REPLY.commandNotSupported),
      );
      return;
    }
    routeTunnel(conn, destination, mail, replies, rest);
  }
}

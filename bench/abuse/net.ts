/**
 * Network helpers shared by bench/abuse's attacker process and its legitimate clients: loopback
 * source addresses, one HTTP request from a chosen local address, a raw SMTP dialogue line by
 * line (with STARTTLS or implicit TLS), and the help form's token and cookie.
 */
import { request } from "node:http";
import { connect as netConnect, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";

/** Legitimate clients come from here; no attacker ever does. */
export const LEGIT_ADDRESS = "127.0.0.1";

/**
 * The `count` loopback addresses attackers come from: 127.1.0.2, 127.1.1.2 … 127.1.249.2, then
 * 127.1.0.3 … (Linux answers on all of 127/8). Each is a client of its own to the server, even
 * one that counts IPv4 clients by /24, and none shares a /24 with LEGIT_ADDRESS.
 */
export function attackerAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, k) => `127.1.${k % 250}.${2 + Math.floor(k / 250)}`);
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP/1.1 request on a fresh connection from `localAddress`; rejects on timeout or error. */
export function http(options: {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  localAddress?: string;
  timeoutMs?: number;
}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = request(
      {
        host: "127.0.0.1",
        port: options.port,
        path: options.path,
        method: options.method ?? "GET",
        agent: false,
        localAddress: options.localAddress ?? LEGIT_ADDRESS,
        headers: {
          ...(body ? { "content-length": String(body.length) } : {}),
          connection: "close",
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

/** The help form's hidden token and its cookie, from a GET of the form. */
export function formTokenOf(answer: HttpAnswer): { token: string; cookie: string } | undefined {
  const token = /name="_form" value="([^"]+)"/.exec(answer.body)?.[1];
  const setCookie = answer.headers["set-cookie"];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = first?.split(";")[0];
  return token && cookie ? { token, cookie } : undefined;
}

/** Gets the help form, then posts a report with its token; resolves with the POST's answer. */
export async function postHelpReport(options: {
  port: number;
  path: string;
  localAddress?: string;
  headers?: Record<string, string>;
  note: string;
  timeoutMs?: number;
}): Promise<HttpAnswer> {
  const { port, path } = options;
  const form = await http({
    port,
    path,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const token = form.status === 200 ? formTokenOf(form) : undefined;
  if (!token) return form;
  const origin = `http://127.0.0.1:${port}`;
  return http({
    port,
    path,
    method: "POST",
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    headers: {
      ...options.headers,
      "content-type": "application/x-www-form-urlencoded",
      cookie: token.cookie,
      origin,
      referer: `${origin}${path}`,
    },
    body: new URLSearchParams({ _form: token.token, since: "", note: options.note }).toString(),
  });
}

/**
 * An SMTP client dialogue, reply by reply: `reply()` resolves with the next complete reply
 * (its code and last line), `send()` writes a command line. Just enough for the attacks and the
 * liveness checks; the legitimate mail clients use nodemailer.
 */
export class SmtpDialogue {
  private buffered = "";
  private readonly replies: { code: number; text: string }[] = [];
  private waiting: ((reply: { code: number; text: string } | undefined) => void) | undefined;
  private closed = false;

  private constructor(public socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  /** Connects in clear (implicitTls false) or with TLS from the first byte. */
  static open(options: {
    port: number;
    localAddress?: string;
    implicitTls?: boolean;
    timeoutMs?: number;
  }): Promise<SmtpDialogue> {
    return new Promise((resolve, reject) => {
      const common = { host: "127.0.0.1", port: options.port, localAddress: options.localAddress };
      const socket = options.implicitTls
        ? tlsConnect({ ...common, rejectUnauthorized: false, servername: "submission.example.net" })
        : netConnect(common);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error("connect timeout"));
      }, options.timeoutMs ?? 10_000);
      const ready = () => {
        clearTimeout(timer);
        socket.off("error", failed);
        resolve(new SmtpDialogue(socket));
      };
      const failed = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once(options.implicitTls ? "secureConnect" : "connect", ready);
      socket.once("error", failed);
    });
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.buffered += chunk;
      for (;;) {
        const end = this.buffered.indexOf("\n");
        if (end < 0) break;
        const line = this.buffered.slice(0, end).replace(/\r$/, "");
        this.buffered = this.buffered.slice(end + 1);
        if (/^\d{3}(?: |$)/.test(line)) this.deliver({ code: Number(line.slice(0, 3)), text: line });
      }
      // A peer that talks without end should not grow this buffer.
      if (this.buffered.length > 65_536) socket.destroy();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.closed = true;
      this.deliver(undefined);
    });
  }

  private deliver(reply: { code: number; text: string } | undefined): void {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting(reply);
    } else if (reply) this.replies.push(reply);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The next reply; undefined when the connection closed or `timeoutMs` passed first. */
  reply(timeoutMs = 10_000): Promise<{ code: number; text: string } | undefined> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
    });
  }

  send(line: string): void {
    if (!this.closed) this.socket.write(`${line}\r\n`);
  }

  async command(line: string, timeoutMs?: number): Promise<{ code: number; text: string } | undefined> {
    this.send(line);
    return this.reply(timeoutMs);
  }

  /** Upgrades after a 220 to STARTTLS; rejects when the handshake fails. */
  startTls(timeoutMs = 10_000): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("close");
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({
        socket: plain,
        rejectUnauthorized: false,
        servername: "submission.example.net",
      });
      const timer = setTimeout(() => {
        secure.destroy();
        reject(new Error("TLS handshake timeout"));
      }, timeoutMs);
      secure.once("secureConnect", () => {
        clearTimeout(timer);
        secure.off("error", failed);
        this.socket = secure;
        this.attach(secure);
        resolve();
      });
      const failed = (error: Error) => {
        clearTimeout(timer);
        this.closed = true;
        reject(error);
      };
      secure.once("error", failed);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/**
 * What abusers do to a sensor's listeners, as a client speaks it: an HTTP CONNECT or SOCKS5
 * tunnel to a mail server's port 25 and spam through it, or a relay test straight to the open
 * relay. Each dialogue waits for the (emulated) server's answers, as spamware does.
 */
import { connect, type Socket } from "node:net";
import type { Endpoint } from "../core/index.js";

export interface Spam {
  readonly helo: string;
  readonly from: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly body: string;
}

export type Approach = "http" | "socks5" | "smtp";

/** A socket and the bytes received on it not yet consumed. */
class Dialogue {
  private received = "";
  private waiting: (() => void) | undefined;
  private closed = false;

  constructor(readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (text: string) => {
      this.received += text;
      this.waiting?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on("error", () => undefined);
  }

  /** Resolves with what came up to and including the first match of `pattern`. */
  until(pattern: RegExp): Promise<string> {
    return this.take(() => {
      const match = pattern.exec(this.received);
      return match ? match.index + match[0].length : undefined;
    });
  }

  /** Resolves with the next `count` bytes (a binary reply), as latin1 text. */
  bytes(count: number): Promise<string> {
    return this.take(() => (this.received.length >= count ? count : undefined));
  }

  private async take(end: () => number | undefined): Promise<string> {
    for (;;) {
      const at = end();
      if (at !== undefined) {
        const text = this.received.slice(0, at);
        this.received = this.received.slice(at);
        return text;
      }
      if (this.closed) throw new Error("the sensor closed the connection");
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }
}

/** An SMTP reply's last line: three digits and a space. */
const REPLY = /^\d{3} [^\n]*\n/m;

async function smtp(d: Dialogue, spam: Spam): Promise<void> {
  await d.until(REPLY);
  const step = async (line: string) => {
    d.send(`${line}\r\n`);
    return d.until(REPLY);
  };
  await step(`EHLO ${spam.helo}`);
  await step(`MAIL FROM:<${spam.from}>`);
  for (const to of spam.recipients) await step(`RCPT TO:<${to}>`);
  await step("DATA");
  const headers = [`From: <${spam.from}>`, `To: <${spam.recipients[0]}>`, `Subject: ${spam.subject}`];
  await step(`${headers.join("\r\n")}\r\n\r\n${spam.body}\r\n.`);
  await step("QUIT");
}

function socks5Connect(host: string, port: number): Buffer {
  const name = Buffer.from(host, "latin1");
  return Buffer.concat([
    Buffer.from([0x05, 0x01, 0x00, 0x03, name.length]),
    name,
    Buffer.from([port >> 8, port & 255]),
  ]);
}

/**
 * One abuse session from `localAddress` (a loopback address the replay maps to the abuser's),
 * to the listener for the approach; the mail server reached through a proxy is `mx`.
 */
export async function abuse(
  listener: Endpoint,
  localAddress: string,
  approach: Approach,
  mx: string,
  spam: Spam,
): Promise<void> {
  const socket = connect({ host: listener.host, port: listener.port, localAddress });
  const d = new Dialogue(socket);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    if (approach === "http") {
      d.send(`CONNECT ${mx}:25 HTTP/1.1\r\nHost: ${mx}:25\r\n\r\n`);
      await d.until(/\r\n\r\n/);
    } else if (approach === "socks5") {
      d.send(Buffer.from([0x05, 0x01, 0x00]));
      // Method "no authentication", then the reply with an IPv4 bound address.
      await d.bytes(2);
      d.send(socks5Connect(mx, 25));
      await d.bytes(10);
    }
    await smtp(d, spam);
  } finally {
    socket.end();
    await new Promise<void>((resolve) => {
      if (socket.closed) resolve();
      else socket.once("close", () => resolve());
    });
  }
}

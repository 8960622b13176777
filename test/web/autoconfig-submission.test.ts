import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { test } from "node:test";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { type ClientServer, thunderbirdAccount } from "../helpers/mail-client-rules.js";
import { requirePeers } from "../helpers/peers.js";
import { PASSWORD, plainToken, startTestService, USER } from "../helpers/submission.js";
import { testApp } from "./app.js";

/** The SASL mechanisms each Thunderbird authentication setting logs in with. */
const MECHANISMS: Record<string, string[]> = {
  "password-cleartext": ["PLAIN", "LOGIN"],
  "password-encrypted": ["CRAM-MD5"],
};

/** An SMTP client that reads whole replies, over a socket that may be upgraded to TLS. */
class Smtp {
  private buffer = "";
  private waiting?: () => void;

  constructor(private socket: Socket | TLSSocket) {
    this.listen();
  }

  private closed = false;

  private listen(): void {
    this.socket.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("latin1");
      this.waiting?.();
    });
    this.socket.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  async reply(): Promise<string> {
    for (;;) {
      const end = /^\d{3} .*\r\n/m.exec(this.buffer);
      if (end) {
        const text = this.buffer.slice(0, end.index + end[0].length);
        this.buffer = this.buffer.slice(text.length);
        return text;
      }
      if (this.closed) throw new Error(`connection closed after: ${this.buffer}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  async startTls(): Promise<void> {
    assert.match(await this.command("STARTTLS"), /^220 /);
    this.socket.removeAllListeners("data");
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false }, () => resolve(secure));
      secure.once("error", reject);
    });
    this.listen();
  }

  /** Logs in with a SASL mechanism Thunderbird's password setting uses; returns the last reply. */
  async login(mechanism: string, user: string, password: string): Promise<string> {
    if (mechanism === "PLAIN") return this.command(`AUTH PLAIN ${plainToken("", user, password)}`);
    const base64 = (text: string) => Buffer.from(text).toString("base64");
    assert.match(await this.command("AUTH LOGIN"), /^334 /);
    assert.match(await this.command(base64(user)), /^334 /);
    return this.command(base64(password));
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Connects to `server` as its socketType says (on loopback: the document's host name stands for
 * the test service) and returns the session past EHLO, in TLS.
 */
async function open(server: ClientServer): Promise<{ smtp: Smtp; ehlo: string }> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const options = { host: "127.0.0.1", port: server.port };
    const made: Socket =
      server.socketType === "SSL"
        ? tlsConnect({ ...options, rejectUnauthorized: false }, () => resolve(made))
        : connect(options, () => resolve(made));
    made.once("error", reject);
  });
  const smtp = new Smtp(socket);
  assert.match(await smtp.reply(), /^220 /);
  if (server.socketType === "STARTTLS") {
    assert.match(await smtp.command("EHLO client.example.net"), /^250[- ]STARTTLS\r$/m);
    await smtp.startTls();
  }
  return { smtp, ehlo: await smtp.command("EHLO client.example.net") };
}

test("each outgoing server in the Thunderbird document reaches the real submission service, which offers its authentication and takes its user name", async (t) => {
  if (!requirePeers(t, ["openssl"])) return;
  const { service } = await startTestService(t);
  const { app } = await testApp(t, {
    config: {
      email_domains: ["example.net"],
      submission_port: service.starttls.port,
      submission_tls_port: service.implicitTls.port,
      incoming: [{ protocol: "imap", host: "imap.example.net", port: 993, socket: "SSL", login: "address" }],
    },
  });
  const response = await app.inject({
    url: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(USER)}`,
  });
  const { outgoing } = thunderbirdAccount(response.body, USER);
  assert.deepEqual(
    outgoing.map((s) => s.socketType),
    ["SSL", "STARTTLS"],
  );
  for (const server of outgoing) {
    const { smtp, ehlo } = await open(server);
    t.after(() => smtp.close());
    const offered = /^250[- ]AUTH (.*)\r$/m.exec(ehlo)?.[1]?.split(" ") ?? [];
    const usable = (MECHANISMS[server.authentication] ?? []).filter((m) => offered.includes(m));
    assert.ok(
      usable.length > 0,
      `${server.socketType}: ${server.authentication} against AUTH ${offered.join(" ")}`,
    );
    for (const mechanism of usable) {
      const session = mechanism === usable[0] ? smtp : (await open(server)).smtp;
      if (session !== smtp) t.after(() => session.close());
      assert.match(
        await session.login(mechanism, server.username, PASSWORD),
        /^235 /,
        `${server.socketType} ${mechanism}: log in as ${server.username}`,
      );
    }
  }
});

import nodemailer, { type Transporter } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";

/** Where one SMTP session goes, and how it may authenticate. */
export interface Destination {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure?: boolean;
  /** The name the certificate is for (SNI), when `host` is an address. */
  readonly servername?: string;
  readonly user?: string;
  readonly pass?: string;
  /** Refuse to go on without STARTTLS (a smarthost we log in to). */
  readonly requireTLS?: boolean;
}

interface Entry {
  readonly transport: Transporter<SMTPPool.SentMessageInfo>;
  lastUsed: number;
}

/**
 * One pooled nodemailer transport per destination, so connections are reused and each
 * destination gets at most `connectionsPerDestination` sessions at once.
 */
export class TransportPool {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: { hostname: string; connectionsPerDestination: number; idleMs: number },
  ) {}

  get(destination: Destination, now = Date.now()): Transporter<SMTPPool.SentMessageInfo> {
    const key = [destination.host, destination.port, destination.servername, destination.user].join("|");
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { transport: nodemailer.createTransport(this.transportOptions(destination)), lastUsed: now };
      this.entries.set(key, entry);
    }
    entry.lastUsed = now;
    return entry.transport;
  }

  /** Closes the transports nobody used for a while (a busy MX list would otherwise grow forever). */
  closeIdle(now = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastUsed < this.options.idleMs) continue;
      entry.transport.close();
      this.entries.delete(key);
    }
  }

  /** Closes every transport; `force` also cuts sessions in the middle of a message. */
  close(force = false): void {
    for (const entry of this.entries.values()) entry.transport.close({ force });
    this.entries.clear();
  }

  private transportOptions(destination: Destination): SMTPPool.Options {
    return {
      pool: true,
      host: destination.host,
      port: destination.port,
      secure: destination.secure ?? false,
      name: this.options.hostname,
      maxConnections: this.options.connectionsPerDestination,
      maxMessages: 100,
      // A session cut mid-message is retried by our own schedule, which records the attempt;
      // the pool's silent requeue would resend without it.
      maxRequeues: 0,
      // Opportunistic STARTTLS, like Postfix's "may": encrypt when offered, never verify, and
      // go on in plain text if the handshake fails, since refusing would not make it safer.
      opportunisticTLS: !destination.requireTLS,
      requireTLS: destination.requireTLS ?? false,
      tls: {
        rejectUnauthorized: false,
        ...(destination.servername ? { servername: destination.servername } : {}),
      },
      auth: destination.user ? { user: destination.user, pass: destination.pass ?? "" } : undefined,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 300_000,
      logger: false,
    };
  }
}

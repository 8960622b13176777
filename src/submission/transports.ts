import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import { whenDataBegins } from "./data-phase.js";
import { speedUpDotStuffing } from "./dot-stuffing.js";
import { needsSmtpUtf8 } from "./envelope-address.js";

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

export type SentInfo = SMTPConnection.SentMessageInfo;

interface Session {
  readonly connection: SMTPConnection;
  sent: number;
  /** DATA phases begun: a failed send that began none sent nothing of its message. */
  dataPhases: number;
  /** Whether dataPhases is counted at all (data-phase.ts found nodemailer's hook). */
  countsDataPhases: boolean;
  idleTimer?: NodeJS.Timeout;
}

/** Messages per session before it is closed and a new one opened (Postfix reuses up to 100 too). */
const MESSAGES_PER_SESSION = 100;

/**
 * Open SMTP sessions kept per destination between messages, on nodemailer's SMTPConnection.
 * The delivery worker bounds how many are in use per destination; this only keeps the idle ones
 * for the next message and closes them after `idleMs` (before any server's own idle timeout).
 * The message goes straight from the spool file to the session, with no mail composer between.
 */
export class TransportPool {
  private readonly idle = new Map<string, Session[]>();
  private readonly busy = new Set<Session>();

  constructor(private readonly options: { hostname: string; idleMs: number }) {}

  /**
   * Sends the message as is, from the file at `source` or from memory; resolves with the
   * server's replies, rejects with its error.
   */
  async send(
    destination: Destination,
    envelope: { from: string; to: string[] },
    source: string | Buffer,
  ): Promise<SentInfo> {
    const key = [destination.host, destination.port, destination.servername, destination.user].join("|");
    const reused = this.takeIdle(key);
    const session = reused ?? (await this.open(destination));
    // A message in memory goes to nodemailer as is: it writes it at once, with no stream between.
    const message = typeof source === "string" ? createReadStream(source) : source;
    const phases = session.dataPhases;
    try {
      refuseWithoutSmtpUtf8(session.connection, destination, envelope);
      const info = await this.transmit(session, envelope, message);
      this.release(key, session);
      return info;
    } catch (error) {
      const smtpError = error as SMTPConnection.SMTPError;
      // A kept session the server closed meanwhile: nothing of the message left, so a new session may take it.
      const nothingSent = session.countsDataPhases && session.dataPhases === phases;
      if (reused && nothingSent && smtpError.responseCode === undefined) {
        this.drop(session);
        return this.send(destination, envelope, source);
      }
      if (isRefusal(smtpError) && !session.connection.destroyed) this.resetAndRelease(key, session);
      else this.drop(session);
      throw error;
    } finally {
      if (!Buffer.isBuffer(message)) message.destroy();
    }
  }

  /** Closes every session: the idle ones politely, and, with `force`, those in the middle of a message. */
  close(force = false): void {
    for (const sessions of this.idle.values()) for (const session of sessions) this.quit(session);
    this.idle.clear();
    if (force) for (const session of this.busy) session.connection.close();
  }

  private takeIdle(key: string): Session | undefined {
    const sessions = this.idle.get(key) ?? [];
    let session = sessions.pop();
    // One the server hung up on while it waited is of no use.
    while (session?.connection.destroyed) {
      clearTimeout(session.idleTimer);
      session = sessions.pop();
    }
    if (sessions.length === 0) this.idle.delete(key);
    if (!session) return undefined;
    clearTimeout(session.idleTimer);
    this.busy.add(session);
    return session;
  }

  private release(key: string, session: Session): void {
    this.busy.delete(session);
    session.sent++;
    if (session.connection.destroyed) return;
    if (session.sent >= MESSAGES_PER_SESSION) {
      this.quit(session);
      return;
    }
    session.idleTimer = setTimeout(() => {
      const sessions = this.idle.get(key);
      const at = sessions?.indexOf(session) ?? -1;
      if (sessions && at !== -1) sessions.splice(at, 1);
      if (sessions?.length === 0) this.idle.delete(key);
      this.quit(session);
    }, this.options.idleMs);
    session.idleTimer.unref();
    const sessions = this.idle.get(key);
    if (sessions) sessions.push(session);
    else this.idle.set(key, [session]);
  }

  /** The server refused this message only: RSET keeps the session for the next one. */
  private resetAndRelease(key: string, session: Session): void {
    session.connection.reset((error) => {
      if (error) this.drop(session);
      else this.release(key, session);
    });
  }

  private quit(session: Session): void {
    clearTimeout(session.idleTimer);
    session.connection.quit();
  }

  private drop(session: Session): void {
    this.busy.delete(session);
    session.connection.close();
  }

  private open(destination: Destination): Promise<Session> {
    const connection = new SMTPConnection({
      host: destination.host,
      port: destination.port,
      secure: destination.secure ?? false,
      name: this.options.hostname,
      // Opportunistic STARTTLS, like Postfix's "may": encrypt when offered, never verify, and
      // go on in plain text if the handshake fails, since refusing would not make it safer.
      opportunisticTLS: !destination.requireTLS,
      requireTLS: destination.requireTLS ?? false,
      tls: {
        rejectUnauthorized: false,
        ...(destination.servername ? { servername: destination.servername } : {}),
      },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 300_000,
      logger: false,
    });
    const session: Session = { connection, sent: 0, dataPhases: 0, countsDataPhases: false };
    session.countsDataPhases = whenDataBegins(connection, (stream) => {
      session.dataPhases++;
      speedUpDotStuffing(stream);
    });
    return new Promise<Session>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        connection.close();
        reject(error);
      };
      // After the session is up, errors reach the send in progress; an idle session just ends.
      connection.on("error", fail);
      connection.once("end", () => fail(new Error("the connection closed before the session was ready")));
      connection.connect((error) => {
        if (error) return fail(error);
        const ready = () => {
          if (settled) return;
          settled = true;
          this.busy.add(session);
          resolve(session);
        };
        const offersAuth = (connection as unknown as { allowsAuth?: boolean }).allowsAuth;
        if (!destination.user || !offersAuth) return ready();
        connection.login({ user: destination.user, pass: destination.pass ?? "" }, (loginError) =>
          loginError ? fail(loginError) : ready(),
        );
      });
    });
  }

  private transmit(
    session: Session,
    envelope: { from: string; to: string[] },
    message: Readable | Buffer,
  ): Promise<SentInfo> {
    return new Promise((resolve, reject) => {
      session.connection.send(envelope, message, (error, info) => (error ? reject(error) : resolve(info)));
    });
  }
}

/**
 * Fails the envelope for good (5.6.7) when one of its addresses needs SMTPUTF8 and the server does
 * not offer it: nodemailer would send the UTF-8 address without the SMTPUTF8 parameter, and
 * RFC 6531 has the message bounced instead. The reply carries no SMTP code of the server's.
 */
function refuseWithoutSmtpUtf8(
  connection: SMTPConnection,
  destination: Destination,
  envelope: { from: string; to: string[] },
): void {
  if (!needsSmtpUtf8(envelope.from) && !envelope.to.some(needsSmtpUtf8)) return;
  const extensions = (connection as unknown as { _supportedExtensions?: string[] })._supportedExtensions;
  if (extensions?.includes("SMTPUTF8")) return;
  const text = `5.6.7 ${destination.servername ?? destination.host} does not offer SMTPUTF8, which a non-ASCII address needs (RFC 6531)`;
  throw Object.assign(new Error(text), { code: "EENVELOPE", responseCode: 553, response: text });
}

/** The server answered and refused the envelope or the message, not the session itself. */
function isRefusal(error: SMTPConnection.SMTPError): boolean {
  return (error.code === "EENVELOPE" || error.code === "EMESSAGE") && error.responseCode !== 421;
}

import type { Connection } from "./connection.js";
import type { CapturedMessage } from "./session.js";

/** Longest command line (RFC 5321 says 512; clients send longer with extensions). */
const COMMAND_LINE_MAX = 2048;
/** Past this, a data line is taken as body bytes without waiting for its end. */
const DATA_LINE_MAX = 8192;
const FIELD_MAX = 512;

export interface Envelope {
  readonly mailFrom: string;
  readonly recipients: readonly string[];
  /** Bytes the client sent in DATA (after dot-unstuffing), `body` holding at most the bound. */
  readonly size: number;
  readonly truncated: boolean;
}

/**
 * Records a message: its metadata at once, its body file by `written`. The client hears 250
 * without waiting for the file (a spammer is owed no durability); the session is written to the
 * store only once every body of it is on disk.
 */
export type MessageSink = (
  body: Buffer,
  envelope: Envelope,
) => { readonly message: CapturedMessage; readonly written: Promise<void> };

export interface SmtpEmulatorOptions {
  /** The name in the banner: the host a proxy client asked for, or the relay's own. */
  readonly bannerHost: string;
  readonly messageBytes: number;
  readonly recipientsPerMessage: number;
  readonly sink: MessageSink;
}

/**
 * Plays a permissive remote mail server on the connection: every sender and recipient is
 * accepted and every message "queued", so a spammer sees success while nothing is delivered.
 * Commands are handled in order (PIPELINING works); memory per connection is bounded by the
 * line bounds and the per-message byte bound.
 */
export function emulateSmtp(conn: Connection, options: SmtpEmulatorOptions, leftover?: Buffer): void {
  const { session } = conn;
  const host = printableHost(options.bannerHost);
  let partial: Buffer[] = [];
  let partialLength = 0;
  let inData = false;
  let atLineStart = true;
  let mailFrom: string | undefined;
  let recipients: string[] = [];
  let body: Buffer[] = [];
  let bodyStored = 0;
  let bodySize = 0;

  const reply = (text: string) => conn.write(`${text}\r\n`);

  const resetTransaction = () => {
    mailFrom = undefined;
    recipients = [];
  };

  const command = (line: string) => {
    const verb = line.slice(0, line.indexOf(" ") < 0 ? line.length : line.indexOf(" ")).toUpperCase();
    const argument = line.slice(verb.length).trim();
    switch (verb) {
      case "EHLO":
        session.helo = argument.slice(0, FIELD_MAX);
        resetTransaction();
        return reply(`250-${host}\r\n250-PIPELINING\r\n250-SIZE ${options.messageBytes}\r\n250 8BITMIME`);
      case "HELO":
        session.helo = argument.slice(0, FIELD_MAX);
        resetTransaction();
        return reply(`250 ${host}`);
      case "MAIL": {
        const address = pathArgument(argument, "FROM");
        if (address === undefined) return reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        if (mailFrom !== undefined) return reply("503 5.5.1 Error: nested MAIL command");
        mailFrom = address;
        return reply("250 2.1.0 Ok");
      }
      case "RCPT": {
        if (mailFrom === undefined) return reply("503 5.5.1 Error: need MAIL command");
        const address = pathArgument(argument, "TO");
        if (address === undefined || address === "") return reply("501 5.5.4 Syntax: RCPT TO:<address>");
        if (recipients.length >= options.recipientsPerMessage) {
          conn.counters.add("recipients_refused");
          return reply("452 4.5.3 Error: too many recipients");
        }
        recipients.push(address);
        return reply("250 2.1.5 Ok");
      }
      case "DATA":
        if (mailFrom === undefined) return reply("503 5.5.1 Error: need MAIL command");
        if (recipients.length === 0) return reply("554 5.5.1 Error: no valid recipients");
        inData = true;
        atLineStart = true;
        body = [];
        bodyStored = 0;
        bodySize = 0;
        return reply("354 End data with <CR><LF>.<CR><LF>");
      case "RSET":
        resetTransaction();
        return reply("250 2.0.0 Ok");
      case "NOOP":
        return reply("250 2.0.0 Ok");
      case "VRFY":
        return reply("252 2.0.0 Send some mail, I'll try my best");
      case "STARTTLS":
        return reply("454 4.7.0 TLS not available due to local problem");
      case "QUIT":
        return conn.end("quit", "221 2.0.0 Bye\r\n");
      default:
        return reply("502 5.5.2 Error: command not recognized");
    }
  };

  const appendBody = (bytes: Buffer) => {
    bodySize += bytes.length;
    const room = options.messageBytes - bodyStored;
    if (room <= 0) return;
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
    body.push(Buffer.from(kept));
    bodyStored += kept.length;
  };

  const endOfData = () => {
    inData = false;
    const envelope: Envelope = {
      mailFrom: mailFrom ?? "",
      recipients,
      size: bodySize,
      truncated: bodySize > bodyStored,
    };
    const content = Buffer.concat(body, bodyStored);
    body = [];
    resetTransaction();
    const { message, written } = options.sink(content, envelope);
    session.messages.push(message);
    const failed = written.catch(() => conn.counters.add("body_write_errors"));
    conn.pending = Promise.all([conn.pending, failed]);
    if (envelope.truncated) {
      conn.counters.add("messages_truncated");
      reply(`552 5.3.4 Error: message exceeds fixed limit of ${options.messageBytes} bytes`);
    } else reply(`250 2.0.0 Ok: queued as ${message.sha256.slice(0, 12).toUpperCase()}`);
  };

  /** One complete line, without its LF (a CR before it is kept in `line` and stripped here). */
  const line = (raw: Buffer) => {
    const text = raw.length > 0 && raw[raw.length - 1] === 13 ? raw.subarray(0, raw.length - 1) : raw;
    if (!inData) return command(text.toString("latin1"));
    if (atLineStart && text.length === 1 && text[0] === 0x2e) return endOfData();
    appendBody(atLineStart && text[0] === 0x2e ? text.subarray(1) : text);
    appendBody(CRLF);
    atLineStart = true;
  };

  const feed = (chunk: Buffer) => {
    let start = 0;
    while (start < chunk.length && !conn.closed) {
      const lf = chunk.indexOf(10, start);
      if (lf < 0) {
        keepPartial(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      if (partialLength > 0) {
        partial.push(piece);
        const whole = Buffer.concat(partial);
        partial = [];
        partialLength = 0;
        line(whole);
      } else line(piece);
    }
  };

  const keepPartial = (rest: Buffer) => {
    partial.push(Buffer.from(rest));
    partialLength += rest.length;
    if (inData && partialLength > DATA_LINE_MAX) {
      // A data line this long cannot be the lone "." that ends the message: take it as body now.
      const whole = Buffer.concat(partial);
      partial = [];
      partialLength = 0;
      appendBody(atLineStart && whole[0] === 0x2e ? whole.subarray(1) : whole);
      atLineStart = false;
    } else if (!inData && partialLength > COMMAND_LINE_MAX) {
      conn.end("protocol-error", "500 5.5.0 Error: line too long\r\n");
    }
  };

  reply(`220 ${host} ESMTP Postfix`);
  conn.handOver(feed, leftover);
}

const CRLF = Buffer.from("\r\n");

/** The address in `FROM:<a@b> PARAMS` (or without brackets), bounded; undefined when malformed. */
function pathArgument(argument: string, keyword: string): string | undefined {
  const match = new RegExp(`^${keyword}:\\s*(?:<([^>]*)>|(\\S+))`, "i").exec(argument);
  if (!match) return undefined;
  return (match[1] ?? match[2] ?? "").slice(0, FIELD_MAX);
}

/** The banner goes back to the client: a requested host name with CR, LF or controls would break the reply. */
function printableHost(host: string): string {
  const clean = host.replace(/[^\x21-\x7e]/g, "").slice(0, 255);
  return clean === "" ? "localhost" : clean;
}

import { createConnection, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { parseMailbox } from "../address.js";
import { type AuthBackend, BackendUnavailableError, type VerifiedLogin } from "./backend.js";

export interface DovecotBackendOptions {
  /** Dovecot's auth-client socket, as Postfix's smtpd_sasl_path names it. */
  readonly socket: string;
  readonly timeoutMs: number;
}

interface Pending {
  readonly resolve: (fields: { ok: boolean; fields: Map<string, string> }) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Logins Dovecot checks at once over the one connection, as several smtpd processes would. */
const CONCURRENCY = 32;

/**
 * Dovecot's authentication protocol (version 1.2) over its auth-client socket, as Postfix's
 * `smtpd_sasl_type = dovecot` speaks it: a VERSION/CPID handshake, then one `AUTH` line per
 * login with the PLAIN response, answered OK (with the canonical `user=`) or FAIL. Dovecot's
 * passdb and its own auth cache decide; its `temp` failures and a socket that is down or silent
 * are BackendUnavailableError (454), never a wrong password.
 */
export class DovecotBackend implements AuthBackend {
  readonly name = "dovecot";
  readonly concurrency = CONCURRENCY;
  private connection: Promise<Socket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: DovecotBackendOptions) {}

  async verify(username: string, password: string, client: string): Promise<VerifiedLogin | undefined> {
    const socket = await this.connect();
    const id = this.nextId++;
    const response = Buffer.from(`\0${username}\0${password}`).toString("base64");
    const answer = await new Promise<{ ok: boolean; fields: Map<string, string> }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.unavailable(`no answer from ${this.options.socket} within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      // AUTH only happens inside TLS, so the session is `secured` for disable_plaintext_auth.
      socket.write(`AUTH\t${id}\tPLAIN\tservice=smtp\tsecured\trip=${tabEscape(client)}\tresp=${response}\n`);
    });
    if (!answer.ok) {
      if (answer.fields.has("temp")) {
        throw this.unavailable(`temporary failure: ${answer.fields.get("reason") ?? "no reason given"}`);
      }
      return undefined;
    }
    const user = answer.fields.get("user") ?? username;
    try {
      return { address: parseMailbox(user), senders: [] };
    } catch {
      throw this.unavailable(
        `user "${user}" is not a mail address; give Dovecot auth_default_realm or a passdb with user@domain names`,
      );
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) (await connection.catch(() => undefined))?.destroy();
  }

  private unavailable(message: string): BackendUnavailableError {
    return new BackendUnavailableError("dovecot", `dovecot auth at ${this.options.socket}: ${message}`);
  }

  /** The open connection, or a new one once Dovecot has greeted it (VERSION … DONE). */
  private connect(): Promise<Socket> {
    this.connection ??= new Promise<Socket>((resolve, reject) => {
      const socket = createConnection(this.options.socket);
      const timer = setTimeout(() => {
        socket.destroy();
        fail(this.unavailable(`no handshake within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      let greeted = false;
      const fail = (error: Error) => {
        clearTimeout(timer);
        this.connection = undefined;
        if (!greeted) reject(error);
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          pending.reject(error);
          this.pending.delete(id);
        }
      };
      socket.once("connect", () => socket.write(`VERSION\t1\t2\nCPID\t${process.pid}\n`));
      socket.on("error", (error: NodeJS.ErrnoException) =>
        fail(this.unavailable(error.code ?? error.message)),
      );
      socket.on("close", () => fail(this.unavailable("connection closed")));
      const lines = createInterface({ input: socket });
      // readline repeats the socket's errors, which the socket's own handler reports.
      lines.on("error", () => undefined);
      lines.on("line", (line) => {
        const [command, ...rest] = line.split("\t");
        if (!greeted) {
          if (command === "VERSION" && rest[0] !== "1") {
            socket.destroy();
            return fail(this.unavailable(`protocol version ${rest.join(".")}, not 1.x`));
          }
          if (command === "DONE") {
            greeted = true;
            clearTimeout(timer);
            resolve(socket);
          }
          return;
        }
        if (command !== "OK" && command !== "FAIL") return;
        const pending = this.pending.get(Number(rest[0]));
        if (!pending) return;
        this.pending.delete(Number(rest[0]));
        clearTimeout(pending.timer);
        pending.resolve({ ok: command === "OK", fields: parseFields(rest.slice(1)) });
      });
    });
    return this.connection;
  }
}

/** `key=value` and bare `key` fields of an answer, unescaped. */
function parseFields(parts: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of parts) {
    const equals = part.indexOf("=");
    if (equals < 0) fields.set(part, "");
    else fields.set(part.slice(0, equals), tabUnescape(part.slice(equals + 1)));
  }
  return fields;
}

/** Dovecot's tab escaping: \x01 then 1, t, r or n stand for \x01, tab, CR and LF. */
const MARK = String.fromCharCode(1);
const ESCAPED = new Map([
  [MARK, "1"],
  ["\t", "t"],
  ["\r", "r"],
  ["\n", "n"],
]);
const UNESCAPED = new Map([...ESCAPED].map(([plain, code]) => [code, plain]));

function tabEscape(value: string): string {
  return [...value].map((c) => (ESCAPED.has(c) ? `${MARK}${ESCAPED.get(c)}` : c)).join("");
}

function tabUnescape(value: string): string {
  return value
    .split(MARK)
    .map((part, i) =>
      i === 0 || part === "" ? part : `${UNESCAPED.get(part[0] as string) ?? part[0]}${part.slice(1)}`,
    )
    .join("");
}

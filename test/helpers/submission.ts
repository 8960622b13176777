import { spawn, spawnSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import type { TestContext } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { pino } from "pino";
import { openStore, type Store } from "../../src/store/index.js";
import {
  loadCertificate,
  Spool,
  type SubmissionService,
  startSubmission,
  submissionConfigSchema,
  UserStore,
} from "../../src/submission/index.js";
import { requirePeers, unavailable } from "./peers.js";
import { tempDir } from "./tmp.js";

export const USER = "ana@example.net";
export const PASSWORD = "correct horse battery";

/** swaks with its TLS support (Perl's Net::SSLeay), and openssl for the self-signed pair. */
export function requireSwaks(t: TestContext): boolean {
  if (!requirePeers(t, ["swaks", "openssl"])) return false;
  const tls = spawnSync("perl", ["-MNet::SSLeay", "-e1"], { timeout: 10_000 });
  if (tls.status !== 0) return unavailable(t, "needs swaks' TLS support (Debian package libnet-ssleay-perl)");
  return true;
}

export interface TestService {
  readonly service: SubmissionService;
  readonly spool: Spool;
  readonly db: Store;
  readonly dataDir: string;
}

/**
 * The submission service in this process on free loopback ports, with a temp data folder, a
 * self-signed certificate and one user (ana@example.net, who may also send as *@ana.example).
 * `config` is the `submission:` section of porteiro.yaml, as YAML would give it.
 */
export async function startTestService(
  t: TestContext,
  config: Record<string, unknown> = {},
): Promise<TestService> {
  const dataDir = tempDir(t, "submission");
  const db = openStore(dataDir);
  await new UserStore(db).add(USER, PASSWORD, ["*@ana.example"]);
  const spool = new Spool(db, dataDir);
  const parsed = submissionConfigSchema.parse({
    listen: "127.0.0.1:0",
    listen_tls: "127.0.0.1:0",
    reverse_lookup: false,
    idle_timeout: 10,
    shutdown_grace: 5,
    ...config,
    auth_lockout: { failure_delay_ms: 0, ...(config.auth_lockout as object) },
  });
  const service = await startSubmission({
    config: parsed,
    hostname: "mail.example.net",
    tls: loadCertificate({ dataDir, hostname: "mail.example.net" }),
    spool,
    users: new UserStore(db),
    logger: pino({ level: "silent" }),
  });
  t.after(async () => {
    await service.stop();
    db.close();
  });
  return { service, spool, db, dataDir };
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a peer without blocking this process's event loop (the server lives in it). */
export function run(
  command: string,
  args: readonly string[],
  input?: string,
  timeoutMs = 30_000,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

/** swaks against the service: `--tls` for STARTTLS on the submission port, or implicit TLS. */
export function swaks(
  service: SubmissionService,
  mode: "starttls" | "tls" | "plain",
  args: readonly string[],
): Promise<Run> {
  const endpoint = mode === "tls" ? service.implicitTls : service.starttls;
  const tls = mode === "starttls" ? ["--tls"] : mode === "tls" ? ["--tls-on-connect"] : [];
  return run("swaks", [
    "--server",
    endpoint.host,
    "--port",
    String(endpoint.port),
    "--helo",
    "client.example.net",
    "--timeout",
    "20",
    ...tls,
    ...args,
  ]);
}

/** swaks logged in as the test user (AUTH PLAIN), sending from its address to bia@example.org. */
export function swaksSend(
  service: SubmissionService,
  mode: "starttls" | "tls",
  args: readonly string[] = [],
): Promise<Run> {
  return swaks(service, mode, [...swaksAuth("PLAIN"), "--from", USER, "--to", "bia@example.org", ...args]);
}

/** AUTH arguments for swaks. */
export function swaksAuth(method: "PLAIN" | "LOGIN", user = USER, password = PASSWORD): string[] {
  return ["--auth", method, "--auth-user", user, "--auth-password", password];
}

/** Server replies in a swaks transcript (`<-  250 …` and `<~  250 …` inside TLS). */
export function replies(transcript: string): string[] {
  return transcript
    .split("\n")
    .filter((line) => /^<[-~]\*? /.test(line))
    .map((line) => line.replace(/^<[-~]\*?\s+/, ""));
}

/** A raw TCP session, for what no well-behaved client does (idling, piling connections up). */
export class RawSession {
  private buffer = "";
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("latin1");
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on("close", () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on("error", () => undefined);
  }

  /** A session from `from`, a loopback address other than 127.0.0.1 standing for another client. */
  static open(port: number, from?: string): Promise<RawSession> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: "127.0.0.1", ...(from ? { localAddress: from } : {}) }, () =>
        resolve(new RawSession(socket)),
      );
      socket.once("error", reject);
    });
  }

  /** A session on the implicit-TLS listener (the test's certificate is self-signed). */
  static openTls(port: number, from?: string): Promise<RawSession> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect(
        { port, host: "127.0.0.1", rejectUnauthorized: false, ...(from ? { localAddress: from } : {}) },
        () => resolve(new RawSession(socket)),
      );
      socket.once("error", reject);
    });
  }

  /** Waits (bounded) for a full reply line starting with a code; returns it, or what came. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /^(\d{3}) .*\r\n/m.exec(this.buffer);
      if (match) {
        const end = match.index + match[0].length;
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return text.trim();
      }
      if (this.closed || Date.now() >= deadline) return this.buffer;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits (bounded) until the server closes the connection; true when it did. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.closed;
  }

  send(line: string | Buffer): void {
    this.socket.write(Buffer.concat([Buffer.from(line), Buffer.from("\r\n")]));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A session on the implicit-TLS port, greeted and past EHLO, ready for AUTH. */
export async function readyForAuth(port: number, from?: string): Promise<RawSession> {
  const session = await RawSession.openTls(port, from);
  const greeting = await session.reply();
  if (!greeting.startsWith("220 ")) throw new Error(`no greeting: ${greeting}`);
  session.send("EHLO client.example.net");
  const ehlo = await session.reply();
  if (!ehlo.startsWith("250")) throw new Error(`EHLO refused: ${ehlo}`);
  return session;
}

/** The AUTH PLAIN argument: authorization identity, user and password (RFC 4616). */
export function plainToken(authzid: string, user: string, password: string): string {
  return Buffer.from(`${authzid}\0${user}\0${password}`).toString("base64");
}

/** A session on the implicit-TLS port, logged in as the test user. */
export async function loggedIn(port: number, from?: string): Promise<RawSession> {
  const session = await readyForAuth(port, from);
  session.send(`AUTH PLAIN ${plainToken("", USER, PASSWORD)}`);
  const answer = await session.reply();
  if (!answer.startsWith("235 ")) throw new Error(`login refused: ${answer}`);
  return session;
}

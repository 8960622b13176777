/**
 * The load generator for bench/submission, run as its own process so that it does not share an
 * event loop with the sampler:
 *
 *   node --import tsx bench/submission/load.ts load '{"port":…,"sessions":50,"seconds":30,…}'
 *   node --import tsx bench/submission/load.ts idle '{"port":…,"sessions":1000,…}'
 *
 * `load`: each session connects, does STARTTLS and AUTH PLAIN, then, once every session is
 * ready, sends messages back to back over the same session until the time is up. Prints one JSON
 * LoadResult line. The DATA-phase latency runs from the moment the client writes DATA to the
 * final reply after the message (with PIPELINING, DATA leaves together with MAIL FROM and RCPT TO).
 *
 * `one-message`: each of `sessions` clients opens a session (connect, STARTTLS, AUTH PLAIN), sends
 * one message and quits, again and again until the time is up, as mail programs do. Prints one
 * JSON LoadResult line whose session percentiles run from connect to the message's 250.
 *
 * `cold-logins`: logs in as `users` accounts each never seen before (connect, STARTTLS, AUTH PLAIN,
 * QUIT), at most `concurrency` at once and, when `rate` is given, no more than `rate` a second
 * (started on schedule, whether or not earlier ones have finished). Prints one JSON ColdLoginResult.
 *
 * `idle`: opens the sessions (STARTTLS done, logged in), prints one JSON IdleReady line, and holds
 * them idle until its standard input closes; then it closes them and exits.
 */
import { performance } from "node:perf_hooks";
import SMTPConnection from "nodemailer/lib/smtp-connection";

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
}

export interface LoadOptions extends Target {
  readonly from: string;
  readonly to: string;
  readonly sessions: number;
  readonly seconds: number;
  readonly size: number;
}

export interface LoadResult {
  readonly accepted: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  /** The first few distinct error messages with their counts. */
  readonly errorKinds: Record<string, number>;
  /** Sessions that could not be set up (connect, STARTTLS or AUTH failed). */
  readonly setupFailures: number;
  readonly reconnects: number;
  /** CPU seconds (user + system) the load generator itself used while sending. */
  readonly cpuSeconds: number;
  /** one-message only: from connect to the message's 250, per session. */
  readonly sessionP50Ms?: number;
  readonly sessionP99Ms?: number;
}

export interface IdleOptions extends Target {
  readonly sessions: number;
  /** Sessions being set up at once. */
  readonly concurrency: number;
}

export interface IdleReady {
  readonly open: number;
  readonly failed: number;
  readonly seconds: number;
  readonly errorKinds: Record<string, number>;
}

export interface ColdLoginOptions {
  readonly host: string;
  readonly port: number;
  /** Accounts to log in as, each once, in order: `${prefix}${n}@${domain}` for n from `first`; all with `pass`. */
  readonly users: {
    readonly prefix: string;
    readonly domain: string;
    readonly first: number;
    readonly count: number;
  };
  readonly pass: string;
  readonly seconds: number;
  readonly concurrency: number;
  /** Logins started per second; as fast as `concurrency` allows when 0. */
  readonly rate: number;
}

export interface ColdLoginResult {
  readonly loggedIn: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** From connect to the 235 after AUTH. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Logins answered with an error (454 when the queue of checks was full, …). */
  readonly refused: number;
  readonly errorKinds: Record<string, number>;
  /** Logins the schedule could not start: `concurrency` were already in flight. */
  readonly skipped: number;
}

interface Session {
  readonly connection: SMTPConnection;
  /** When the client last wrote DATA. */
  dataAt: number;
}

/** Connects, upgrades with STARTTLS (any certificate) and logs in with AUTH PLAIN. */
function openSession(target: Target): Promise<Session> {
  const connection = new SMTPConnection({
    host: target.host,
    port: target.port,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    name: "loadgen.example.net",
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    socketCloseTimeout: 0,
  });
  const session: Session = { connection, dataAt: 0 };
  // The DATA-phase clock starts when the client writes DATA; nodemailer has no event for it.
  const internal = connection as unknown as { _sendCommand(str: string, logStr?: string): void };
  const send = internal._sendCommand.bind(connection);
  internal._sendCommand = (str: string, logStr?: string) => {
    if (str === "DATA") session.dataAt = performance.now();
    send(str, logStr);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      connection.close();
      reject(error);
    };
    connection.once("error", fail);
    connection.connect((error) => {
      if (error) return fail(error);
      connection.login({ user: target.user, pass: target.pass, method: "PLAIN" }, (loginError) => {
        if (loginError) return fail(loginError);
        settled = true;
        connection.off("error", fail);
        // Errors after setup come back through send(); keep late socket errors from throwing.
        connection.on("error", () => undefined);
        resolve(session);
      });
    });
  });
}

function countError(kinds: Record<string, number>, error: Error): void {
  const key = error.message.replace(/\s+/g, " ").slice(0, 120);
  if (key in kinds || Object.keys(kinds).length < 8) kinds[key] = (kinds[key] ?? 0) + 1;
}

function message(options: LoadOptions, body: Buffer, n: number): Buffer {
  const id = `${process.pid}.${n}.${Date.now()}`;
  const head = Buffer.from(
    `From: <${options.from}>\r\nTo: <${options.to}>\r\nSubject: bench ${n}\r\n` +
      `Date: ${new Date().toUTCString()}\r\nMessage-ID: <${id}@loadgen.example.net>\r\n` +
      "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
  );
  return Buffer.concat([head, body]);
}

/** A body of about `size` bytes of CRLF-terminated 76-character lines (the headers come on top). */
function makeBody(size: number): Buffer {
  const line = `${"The quick brown fox jumps over the lazy dog 0123456789 ".repeat(2).slice(0, 76)}\r\n`;
  return Buffer.from(line.repeat(Math.max(1, Math.round(size / line.length))));
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const body = makeBody(options.size);
  const errorKinds: Record<string, number> = {};
  let setupFailures = 0;
  const opened = await Promise.all(
    Array.from({ length: options.sessions }, () =>
      openSession(options).catch((error: Error) => {
        setupFailures++;
        countError(errorKinds, error);
        return undefined;
      }),
    ),
  );
  const latencies: number[] = [];
  let accepted = 0;
  let errors = 0;
  let reconnects = 0;
  let sent = 0;
  const start = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = start + options.seconds * 1000;

  const drive = async (first: Session | undefined) => {
    let session = first;
    while (performance.now() < deadline) {
      if (!session) {
        // A session the server dropped (or that never opened) is opened again, a bounded number of times.
        if (reconnects >= options.sessions * 20) return;
        reconnects++;
        try {
          session = await openSession(options);
        } catch (error) {
          errors++;
          countError(errorKinds, error as Error);
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
      }
      const current = session;
      const n = sent++;
      const ok = await new Promise<boolean>((resolve) => {
        current.connection.send(
          { from: options.from, to: [options.to] },
          message(options, body, n),
          (error, info) => {
            if (error || !info || info.accepted.length !== 1) {
              errors++;
              countError(errorKinds, error ?? new Error(`not accepted: ${info?.response}`));
              return resolve(false);
            }
            latencies.push(performance.now() - current.dataAt);
            accepted++;
            resolve(true);
          },
        );
      });
      if (!ok) {
        if (current.connection.destroyed) session = undefined;
        else {
          // A refused transaction leaves the session usable once reset.
          const reset = await new Promise<boolean>((resolve) => current.connection.reset((e) => resolve(!e)));
          if (!reset) {
            current.connection.close();
            session = undefined;
          }
        }
      }
    }
    session?.connection.quit();
  };
  await Promise.all(opened.map(drive));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const sorted = Float64Array.from(latencies).sort();
  return {
    accepted,
    seconds,
    perSecond: accepted / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    errors,
    errorKinds,
    setupFailures,
    reconnects,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** Sends one message over a fresh session and quits; resolves with the session's and DATA's times. */
async function oneMessageSession(
  options: LoadOptions,
  body: Buffer,
  n: number,
): Promise<{ sessionMs: number; dataMs: number }> {
  const start = performance.now();
  const session = await openSession(options);
  try {
    await new Promise<void>((resolve, reject) => {
      session.connection.send(
        { from: options.from, to: [options.to] },
        message(options, body, n),
        (error, info) => {
          if (error || !info || info.accepted.length !== 1)
            return reject(error ?? new Error(`not accepted: ${info?.response}`));
          resolve();
        },
      );
    });
    const end = performance.now();
    return { sessionMs: end - start, dataMs: end - session.dataAt };
  } finally {
    session.connection.quit();
  }
}

/** `sessions` clients each sending one message per session, back to back, for `seconds`. */
export async function runOneMessage(options: LoadOptions): Promise<LoadResult> {
  const body = makeBody(options.size);
  const errorKinds: Record<string, number> = {};
  const data: number[] = [];
  const sessions: number[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = start + options.seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      try {
        const times = await oneMessageSession(options, body, sent++);
        data.push(times.dataMs);
        sessions.push(times.sessionMs);
      } catch (error) {
        errors++;
        countError(errorKinds, error as Error);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  await Promise.all(Array.from({ length: options.sessions }, client));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const sortedData = Float64Array.from(data).sort();
  const sortedSessions = Float64Array.from(sessions).sort();
  return {
    accepted: data.length,
    seconds,
    perSecond: data.length / seconds,
    p50Ms: percentile(sortedData, 50),
    p99Ms: percentile(sortedData, 99),
    maxMs: sortedData.length > 0 ? (sortedData[sortedData.length - 1] as number) : Number.NaN,
    errors,
    errorKinds,
    setupFailures: 0,
    reconnects: 0,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    sessionP50Ms: percentile(sortedSessions, 50),
    sessionP99Ms: percentile(sortedSessions, 99),
  };
}

/** Each of `users` logs in once, as fast as allowed or at `rate` a second; see ColdLoginOptions. */
export async function runColdLogins(options: ColdLoginOptions): Promise<ColdLoginResult> {
  const errorKinds: Record<string, number> = {};
  const times: number[] = [];
  let refused = 0;
  let skipped = 0;
  let next = 0;
  let inFlight = 0;
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  const login = async (user: string) => {
    inFlight++;
    const begun = performance.now();
    try {
      const session = await openSession({ host: options.host, port: options.port, user, pass: options.pass });
      times.push(performance.now() - begun);
      session.connection.quit();
    } catch (error) {
      refused++;
      countError(errorKinds, error as Error);
    } finally {
      inFlight--;
    }
  };
  const { prefix, domain, first, count } = options.users;
  const userAt = (n: number) => `${prefix}${first + n}@${domain}`;
  const running: Promise<void>[] = [];
  if (options.rate > 0) {
    // Open loop: a login every 1/rate s, as arrivals from many clients would come.
    for (let due = start; due < deadline && next < count; due += 1000 / options.rate) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (inFlight >= options.concurrency) skipped++;
      else running.push(login(userAt(next++)));
    }
  } else {
    const worker = async () => {
      while (performance.now() < deadline && next < count) await login(userAt(next++));
    };
    running.push(...Array.from({ length: options.concurrency }, worker));
  }
  await Promise.all(running);
  const seconds = (performance.now() - start) / 1000;
  const sorted = Float64Array.from(times).sort();
  return {
    loggedIn: times.length,
    seconds,
    perSecond: times.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    refused,
    errorKinds,
    skipped,
  };
}

export async function openIdle(options: IdleOptions): Promise<{ ready: IdleReady; close(): void }> {
  const start = performance.now();
  const sessions: Session[] = [];
  const errorKinds: Record<string, number> = {};
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < options.sessions) {
      next++;
      try {
        sessions.push(await openSession(options));
      } catch (error) {
        failed++;
        countError(errorKinds, error as Error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.sessions) }, worker));
  return {
    ready: { open: sessions.length, failed, seconds: (performance.now() - start) / 1000, errorKinds },
    close: () => {
      for (const session of sessions) session.connection.close();
    },
  };
}

async function main(mode: string | undefined, json: string | undefined): Promise<void> {
  if (!json || (mode !== "load" && mode !== "one-message" && mode !== "cold-logins" && mode !== "idle"))
    throw new Error("usage: load.ts load|one-message|cold-logins|idle JSON");
  if (mode === "cold-logins") {
    process.stdout.write(`${JSON.stringify(await runColdLogins(JSON.parse(json) as ColdLoginOptions))}\n`);
    return;
  }
  if (mode === "load" || mode === "one-message") {
    const options = JSON.parse(json) as LoadOptions;
    const result = await (mode === "load" ? runLoad(options) : runOneMessage(options));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const idle = await openIdle(JSON.parse(json) as IdleOptions);
  process.stdout.write(`${JSON.stringify(idle.ready)}\n`);
  // Held until the parent closes our standard input (or goes away).
  await new Promise<void>((resolve) => {
    process.stdin.on("data", () => undefined);
    process.stdin.once("end", resolve);
    process.stdin.once("close", resolve);
  });
  idle.close();
  setTimeout(() => process.exit(0), 2000).unref();
}

if (process.argv[1]?.endsWith("load.ts")) {
  main(process.argv[2], process.argv[3]).catch((error: Error) => {
    process.stderr.write(`load.ts: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}

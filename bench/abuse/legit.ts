/**
 * The legitimate clients of bench/abuse, run in the bench's own process (the attacker has its
 * own): each is a probe, one attempt at its job, repeated at a steady pace while a phase lasts,
 * with every attempt's latency and, when it failed, why. Also the exporter that sends valid
 * IPFIX records of TCP/25 flows to the collector.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { performance } from "node:perf_hooks";
import nodemailer from "nodemailer";
import { http, LEGIT_ADDRESS, postHelpReport, SmtpDialogue } from "./net.js";
import { legitIpfix } from "./netflow.js";

/** One attempt: resolves with nothing on success, or a short reason; a throw is a failure too. */
export type Probe = () => Promise<string | undefined>;

export interface ProbeRun {
  ok: number;
  failed: number;
  latenciesMs: number[];
  /** Failure reasons with their counts. */
  reasons: Record<string, number>;
}

export interface ProbeStats {
  readonly ok: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly reasons: Record<string, number>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Latency percentiles over every attempt, failed ones included (a timeout is slow too). */
export function statsOf(run: ProbeRun): ProbeStats {
  const sorted = [...run.latenciesMs].sort((a, b) => a - b);
  return {
    ok: run.ok,
    failed: run.failed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    reasons: run.reasons,
  };
}

/** Short, countable: digits that differ from one failure to the next are dropped. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(/\s+/g, " ")
    .replace(/\d{4,}/g, "N")
    .slice(0, 120);
}

/**
 * Runs `probe` one attempt at a time, starting one every `everyMs` (or as soon as the last
 * ended, when it took longer), until `until`; an attempt past `timeoutMs` is a failure.
 */
export async function runProbe(
  probe: Probe,
  everyMs: number,
  until: number,
  timeoutMs: number,
): Promise<ProbeRun> {
  const run: ProbeRun = { ok: 0, failed: 0, latenciesMs: [], reasons: {} };
  while (performance.now() < until) {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer in ${timeoutMs / 1000} s`), timeoutMs);
    });
    let reason: string | undefined;
    try {
      reason = await Promise.race([probe(), deadline]);
    } catch (error) {
      reason = reasonOf(error);
    }
    clearTimeout(timer);
    const elapsed = performance.now() - start;
    run.latenciesMs.push(elapsed);
    if (reason === undefined) run.ok++;
    else {
      run.failed++;
      run.reasons[reason] = (run.reasons[reason] ?? 0) + 1;
    }
    const left = until - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(left, Math.max(0, everyMs - elapsed)));
  }
  return run;
}

/** One message per session: connect, STARTTLS (or implicit TLS), AUTH PLAIN, one message, QUIT. */
export function mailProbe(options: {
  port: number;
  implicitTls: boolean;
  user: string;
  pass: string;
  to: string;
  timeoutMs: number;
}): Probe {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: options.port,
    secure: options.implicitTls,
    requireTLS: !options.implicitTls,
    tls: { rejectUnauthorized: false, servername: "submission.example.net" },
    auth: { user: options.user, pass: options.pass },
    authMethod: "PLAIN",
    localAddress: LEGIT_ADDRESS,
    name: "legit-client.example.net",
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  let n = 0;
  return async () => {
    const info = await transport.sendMail({
      from: options.user,
      to: options.to,
      subject: `bench abuse ${n++}`,
      text: "A legitimate message, sent while the server is under attack.\n",
    });
    return info.accepted.length === 1 ? undefined : `not accepted: ${info.response}`;
  };
}

/** A console login with the right password, from the legitimate address. */
export function webLoginProbe(port: number, username: string, password: string): Probe {
  return async () => {
    const answer = await http({
      port,
      path: "/api/login",
      method: "POST",
      headers: { "content-type": "application/json", origin: `http://127.0.0.1:${port}` },
      body: JSON.stringify({ username, password }),
    });
    return answer.status === 200 ? undefined : `HTTP ${answer.status}`;
  };
}

export function webGetProbe(port: number, path: string): Probe {
  return async () => {
    const answer = await http({ port, path });
    return answer.status === 200 ? undefined : `HTTP ${answer.status}`;
  };
}

/**
 * A help-form report from a subscriber: through the trusted reverse proxy (LEGIT_ADDRESS is in
 * web.trust_proxy) with X-Forwarded-For naming an address of the plan's dynamic IPv6 pool
 * (2001:db8:1000::/40 in examples/plan.yaml), each time in another /48, so that no network of its
 * own sends it more than once.
 */
export function helpReportProbe(port: number, path: string): Probe {
  let n = 0;
  return async () => {
    const visitor = `2001:db8:10${(n++ % 256).toString(16).padStart(2, "0")}::25`;
    const answer = await postHelpReport({
      port,
      path,
      headers: { "x-forwarded-for": visitor },
      note: "My mail client stopped sending since Monday.",
    });
    if (answer.status === 200) return undefined;
    const alert = /role="alert">([^<]{0,80})/.exec(answer.body)?.[1];
    return `HTTP ${answer.status}${alert ? ` "${alert}"` : ""}`;
  };
}

/**
 * Which services do not answer as they should, with why: the web server's home page (200), and
 * a 220 greeting on both SMTP ports. Empty when all three do.
 */
export async function servicesAnswer(ports: { web: number; smtp: number; tls: number }): Promise<string[]> {
  const check = async (name: string, attempt: () => Promise<string | undefined>) => {
    try {
      const wrong = await attempt();
      return wrong === undefined ? undefined : `${name}: ${wrong}`;
    } catch (error) {
      return `${name}: ${reasonOf(error)}`;
    }
  };
  const greets = async (port: number, implicitTls: boolean) => {
    const dialogue = await SmtpDialogue.open({ port, implicitTls, timeoutMs: 3000 });
    try {
      const greeting = await dialogue.reply(3000);
      return greeting?.code === 220 ? undefined : (greeting?.text.slice(0, 80) ?? "no greeting in 3 s");
    } finally {
      dialogue.send("QUIT");
      dialogue.close();
    }
  };
  const web = async () => {
    const answer = await http({ port: ports.web, path: "/", timeoutMs: 3000 });
    return answer.status === 200 ? undefined : `HTTP ${answer.status}`;
  };
  const answers = await Promise.all([
    check("web", web),
    check("submission", () => greets(ports.smtp, false)),
    check("submission-tls", () => greets(ports.tls, true)),
  ]);
  return answers.filter((a): a is string => a !== undefined);
}

/**
 * A well-behaved exporter: from its own UDP port, one IPFIX message every `everyMs` with its
 * template and `records` TCP/25 flows from `source` (switchable, to tell phases apart).
 */
export class LegitExporter {
  private socket: UdpSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  /** Flows sent, by source address. */
  readonly sent = new Map<string, number>();
  source: string;

  constructor(
    private readonly options: {
      port: number;
      domain: number;
      source: string;
      records: number;
      everyMs: number;
    },
  ) {
    this.source = options.source;
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: "udp4" });
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.bind({ address: LEGIT_ADDRESS, port: 0 }, resolve));
    await new Promise<void>((resolve) => socket.connect(this.options.port, "127.0.0.1", resolve));
    this.socket = socket;
    const tick = () => {
      const { records, domain } = this.options;
      socket.send(
        legitIpfix({ domain, sequence: this.sequence, source: this.source, records, nowMs: Date.now() }),
      );
      this.sequence += records;
      this.sent.set(this.source, (this.sent.get(this.source) ?? 0) + records);
      this.timer = setTimeout(tick, this.options.everyMs);
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = undefined;
  }
}

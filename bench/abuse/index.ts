/**
 * bench/abuse: porteiro under five attacks, each for a bounded time while a legitimate client
 * keeps doing its job, against one real `porteiro serve` (web, submission, flow collector) run
 * from source on loopback with its data in a temp dir.
 *
 *   npm run bench -- abuse [--seconds 15] [--baseline-seconds 5] [--only slowloris,login-flood]
 *
 * Per attack: the legitimate client's successes, failures and p50/p99 latency over a baseline
 * just before it (no attack) and during it; the volume the attacker achieved; porteiro's peak RSS
 * (the whole process: web, submission and the collector's decoding thread); and whether web and
 * both SMTP ports answer once the attacker has stopped. The attacker is its own process
 * (attack.ts), from 127.1.N.M; the legitimate clients run here, from 127.0.0.1. Everything
 * shares the machine's CPUs, as a real attack does. Progress on stderr, tables on stdout.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import {
  cleanup,
  cpuSecondsOf,
  onCleanup,
  PeakSampler,
  rssOf,
  sleep,
  stopChild,
} from "../submission/procs.js";
import type { AttackKind, AttackOptions, AttackReport } from "./attack.js";
import {
  helpReportProbe,
  LegitExporter,
  mailProbe,
  type Probe,
  type ProbeStats,
  runProbe,
  servicesAnswer,
  statsOf,
  webGetProbe,
  webLoginProbe,
} from "./legit.js";
import {
  type AttackResult,
  attackBlock,
  collectorTotals,
  count,
  finalTable,
  type LegitFigures,
  machine,
  SERVED_FAILURE_SHARE,
  serverErrors,
} from "./report.js";
import {
  ACCOUNTS,
  flowsBySource,
  log,
  MAIL_DOMAIN,
  missingPeers,
  type Porteiro,
  type Ports,
  pickPorts,
  prepare,
  ROOT,
  startPorteiro,
  startSink,
} from "./server.js";

const HERE = new URL(".", import.meta.url).pathname;
const MB = 1024 * 1024;
const HELP_FORM = "/cannot-send";
/** A legitimate attempt that takes longer than this failed. */
const PROBE_TIMEOUT_MS = 10_000;
/** How long after an attack its services get to answer again. */
const RECOVERY_MS = 10_000;
/** `porteiro serve` writes the collector's aggregates this often (FLOWS_FLUSH_SECONDS). */
const FLOWS_FLUSH_MS = 5_000;

const ALL: readonly AttackKind[] = [
  "slowloris",
  "half-open-tls",
  "login-flood",
  "template-flood",
  "form-flood",
];

const USAGE = `usage: npm run bench -- abuse [flags]

Starts one \`porteiro serve\` (from source, loopback, temp data folder) and runs each attack for
--seconds while a legitimate client works, after a baseline of --baseline-seconds without attack.

  slowloris       unauthenticated sessions on the STARTTLS port sending NOOP every few seconds;
                  legit: STARTTLS + AUTH + one message + QUIT, in a loop
  half-open-tls   sockets to the implicit-TLS port that send 10 bytes of a ClientHello and stop;
                  legit: implicit TLS + AUTH + one message + QUIT
  login-flood     wrong passwords at /api/login and at SMTP AUTH (one account and ever new names);
                  legit: another operator logs in to the console, another mail user sends
  template-flood  NetFlow v9/IPFIX datagrams of one-field templates, each in a new domain;
                  legit: a steady exporter (known before) and a new one (first seen during it),
                  valid IPFIX TCP/25 flows; counted = what \`porteiro flows report\` shows after a flush
  form-flood      the help form (${HELP_FORM}) fetched and posted from many addresses;
                  legit: GET /, and reports from subscribers in the plan (2001:db8:10xx::/48, each
                  its own, through the trusted proxy 127.0.0.1); the attackers are outside the plan

flags:
  --seconds N            attack time per attack (default 15)
  --baseline-seconds N   legit-only time before each attack (default 5)
  --only LIST            comma-separated attacks to run (default: all five, in the order above)
  --sources N            attacker loopback addresses, 127.1.0.2, 127.1.1.2 … each its own /24 (default 250)
  --sessions N           slowloris: sessions held (default 1500; max_connections defaults to 1000)
  --noop-every N         slowloris: seconds between a session's NOOPs (default 5)
  --half-open N          half-open-tls: sockets held (default 3000)
  --web-workers N        login-flood: concurrent /api/login guessers (default 64)
  --smtp-workers N       login-flood: concurrent SMTP sessions guessing (default 32)
  --flood-rate N         template-flood: datagrams a second (default 10000)
  --flood-sockets N      template-flood: UDP source sockets (default 32)
  --flood-bytes N        template-flood: datagram size, of one-field templates (default 1400)
  --form-workers N       form-flood: concurrent GET+POST loops (default 32)
  --keep                 keep the temp dir (data folder, porteiro's log)
  -h, --help             this text

Legitimate clients count as served when at most ${SERVED_FAILURE_SHARE * 100} % of their attempts fail during
the attack (an attempt fails on a refusal or after ${PROBE_TIMEOUT_MS / 1000} s); latency percentiles include failed
attempts. Needs smtp-sink (Debian package postfix) as the smarthost, and ulimit -n above the sockets held.
`;

interface Flags {
  seconds: number;
  baselineSeconds: number;
  only: AttackKind[];
  sources: number;
  sessions: number;
  noopEvery: number;
  halfOpen: number;
  webWorkers: number;
  smtpWorkers: number;
  floodRate: number;
  floodSockets: number;
  floodBytes: number;
  formWorkers: number;
  keep: boolean;
}

function parseFlags(args: string[]): Flags | undefined {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string", default: "15" },
      "baseline-seconds": { type: "string", default: "5" },
      only: { type: "string" },
      sources: { type: "string", default: "250" },
      sessions: { type: "string", default: "1500" },
      "noop-every": { type: "string", default: "5" },
      "half-open": { type: "string", default: "3000" },
      "web-workers": { type: "string", default: "64" },
      "smtp-workers": { type: "string", default: "32" },
      "flood-rate": { type: "string", default: "10000" },
      "flood-sockets": { type: "string", default: "32" },
      "flood-bytes": { type: "string", default: "1400" },
      "form-workers": { type: "string", default: "32" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const number = (name: keyof typeof values, min: number, max: number): number => {
    const value = Number(values[name]);
    if (!(Number.isFinite(value) && value >= min && value <= max))
      throw new Error(`--${name} must be a number in [${min}, ${max}]`);
    return value;
  };
  const integer = (name: keyof typeof values, min: number, max: number): number => {
    const value = number(name, min, max);
    if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer in [${min}, ${max}]`);
    return value;
  };
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : [...ALL];
  const unknown = only.filter((name) => !ALL.includes(name as AttackKind));
  if (unknown.length > 0 || only.length === 0)
    throw new Error(`--only takes a comma-separated list of ${ALL.join(", ")}; not: ${unknown.join(", ")}`);
  return {
    seconds: number("seconds", 1, 300),
    baselineSeconds: number("baseline-seconds", 1, 120),
    only: ALL.filter((name) => only.includes(name)),
    sources: integer("sources", 1, 1000),
    sessions: integer("sessions", 1, 10_000),
    noopEvery: number("noop-every", 0.5, 60),
    halfOpen: integer("half-open", 1, 10_000),
    webWorkers: integer("web-workers", 1, 1000),
    smtpWorkers: integer("smtp-workers", 1, 1000),
    floodRate: integer("flood-rate", 1, 200_000),
    floodSockets: integer("flood-sockets", 1, 1000),
    floodBytes: integer("flood-bytes", 64, 65_000),
    formWorkers: integer("form-workers", 1, 1000),
    keep: values.keep,
  };
}

interface Run {
  readonly flags: Flags;
  readonly ports: Ports;
  readonly data: string;
  readonly plan: string;
  readonly server: () => Porteiro;
}

const TITLES: Record<AttackKind, string> = {
  slowloris: "1. slowloris on submission (STARTTLS port)",
  "half-open-tls": "2. half-open TLS on the implicit-TLS port",
  "login-flood": "3. login flood (/api/login + SMTP AUTH)",
  "template-flood": "4. NetFlow v9/IPFIX template flood",
  "form-flood": "5. help form flood (/cannot-send)",
};

function describeAttack(kind: AttackKind, f: Flags): string {
  const from = `from ${f.sources} loopback addresses`;
  switch (kind) {
    case "slowloris":
      return `${f.sessions} unauthenticated sessions ${from}, EHLO then NOOP every ~${f.noopEvery} s, reopened when closed`;
    case "half-open-tls":
      return `${f.halfOpen} sockets ${from}, 10 bytes of a ClientHello then silence, reopened when closed`;
    case "login-flood":
      return `${f.webWorkers} /api/login guessers + ${f.smtpWorkers} SMTP sessions (STARTTLS, AUTH PLAIN) ${from}; half the guesses for one account, half for new names`;
    case "template-flood":
      return `${f.floodRate} datagrams/s of ${f.floodBytes} bytes (v9 and IPFIX alternating, ~${Math.floor((f.floodBytes - 20) / 8)} one-field templates each, a new domain each) from ${f.floodSockets} sockets`;
    case "form-flood":
      return `${f.formWorkers} GET+POST loops ${from}`;
  }
}

/** The legitimate clients of an attack (the template flood has its exporters instead). */
function probesOf(kind: AttackKind, ports: Ports): { name: string; probe: Probe; everyMs: number }[] {
  const mail = (implicitTls: boolean) =>
    mailProbe({
      port: implicitTls ? ports.tls : ports.smtp,
      implicitTls,
      user: ACCOUNTS.mailUser,
      pass: ACCOUNTS.mailPass,
      to: ACCOUNTS.recipient,
      timeoutMs: PROBE_TIMEOUT_MS,
    });
  switch (kind) {
    case "slowloris":
      return [{ name: "STARTTLS+AUTH+send+QUIT", probe: mail(false), everyMs: 250 }];
    case "half-open-tls":
      return [{ name: "implicit TLS+AUTH+send+QUIT", probe: mail(true), everyMs: 250 }];
    case "login-flood":
      return [
        {
          name: `console login (${ACCOUNTS.operator})`,
          probe: webLoginProbe(ports.web, ACCOUNTS.operator, ACCOUNTS.operatorPass),
          everyMs: 500,
        },
        { name: "STARTTLS+AUTH+send (other user)", probe: mail(false), everyMs: 500 },
      ];
    case "template-flood":
      return [];
    case "form-flood":
      return [
        { name: "GET /", probe: webGetProbe(ports.web, "/"), everyMs: 250 },
        {
          name: "report from a subscriber (via proxy)",
          probe: helpReportProbe(ports.web, HELP_FORM),
          everyMs: 2000,
        },
      ];
  }
}

async function runProbes(
  probes: { name: string; probe: Probe; everyMs: number }[],
  seconds: number,
): Promise<ProbeStats[]> {
  const until = performance.now() + seconds * 1000;
  const runs = await Promise.all(probes.map((p) => runProbe(p.probe, p.everyMs, until, PROBE_TIMEOUT_MS)));
  return runs.map(statsOf);
}

/** Starts the attacker; `ready` resolves once it attacks, `stop()` ends it and resolves with its report. */
function startAttacker(
  kind: AttackKind,
  options: AttackOptions,
): { ready: Promise<void>; stop: () => Promise<AttackReport | undefined> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(HERE, "attack.ts"), kind, JSON.stringify(options)],
    { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
  );
  onCleanup(`attacker (${kind})`, () => stopChild(child, 1000));
  let out = "";
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    if (out.startsWith("ready\n")) signalReady();
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      signalReady();
      resolve();
    }),
  );
  return {
    // Should it never say so, the attack is timed from a minute on (unref: no wait at exit).
    ready: Promise.race([ready, new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref())]),
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
      const line = out.trim().split("\n").pop();
      try {
        return line ? (JSON.parse(line) as AttackReport) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** Waits for web and both SMTP ports to answer again, up to RECOVERY_MS. */
async function aliveAfter(run: Run): Promise<{ text: string; ok: boolean }> {
  const start = performance.now();
  let down: string[] = [];
  for (;;) {
    const server = run.server();
    const exit = server.exited();
    if (exit !== undefined) return { text: `NO: porteiro exited (${exit})`, ok: false };
    down = await servicesAnswer(run.ports);
    const waited = (performance.now() - start) / 1000;
    if (down.length === 0) return { text: `yes (${waited.toFixed(1)} s)`, ok: true };
    if (waited * 1000 > RECOVERY_MS)
      return { text: `NO, ${waited.toFixed(0)} s after: ${down.join("; ")}`, ok: false };
    await sleep(500);
  }
}

function attackOptions(run: Run): AttackOptions {
  const f = run.flags;
  return {
    seconds: f.seconds,
    sources: f.sources,
    smtpPort: run.ports.smtp,
    tlsPort: run.ports.tls,
    webPort: run.ports.web,
    collectorPort: run.ports.collector,
    slowlorisSessions: f.sessions,
    noopSeconds: f.noopEvery,
    halfOpenSockets: f.halfOpen,
    webWorkers: f.webWorkers,
    smtpWorkers: f.smtpWorkers,
    victimOperator: ACCOUNTS.victimOperator,
    victimMailUser: ACCOUNTS.victimMailUser,
    mailDomain: MAIL_DOMAIN,
    floodRate: f.floodRate,
    floodSockets: f.floodSockets,
    floodBytes: f.floodBytes,
    formWorkers: f.formWorkers,
    formPath: HELP_FORM,
  };
}

/** Datagrams the kernel dropped for a full socket receive buffer, on the whole machine. */
function udpReceiveErrors(): number {
  try {
    const lines = readFileSync("/proc/net/snmp", "utf8")
      .split("\n")
      .filter((line) => line.startsWith("Udp:"));
    const names = (lines[0] ?? "").split(/\s+/);
    const values = (lines[1] ?? "").split(/\s+/);
    return Number(values[names.indexOf("RcvbufErrors")] ?? 0);
  } catch {
    return 0;
  }
}

/** Exporter sources: distinct per exporter and phase, so that the report tells them apart. */
const FLOW_SOURCES = {
  steadyBaseline: "203.0.113.10",
  steadyAttack: "203.0.113.11",
  newAttack: "203.0.113.12",
  newBaseline: "203.0.113.13",
  newAfter: "203.0.113.14",
  /** While the attacker starts: in neither phase. */
  between: "203.0.113.15",
} as const;
/** How long the exporter first seen after the attack sends. */
const AFTER_EXPORTER_MS = 2000;

async function runAttack(run: Run, kind: AttackKind): Promise<AttackResult> {
  const { flags } = run;
  const server = run.server();
  const pid = server.pid;
  const probes = probesOf(kind, run.ports);
  const notes: string[] = [];
  // A few attempts first, not counted: connections, TLS and the JIT warm.
  if (probes.length > 0) await runProbes(probes, 1);
  const rssBefore = rssOf(pid);
  const sampler = new PeakSampler(() => rssOf(pid)).start();

  const exporterOptions = { port: run.ports.collector, records: 10, everyMs: 100 };
  const steady = new LegitExporter({ ...exporterOptions, domain: 1, source: FLOW_SOURCES.steadyBaseline });
  const fresh: LegitExporter[] = [];
  const startFresh = async (source: string, domain: number, afterMs: number) => {
    await sleep(afterMs);
    const exporter = new LegitExporter({ ...exporterOptions, domain, source });
    fresh.push(exporter);
    await exporter.start();
  };

  log(`${TITLES[kind]}: baseline ${flags.baselineSeconds} s ...`);
  let baseline: ProbeStats[];
  if (kind === "template-flood") {
    await steady.start();
    await Promise.all([startFresh(FLOW_SOURCES.newBaseline, 5, 1000), sleep(flags.baselineSeconds * 1000)]);
    // The baseline's new exporter ends with it: the attack's is another, first seen under attack.
    for (const exporter of fresh) exporter.stop();
    steady.source = FLOW_SOURCES.between;
    baseline = [];
  } else baseline = await runProbes(probes, flags.baselineSeconds);

  const attacker = startAttacker(kind, attackOptions(run));
  await attacker.ready;
  log(`${TITLES[kind]}: attack ${flags.seconds} s ...`);
  const cpuBefore = cpuSecondsOf(pid);
  const udpErrorsBefore = udpReceiveErrors();
  let during: ProbeStats[];
  if (kind === "template-flood") {
    steady.source = FLOW_SOURCES.steadyAttack;
    await Promise.all([startFresh(FLOW_SOURCES.newAttack, 7, 2000), sleep(flags.seconds * 1000)]);
    steady.stop();
    for (const exporter of fresh) exporter.stop();
    during = [];
  } else during = await runProbes(probes, flags.seconds);
  const report = await attacker.stop();
  log(`${TITLES[kind]}: attacker stopped; checking that the services answer ...`);
  const cpuSeconds = cpuSecondsOf(pid) - cpuBefore;
  if (kind === "template-flood") {
    const drops = udpReceiveErrors() - udpErrorsBefore;
    notes.push(
      `kernel UDP receive-buffer drops during the attack (/proc/net/snmp RcvbufErrors, whole machine): ${count(drops)}`,
    );
  }
  const rssPeak = sampler.stop();
  if (!report) notes.push("the attacker printed no report");
  // A new exporter once the flood has stopped: does the collector take one again?
  if (kind === "template-flood") await startFresh(FLOW_SOURCES.newAfter, 9, 0);
  let alive = await aliveAfter(run);
  if (kind === "template-flood") {
    await sleep(AFTER_EXPORTER_MS);
    for (const exporter of fresh) exporter.stop();
  }

  const legit: LegitFigures[] = probes.map((p, i) => ({
    name: p.name,
    baseline: baseline[i] as ProbeStats,
    attack: during[i] as ProbeStats,
    latency: true,
  }));
  if (kind === "template-flood") {
    log(`${TITLES[kind]}: waiting for the collector's flush, then porteiro flows report ...`);
    const flows = await countedFlows(run, [steady, ...fresh], notes);
    legit.push(...flows.figures);
    const { sent, counted } = flows.after;
    const taken = sent > 0 && counted >= sent * (1 - SERVED_FAILURE_SHARE);
    notes.push(`a new exporter started after the attack: ${count(counted)} of ${count(sent)} flows counted`);
    if (!taken && alive.ok)
      alive = {
        text: `NO, collector: a new exporter after it got ${count(counted)}/${count(sent)} flows counted`,
        ok: false,
      };
  }
  return {
    kind,
    title: TITLES[kind],
    attackDescription: describeAttack(kind, flags),
    report,
    legit,
    rssBeforeMb: rssBefore / MB,
    rssPeakMb: rssPeak / MB,
    cpuSeconds,
    alive: alive.text,
    aliveOk: alive.ok,
    notes,
  };
}

/**
 * Flows the legitimate exporters sent against those `porteiro flows report` counts once the
 * collector has flushed: the baseline's and the attack's, and (in `after`) those of an exporter
 * first seen after the attack, which tells whether the collector takes new exporters again.
 */
async function countedFlows(
  run: Run,
  exporters: LegitExporter[],
  notes: string[],
): Promise<{ figures: LegitFigures[]; after: { sent: number; counted: number } }> {
  const sent = new Map<string, number>();
  for (const exporter of exporters)
    for (const [source, n] of exporter.sent) sent.set(source, (sent.get(source) ?? 0) + n);
  let counted = new Map<string, number>();
  // Written by the collector's next flush, every FLOWS_FLUSH_MS.
  await sleep(FLOWS_FLUSH_MS + 2000);
  const reportStart = performance.now();
  try {
    counted = await flowsBySource(run.data, run.plan);
    log(`porteiro flows report answered in ${((performance.now() - reportStart) / 1000).toFixed(1)} s`);
  } catch (error) {
    notes.push(`flows report failed: ${(error as Error).message.slice(0, 200)}`);
  }
  const figures = (source: string): ProbeStats => {
    const n = sent.get(source) ?? 0;
    const c = counted.get(source) ?? 0;
    return {
      ok: Math.min(c, n),
      failed: Math.max(0, n - c),
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      reasons: n > c ? { "sent, not counted": n - c } : {},
    };
  };
  return {
    figures: [
      {
        name: "exporter known before (flows counted)",
        baseline: figures(FLOW_SOURCES.steadyBaseline),
        attack: figures(FLOW_SOURCES.steadyAttack),
        latency: false,
      },
      {
        name: "new exporter (flows counted)",
        baseline: figures(FLOW_SOURCES.newBaseline),
        attack: figures(FLOW_SOURCES.newAttack),
        latency: false,
      },
    ],
    after: { sent: sent.get(FLOW_SOURCES.newAfter) ?? 0, counted: counted.get(FLOW_SOURCES.newAfter) ?? 0 },
  };
}

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  if (!flags) {
    process.stdout.write(USAGE);
    return 0;
  }
  const missing = missingPeers();
  if (missing) {
    process.stderr.write(`bench abuse: ${missing}\n`);
    return 1;
  }
  const fdLimit = Number(spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).stdout.trim());
  const held = Math.max(
    flags.only.includes("slowloris") ? flags.sessions : 0,
    flags.only.includes("half-open-tls") ? flags.halfOpen : 0,
  );
  if (fdLimit < held + 1000) {
    process.stderr.write(
      `bench abuse: ulimit -n is ${fdLimit}; holding ${held} sockets needs ${held + 1000} (ulimit -n 20000)\n`,
    );
    return 1;
  }

  const dir = mkdtempSync(join(tmpdir(), "porteiro-bench-abuse-"));
  const logFile = join(dir, "porteiro.log");
  const stopOnSignal = () => {
    log("interrupted: stopping everything started ...");
    void cleanup().then(() => {
      if (!flags.keep) rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  const started = new Date();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  try {
    log(`setting up in ${dir} ...`);
    const { config, data, plan } = prepare(dir);
    log("accounts and settings made; starting porteiro serve ...");
    const ports = await pickPorts();
    startSink(ports.sink);
    let server = await startPorteiro({ config, data, ports, logFile });
    log(
      `porteiro serve (pid ${server.pid}): web ${ports.web}, submission ${ports.smtp}/${ports.tls}, collector udp ${ports.collector}`,
    );
    const runState: Run = { flags, ports, data, plan, server: () => server };
    const results: AttackResult[] = [];
    const restarts: string[] = [];
    for (const kind of flags.only) {
      const exit = server.exited();
      if (exit !== undefined) {
        restarts.push(`porteiro had exited (${exit}) before ${TITLES[kind]}; started again`);
        log(restarts.at(-1) as string);
        server = await startPorteiro({ config, data, ports, logFile });
      }
      const result = await runAttack(runState, kind);
      results.push(result);
      process.stdout.write(attackBlock(result));
    }
    const exitBeforeStop = server.exited();
    log("stopping porteiro serve ...");
    const stopStart = performance.now();
    await stopChild(server.child, 30_000);
    const stopSeconds = (performance.now() - stopStart) / 1000;
    const stopExit = server.exited();
    const totals = collectorTotals(logFile);
    const errors = serverErrors(logFile);
    const out = [
      "",
      `## abuse — ${started.toISOString().slice(0, 10)}`,
      "",
      `command: npm run bench -- abuse ${args.join(" ")}`.trimEnd(),
      `machine: ${machine()}; load average at the start ${load}`,
      `per attack: ${flags.baselineSeconds} s baseline (no attack), then ${flags.seconds} s under attack; porteiro serve from source (tsx), default limits except the legit user's sending limits`,
      "",
      finalTable(results),
      "",
      `p99 ÷ baseline: the legit client's p99 latency under attack over its baseline p99 (failed attempts included). ` +
        `Served: at most ${SERVED_FAILURE_SHARE * 100} % of its attempts failed during the attack.`,
      ...(totals ? [`collector counters at the end: ${totals}`] : []),
      `porteiro serve stopped ${stopSeconds.toFixed(1)} s after SIGTERM (exit ${stopExit ?? "?"})`,
      ...(exitBeforeStop !== undefined
        ? [`porteiro had exited (${exitBeforeStop}) before the end of the run`]
        : []),
      ...restarts,
      ...(errors.length > 0 ? ["porteiro logged errors:", ...errors.slice(0, 10).map((e) => `  ${e}`)] : []),
      "",
    ];
    process.stdout.write(out.join("\n"));
    // A finding is in the table, not in the exit code: the measure itself succeeded.
    return 0;
  } finally {
    process.off("SIGINT", stopOnSignal);
    process.off("SIGTERM", stopOnSignal);
    await cleanup();
    if (flags.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

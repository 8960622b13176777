/**
 * bench/submission: porteiro's submission service side by side with a private Postfix 3.7 set up
 * as an equivalent submission service (STARTTLS, Cyrus SASL AUTH, queue on the same disk), both
 * relaying to one `smtp-sink` on loopback while they accept. See README.md.
 *
 *   npm run bench -- submission [--seconds 30] [--sessions 50] [--size 10240] [--idle 1000]
 *                               [--skip-build] [--keep] [--profile DIR]
 *
 * Steps: build dist/ (npm run build); start smtp-sink, porteiro (fresh data folder, one user,
 * smarthost = the sink, PORTEIRO_LOG_LEVEL=warn) and Postfix (postfix.ts); porteiro holds
 * `--idle` logged-in TLS sessions while its RSS is sampled; then the same load (load.ts, its own
 * process) drives porteiro, then Postfix (porteiro stopped by then): each session does STARTTLS
 * and AUTH PLAIN, then sends `--size`-byte messages to one recipient back to back for
 * `--seconds`. Peak RSS of each server is sampled from /proc every 200 ms. Needs root (Postfix)
 * and the Debian packages in postfix.ts (DEBIAN_PACKAGES). Progress on stderr, the table on stdout.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { table } from "../markdown-table.js";
import {
  COLD_DOMAIN,
  COLD_PREFIX,
  hashCapacity,
  importColdAccounts,
  runColdLoginProcess,
} from "./cold-logins.js";
import { startDovecotAuth } from "./dovecot.js";
import type { IdleReady, LoadOptions, LoadResult } from "./load.js";
import { type ColdLogins, oneMessageReport } from "./one-message.js";
import { missingPeers, type PostfixSubmission, startPostfixSubmission } from "./postfix.js";
import {
  cleanup,
  cpuSecondsOf,
  freePort,
  log,
  onCleanup,
  PeakSampler,
  pssOf,
  rssOf,
  sleep,
  stopChild,
  waitForPort,
} from "./procs.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const USER = "ana";
const REALM = "example.net";
const ADDRESS = `${USER}@${REALM}`;
const PASSWORD = "bench-password-1";
const RECIPIENT = "bob@example.org";
const MB = 1024 * 1024;

const TARGET_RATE = 2;
const TARGET_P99 = 1 / 5;
const TARGET_IDLE_MB = 300;
/** First logins a second that arrive beside the warm one-message load. */
const COLD_RATE = 100;
/** porteiro's default submission.auth hash_threads and scrypt_cost. */
const HASH_THREADS = 2;
const SCRYPT_COST = 15;
/** Seconds the queue is watched after each load, for the delivery rate with no new mail. */
const DRAIN_SECONDS = 10;

/** Long sessions sending back to back, or one message per session as mail programs send. */
type SessionShape = "long" | "one-message";

export interface ServerRun {
  readonly load: LoadResult;
  readonly peakRss: number;
  /** Postfix only: the peak over all its processes (tlsmgr, anvil, rewrite, postlogd … too). */
  readonly peakRssAll?: number;
  /** Peak proportional set size (shared pages split between processes) of all its processes. */
  readonly peakPss: number;
  /** Messages still in the server's queue when the load stopped. */
  readonly queuedAtEnd: number;
  /** Messages delivered to the sink per second while the load ran. */
  readonly deliveredPerSecond: number;
  /** Messages delivered to the sink per second in the seconds after the load (no new mail). */
  readonly drainPerSecond: number;
  /** CPU seconds the server used while the load ran (accepting and delivering). */
  readonly cpuSeconds: number;
}

function spawnLogged(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM" && signal !== "SIGKILL")
      log(`${name} exited (${code ?? signal}); last output:\n${tail}`);
  });
  onCleanup(name, () => stopChild(child));
  return child;
}

/** Runs load.ts in its own process and returns its JSON line. */
async function runLoadProcess(options: LoadOptions, shape: SessionShape): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(here, "load.ts"),
      shape === "long" ? "load" : "one-message",
      JSON.stringify(options),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  onCleanup("load generator", () => stopChild(child, 1000));
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  const limit = setTimeout(() => child.kill("SIGKILL"), (options.seconds + 180) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(limit);
  if (code !== 0) throw new Error(`the load generator failed (exit ${code})`);
  const result = JSON.parse(out.trim().split("\n").pop() as string) as LoadResult;
  // JSON turns the NaN percentiles of a run with nothing accepted into null.
  return {
    ...result,
    p50Ms: result.p50Ms ?? Number.NaN,
    p99Ms: result.p99Ms ?? Number.NaN,
    maxMs: result.maxMs ?? Number.NaN,
  };
}

/**
 * Watches the queue for `seconds` after the load (or until it is empty) and returns how many
 * messages per second left it for the sink meanwhile.
 */
async function drainRate(queued: () => number, from: number, seconds: number): Promise<number> {
  const start = Date.now();
  let left = from;
  while (left > 0 && Date.now() - start < seconds * 1000) {
    await sleep(250);
    left = queued();
  }
  const elapsed = (Date.now() - start) / 1000;
  return elapsed > 0 ? (from - left) / elapsed : 0;
}

async function measureServer(
  name: string,
  port: number,
  rss: () => number,
  queued: () => number,
  flags: { sessions: number; seconds: number; size: number; shape: SessionShape },
  pss: () => number,
  cpu: () => number,
  rssAll?: () => number,
): Promise<ServerRun> {
  log(
    flags.shape === "long"
      ? `${name}: ${flags.sessions} sessions × ${flags.seconds} s, ${flags.size}-byte messages, 1 recipient ...`
      : `${name}: ${flags.sessions} clients × ${flags.seconds} s, one ${flags.size}-byte message per session ...`,
  );
  const sampler = new PeakSampler(rss).start();
  const samplerAll = rssAll ? new PeakSampler(rssAll).start() : undefined;
  // smaps_rollup walks every mapping, so this one is sampled once a second.
  const samplerPss = new PeakSampler(pss, 1000).start();
  const cpuBefore = cpu();
  const { shape, ...sizes } = flags;
  const load = await runLoadProcess(
    { host: "127.0.0.1", port, user: ADDRESS, pass: PASSWORD, from: ADDRESS, to: RECIPIENT, ...sizes },
    shape,
  );
  const queuedAtEnd = queued();
  const cpuSeconds = cpu() - cpuBefore;
  const peakRss = sampler.stop();
  const peakRssAll = samplerAll?.stop();
  const peakPss = samplerPss.stop();
  log(
    `${name}: ${load.accepted} accepted in ${load.seconds.toFixed(1)} s = ${load.perSecond.toFixed(0)} msg/s, ` +
      `DATA p50 ${load.p50Ms.toFixed(1)} ms p99 ${load.p99Ms.toFixed(1)} ms, ${load.errors} errors, ` +
      `peak RSS ${(peakRss / MB).toFixed(0)} MB; ${queuedAtEnd} still queued`,
  );
  if (load.errors > 0 || load.setupFailures > 0) log(`${name} errors: ${JSON.stringify(load.errorKinds)}`);
  const deliveredPerSecond = (load.accepted - queuedAtEnd) / load.seconds;
  const drainPerSecond = await drainRate(queued, queuedAtEnd, DRAIN_SECONDS);
  log(
    `${name}: delivered to the sink ${deliveredPerSecond.toFixed(0)} msg/s during the load, ` +
      `${drainPerSecond.toFixed(0)} msg/s in the ${DRAIN_SECONDS} s after it`,
  );
  return {
    load,
    peakRss,
    peakPss,
    ...(peakRssAll !== undefined ? { peakRssAll } : {}),
    queuedAtEnd,
    deliveredPerSecond,
    drainPerSecond,
    cpuSeconds,
  };
}

/** porteiro's RSS with `count` logged-in TLS sessions held open. */
async function measureIdle(
  port: number,
  pid: number,
  count: number,
): Promise<{ ready: IdleReady; before: number; peak: number; settled: number }> {
  const before = rssOf(pid);
  log(`porteiro: opening ${count} idle TLS sessions (STARTTLS + AUTH PLAIN) ...`);
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(here, "load.ts"),
      "idle",
      JSON.stringify({
        host: "127.0.0.1",
        port,
        user: ADDRESS,
        pass: PASSWORD,
        sessions: count,
        concurrency: 50,
      }),
    ],
    { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
  );
  onCleanup("idle sessions", () => stopChild(child, 1000));
  const sampler = new PeakSampler(() => rssOf(pid)).start();
  const ready = await new Promise<IdleReady>((resolve, reject) => {
    let out = "";
    const limit = setTimeout(() => reject(new Error("idle sessions not open after 300 s")), 300_000);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("\n")) {
        clearTimeout(limit);
        resolve(JSON.parse(out.slice(0, out.indexOf("\n"))) as IdleReady);
      }
    });
    child.once("exit", (code) => reject(new Error(`the idle-session process exited (${code})`)));
  });
  log(
    `porteiro: ${ready.open} sessions open (${ready.failed} failed) in ${ready.seconds.toFixed(1)} s; holding 5 s`,
  );
  if (ready.failed > 0) log(`idle errors: ${JSON.stringify(ready.errorKinds)}`);
  await sleep(5000);
  const settled = rssOf(pid);
  const peak = sampler.stop();
  child.stdin.end();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { ready, before, peak, settled };
}

const mb = (bytes: number) => (bytes / MB).toFixed(0);
const times = (value: number) => `${value.toFixed(2)}×`;
const perThousand = (cpuSeconds: number, messages: number) =>
  messages > 0 ? ((cpuSeconds / messages) * 1000).toFixed(2) : "—";

function machine(): string {
  const cpu = cpus();
  const uname = spawnSync("uname", ["-sr"], { encoding: "utf8" }).stdout.trim();
  return `${cpu.length} vCPUs (${cpu[0]?.model ?? "?"}), ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${uname}, Node ${process.version}`;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string", default: "30" },
      sessions: { type: "string", default: "50" },
      clients: { type: "string", default: "50" },
      size: { type: "string", default: "10240" },
      idle: { type: "string", default: "1000" },
      "skip-build": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      profile: { type: "string" },
      "porteiro-only": { type: "boolean", default: false },
      "node-options": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      "usage: npm run bench -- submission [--seconds 30] [--sessions 50|one-message] [--clients 50] [--size 10240] [--idle 1000] [--skip-build] [--keep] [--profile DIR] [--porteiro-only] [--node-options=FLAGS]\n",
    );
    return 0;
  }
  const seconds = Number(values.seconds);
  const shape: SessionShape = values.sessions === "one-message" ? "one-message" : "long";
  const sessions = Number(shape === "long" ? values.sessions : values.clients);
  const size = Number(values.size);
  // One-message sessions measure logins; the idle sessions belong to the long-session run.
  const idle = shape === "long" ? Number(values.idle) : 0;
  if (!(seconds > 0 && seconds <= 600)) throw new Error("--seconds must be in (0, 600]");
  if (!Number.isInteger(sessions) || sessions < 1 || sessions > 1000)
    throw new Error("--sessions must be an integer in 1..1000 or one-message; --clients one in 1..1000");
  if (!Number.isInteger(size) || size < 100) throw new Error("--size must be an integer of at least 100");
  if (!Number.isInteger(idle) || idle < 0 || idle > 5000)
    throw new Error("--idle must be an integer in 0..5000");
  const missing = missingPeers();
  if (missing) {
    process.stderr.write(`bench submission: ${missing}\n`);
    return 1;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write("bench submission: needs root to run a private Postfix instance\n");
    return 1;
  }
  const fdLimit = Number(spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).stdout.trim());
  if (fdLimit < idle * 2 + 200) {
    process.stderr.write(
      `bench submission: ulimit -n is ${fdLimit}; ${idle} idle sessions need about ${idle * 2 + 200} (raise it with ulimit -n 8192)\n`,
    );
    return 1;
  }

  const dir = mkdtempSync(join(tmpdir(), "porteiro-bench-submission-"));
  chmodSync(dir, 0o755);
  const stopOnSignal = () => {
    void cleanup().then(() => process.exit(130));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    if (!values["skip-build"]) {
      log("building dist/ (npm run build) ...");
      const build = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8", timeout: 300_000 });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    }

    // The sink both servers deliver to.
    const sinkPort = await freePort();
    spawnLogged("smtp-sink", "smtp-sink", ["-a", "-u", "postfix", `127.0.0.1:${sinkPort}`, "1024"]);
    await waitForPort(sinkPort, 10_000, "smtp-sink");
    log(`smtp-sink on 127.0.0.1:${sinkPort}`);

    // porteiro: fresh data folder, one user, generous limits so that only capacity is measured.
    const data = join(dir, "porteiro");
    mkdirSync(data);
    const added = spawnSync(
      process.execPath,
      [join(root, "bin", "porteiro.js"), "users", "add", ADDRESS, "--data", data],
      {
        cwd: root,
        input: `${PASSWORD}\n`,
        encoding: "utf8",
      },
    );
    if (added.status !== 0) throw new Error(`porteiro users add failed: ${added.stderr}`);
    // Accounts for first logins: as many as the cold runs could use, twice over.
    const coldAccounts = shape === "one-message" ? COLD_RATE * seconds * 2 : 0;
    if (coldAccounts > 0) importColdAccounts(root, data, coldAccounts, PASSWORD);
    const big = 1_000_000_000;
    const writeConfig = (file: string, extra: string[]) =>
      writeFileSync(
        file,
        [
          "submission:",
          `  max_connections: ${Math.max(2000, idle + sessions + 100)}`,
          `  max_connections_per_ip: ${Math.max(2000, idle + sessions + 100)}`,
          "  reverse_lookup: false",
          "  limits:",
          ...[
            "messages_per_minute",
            "messages_per_hour",
            "messages_per_day",
            "recipients_per_minute",
            "recipients_per_hour",
            "recipients_per_day",
          ].map((key) => `    ${key}: ${big}`),
          // One account from one address stands for many clients: its logins are not taken for guessing.
          "  auth_lockout:",
          `    failures: ${big}`,
          `    max_in_flight_per_client: ${big}`,
          "  hold:",
          `    limit_hits: ${big}`,
          `    distinct_domains: ${big}`,
          ...extra,
          "",
        ].join("\n"),
      );
    const configFile = join(dir, "porteiro.yaml");
    writeConfig(configFile, []);
    // The same service with no cache of verified logins: every login costs a full scrypt.
    const coldConfigFile = join(dir, "porteiro-cold.yaml");
    writeConfig(coldConfigFile, ["  auth:", "    cache_size: 0"]);
    const porteiroPort = await freePort();
    const porteiroTlsPort = await freePort();
    /** Starts porteiro on the bench's ports and data; resolves once it listens. */
    const startPorteiro = async (profile: boolean, config = configFile): Promise<ChildProcess> => {
      const child = spawnLogged(
        "porteiro",
        process.execPath,
        [
          ...(profile && values.profile ? ["--cpu-prof", "--cpu-prof-dir", values.profile] : []),
          ...(values["node-options"]?.split(/\s+/).filter(Boolean) ?? []),
          join(root, "bin", "porteiro.js"),
          "submission",
          "serve",
          "-c",
          config,
          "--data",
          data,
          "--listen",
          `127.0.0.1:${porteiroPort}`,
          "--listen-tls",
          `127.0.0.1:${porteiroTlsPort}`,
          "--smarthost",
          `127.0.0.1:${sinkPort}`,
          "--hostname",
          "submission.example.net",
        ],
        { ...process.env, PORTEIRO_LOG_LEVEL: "warn" },
      );
      await waitForPort(porteiroPort, 30_000, "porteiro");
      log(`porteiro (pid ${child.pid}) on 127.0.0.1:${porteiroPort}, data in ${data}`);
      return child;
    };
    /**
     * First logins on fresh porteiros: as fast as 50 at once allow (against the rate the hash
     * threads reach alone), then COLD_RATE a second beside the warm one-message load.
     */
    const measureColdLogins = async (warm: ServerRun): Promise<ColdLogins> => {
      const hash = { threads: HASH_THREADS, ...hashCapacity(HASH_THREADS, SCRYPT_COST) };
      const target = { host: "127.0.0.1", port: porteiroPort, pass: PASSWORD, seconds };
      const half = coldAccounts / 2;
      const users = (first: number) => ({ prefix: COLD_PREFIX, domain: COLD_DOMAIN, first, count: half });
      let server = await startPorteiro(false);
      log(`porteiro: first logins, ${sessions} at once, ${seconds} s ...`);
      const alone = await runColdLoginProcess(here, root, {
        ...target,
        users: users(0),
        concurrency: sessions,
        rate: 0,
      });
      log(
        `porteiro: ${alone.loggedIn} first logins (${alone.perSecond.toFixed(1)}/s), ${alone.refused} refused`,
      );
      await stopChild(server, 10_000);
      server = await startPorteiro(false);
      const pid = server.pid as number;
      // The warm load's account logs in once first, as it would have before: its cache is warm.
      await runLoadProcess(
        {
          host: "127.0.0.1",
          port: porteiroPort,
          user: ADDRESS,
          pass: PASSWORD,
          from: ADDRESS,
          to: RECIPIENT,
          sessions: 1,
          seconds: 1,
          size,
        },
        "one-message",
      );
      log(`porteiro: ${COLD_RATE} first logins a second beside the warm load ...`);
      const [logins, load] = await Promise.all([
        runColdLoginProcess(here, root, {
          ...target,
          users: users(half),
          concurrency: 4 * COLD_RATE,
          rate: COLD_RATE,
        }),
        measureServer(
          `porteiro (+${COLD_RATE} first logins/s)`,
          porteiroPort,
          () => rssOf(pid),
          spooled,
          flags,
          () => pssOf(pid),
          () => cpuSecondsOf(pid),
        ),
      ]);
      await stopChild(server, 10_000);
      return { hash, alone, beside: { rate: COLD_RATE, logins, load }, warm };
    };
    const porteiro = await startPorteiro(true);
    const porteiroPid = porteiro.pid as number;
    const spool = join(data, "spool");
    const spooled = () => readdirSync(spool).filter((f) => f.endsWith(".eml")).length;

    const postfixDir = join(dir, "postfix");
    mkdirSync(postfixDir);
    const postfix: PostfixSubmission | undefined = values["porteiro-only"]
      ? undefined
      : await startPostfixSubmission({
          dir: postfixDir,
          sinkPort,
          user: USER,
          realm: REALM,
          password: PASSWORD,
        });

    const flags = { sessions, seconds, size, shape };
    /** The load on a porteiro started for it with `config`, stopped afterwards. */
    const measureFresh = async (name: string, config: string): Promise<ServerRun> => {
      const server = await startPorteiro(false, config);
      const pid = server.pid as number;
      const run = await measureServer(
        name,
        porteiroPort,
        () => rssOf(pid),
        spooled,
        flags,
        () => pssOf(pid),
        () => cpuSecondsOf(pid),
      );
      await stopChild(server, 10_000);
      return run;
    };
    // Each measure on a freshly started server, as Postfix's load is: porteiro's load, then (a new
    // porteiro on the drained spool) the idle sessions. porteiro is stopped before Postfix's run
    // so that nothing of it takes CPU from Postfix.
    const ours = await measureServer(
      "porteiro",
      porteiroPort,
      () => rssOf(porteiroPid),
      spooled,
      flags,
      () => pssOf(porteiroPid),
      () => cpuSecondsOf(porteiroPid),
    );
    log(`stopping porteiro (${spooled()} messages left in its spool) ...`);
    await stopChild(porteiro, 10_000);
    let cold: ServerRun | undefined;
    let coldLogins: ColdLogins | undefined;
    let dovecotRun: ServerRun | undefined;
    let dovecotSocket: string | undefined;
    if (shape === "one-message") {
      cold = await measureFresh("porteiro (no login cache)", coldConfigFile);
      coldLogins = await measureColdLogins(ours);
      const dovecot = await startDovecotAuth(join(dir, "dovecot"), ADDRESS, PASSWORD);
      dovecotSocket = dovecot.socket;
      const dovecotConfigFile = join(dir, "porteiro-dovecot.yaml");
      writeConfig(dovecotConfigFile, ["  auth:", "    backend: dovecot", `    socket: ${dovecot.socket}`]);
      dovecotRun = await measureFresh("porteiro (dovecot backend)", dovecotConfigFile);
    }
    let idleRun: Awaited<ReturnType<typeof measureIdle>> | undefined;
    if (idle > 0) {
      const fresh = await startPorteiro(false);
      idleRun = await measureIdle(porteiroPort, fresh.pid as number, idle);
      await stopChild(fresh, 10_000);
    }
    if (!postfix) {
      log(
        `porteiro: server CPU ${perThousand(ours.cpuSeconds, ours.load.accepted)} s per 1,000 accepted, ` +
          `load generator ${perThousand(ours.load.cpuSeconds, ours.load.accepted)} (--porteiro-only: no Postfix run)`,
      );
      return 0;
    }
    const theirs = await measureServer(
      "postfix",
      postfix.port,
      () => postfix.rss().service,
      () => postfix.queued(),
      flags,
      () => postfix.pss(),
      () => postfix.cpuSeconds(),
      () => postfix.rss().all,
    );
    if (theirs.load.accepted === 0) log(`postfix accepted nothing; its log:\n${postfix.log().slice(-3000)}`);
    if (shape === "one-message") {
      const postfixDovecotDir = join(dir, "postfix-dovecot");
      mkdirSync(postfixDovecotDir);
      const viaDovecot = await startPostfixSubmission({
        dir: postfixDovecotDir,
        sinkPort,
        user: USER,
        realm: REALM,
        password: PASSWORD,
        dovecotSocket: dovecotSocket as string,
      });
      const theirsDovecot = await measureServer(
        "postfix (dovecot SASL)",
        viaDovecot.port,
        () => viaDovecot.rss().service,
        () => viaDovecot.queued(),
        flags,
        () => viaDovecot.pss(),
        () => viaDovecot.cpuSeconds(),
      );
      const rows = [
        { name: "porteiro (local accounts, login cache)", run: ours, peer: theirs },
        { name: "porteiro (local accounts, no login cache)", run: cold as ServerRun, peer: theirs },
        { name: `Postfix ${postfix.version} + Cyrus SASL (sasldb)`, run: theirs, peer: theirs },
        {
          name: "porteiro (backend dovecot, login cache)",
          run: dovecotRun as ServerRun,
          peer: theirsDovecot,
        },
        {
          name: `Postfix ${postfix.version} + Dovecot SASL (same Dovecot)`,
          run: theirsDovecot,
          peer: theirsDovecot,
        },
      ];
      process.stdout.write(
        oneMessageReport(
          { machine: machine(), clients: sessions, size, seconds, postfix: postfix.version },
          rows,
          [
            { label: "porteiro (local, warm) vs Postfix + Cyrus", row: rows[0] as (typeof rows)[number] },
            { label: "porteiro (dovecot) vs Postfix + Dovecot", row: rows[3] as (typeof rows)[number] },
          ],
          coldLogins as ColdLogins,
        ),
      );
      return 0;
    }

    // The table.
    const rate = ours.load.perSecond / theirs.load.perSecond;
    const p99 = ours.load.p99Ms / theirs.load.p99Ms;
    const rows = [
      ["", "porteiro", `Postfix ${postfix.version}`, "porteiro ÷ Postfix"],
      ["accepted msg/s", ours.load.perSecond.toFixed(0), theirs.load.perSecond.toFixed(0), times(rate)],
      [
        "DATA p50, ms",
        ours.load.p50Ms.toFixed(1),
        theirs.load.p50Ms.toFixed(1),
        times(ours.load.p50Ms / theirs.load.p50Ms),
      ],
      ["DATA p99, ms", ours.load.p99Ms.toFixed(1), theirs.load.p99Ms.toFixed(1), times(p99)],
      ["DATA max, ms", ours.load.maxMs.toFixed(0), theirs.load.maxMs.toFixed(0), "—"],
      ["peak RSS, MB", mb(ours.peakRss), mb(theirs.peakRss), times(ours.peakRss / theirs.peakRss)],
      ["peak PSS, MB", mb(ours.peakPss), mb(theirs.peakPss), times(ours.peakPss / theirs.peakPss)],
      [
        "errors (setup failures)",
        `${ours.load.errors} (${ours.load.setupFailures})`,
        `${theirs.load.errors} (${theirs.load.setupFailures})`,
        "—",
      ],
      ["accepted messages", String(ours.load.accepted), String(theirs.load.accepted), "—"],
      [
        "server CPU s per 1,000 accepted (during the load)",
        perThousand(ours.cpuSeconds, ours.load.accepted),
        perThousand(theirs.cpuSeconds, theirs.load.accepted),
        times(ours.cpuSeconds / ours.load.accepted / (theirs.cpuSeconds / theirs.load.accepted)),
      ],
      [
        "load generator CPU s per 1,000 accepted",
        perThousand(ours.load.cpuSeconds, ours.load.accepted),
        perThousand(theirs.load.cpuSeconds, theirs.load.accepted),
        "—",
      ],
      ["still queued when the load stopped", String(ours.queuedAtEnd), String(theirs.queuedAtEnd), "—"],
      [
        "delivered to the sink during the load, msg/s",
        ours.deliveredPerSecond.toFixed(0),
        theirs.deliveredPerSecond.toFixed(0),
        times(ours.deliveredPerSecond / theirs.deliveredPerSecond),
      ],
      [
        `delivered to the sink in the ${DRAIN_SECONDS} s after, msg/s`,
        ours.drainPerSecond.toFixed(0),
        theirs.drainPerSecond.toFixed(0),
        "—",
      ],
    ];
    const verdict = (met: boolean) => (met ? "met" : "NOT met");
    const out = [
      "",
      `machine: ${machine()}`,
      `load: ${sessions} sessions, STARTTLS + AUTH PLAIN, ${size}-byte messages to 1 recipient, ${seconds} s per server; ` +
        "both relaying to one smtp-sink meanwhile",
      "",
      table(rows),
      "",
      `Postfix RSS sums master + smtpd + cleanup + qmgr + smtp (shared library pages counted in each); ` +
        `all its processes peaked at ${mb(theirs.peakRssAll ?? 0)} MB. PSS (/proc/PID/smaps_rollup, shared ` +
        "pages split between the processes, all Postfix processes) is the fairer memory figure.",
      ...(idleRun
        ? [
            `porteiro with ${idleRun.ready.open} idle TLS sessions (STARTTLS + AUTH; ${idleRun.ready.failed} failed to open): ` +
              `RSS ${mb(idleRun.settled)} MB after 5 s idle, peak ${mb(idleRun.peak)} MB (before: ${mb(idleRun.before)} MB)`,
          ]
        : []),
      "",
      `target porteiro ≥ ${TARGET_RATE}× Postfix's msg/s: ${times(rate)}: ${verdict(rate >= TARGET_RATE)}`,
      `target porteiro p99 ≤ 1/5 of Postfix's: ${times(p99)}: ${verdict(p99 <= TARGET_P99)}`,
      ...(idleRun
        ? [
            `target RSS < ${TARGET_IDLE_MB} MB with ${idle} idle TLS sessions: peak ${mb(idleRun.peak)} MB: ` +
              `${verdict(idleRun.peak < TARGET_IDLE_MB * MB && idleRun.ready.open === idle)}`,
          ]
        : []),
      "",
    ];
    process.stdout.write(out.join("\n"));
    return 0;
  } finally {
    process.off("SIGINT", stopOnSignal);
    process.off("SIGTERM", stopOnSignal);
    log("stopping everything started ...");
    await cleanup();
    if (values.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}

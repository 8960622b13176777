/**
 * The porteiro under attack in bench/abuse: one `porteiro serve` from source (web, submission,
 * flow collector), its data folder in a temp dir, loopback only, with default limits except the
 * legitimate sender's sending limits (so that its steady loop is not what stops it), DNS look-ups
 * (none), and one trusted reverse proxy (127.0.0.1, the legitimate help-form visitor's way in).
 * Its log goes to a file, read after the run for the collector's counters and any crash.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { freePort, onCleanup, sleep, stopChild, waitForPort } from "../submission/procs.js";
import { LEGIT_ADDRESS } from "./net.js";
import type { SetupInput } from "./setup.js";

export const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = ["--import", "tsx", join(ROOT, "src", "cli", "index.ts")];

export const MAIL_DOMAIN = "example.net";
export const ACCOUNTS = {
  /** The legitimate mail user, and the one whose name the login flood guesses at. */
  mailUser: `ana@${MAIL_DOMAIN}`,
  mailPass: "legit-mail-password-1",
  victimMailUser: `victim@${MAIL_DOMAIN}`,
  /** The operator who logs in while the flood runs, and the one it guesses at. */
  operator: "carla",
  operatorPass: "legit-console-password-1",
  victimOperator: "admin",
  recipient: "bob@example.org",
} as const;
const ORG = "example-telecom";

export interface Ports {
  readonly web: number;
  readonly smtp: number;
  readonly tls: number;
  readonly collector: number;
  readonly sink: number;
}

const began = performance.now();

export function log(message: string): void {
  const seconds = ((performance.now() - began) / 1000).toFixed(0).padStart(3);
  process.stderr.write(`[bench abuse ${seconds} s] ${message}\n`);
}

/** A UDP port nobody listens on right now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export async function pickPorts(): Promise<Ports> {
  return {
    web: await freePort(),
    smtp: await freePort(),
    tls: await freePort(),
    collector: await freeUdpPort(),
    sink: await freePort(),
  };
}

function cli(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, PORTEIRO_LOG_LEVEL: "warn" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.stdin.end(input ?? "");
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`porteiro ${args.join(" ")} failed (${code}): ${out}`)),
    );
  });
}

/** porteiro.yaml, plan, accounts and the programme's default organisation for the help form. */
export function prepare(dir: string): { config: string; data: string; plan: string } {
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  const plan = join(dir, "plan.yaml");
  copyFileSync(join(ROOT, "examples", "plan.yaml"), plan);
  const big = 1_000_000_000;
  const config = join(dir, "porteiro.yaml");
  writeFileSync(
    config,
    [
      "plan: plan.yaml",
      "data: data",
      "web:",
      `  trust_proxy: ["${LEGIT_ADDRESS}"]`,
      "submission:",
      "  hostname: submission.example.net",
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
      "  hold:",
      `    limit_hits: ${big}`,
      `    distinct_domains: ${big}`,
      "",
    ].join("\n"),
  );
  const input: SetupInput = {
    users: [
      { address: ACCOUNTS.mailUser, password: ACCOUNTS.mailPass },
      { address: ACCOUNTS.victimMailUser, password: "victim-password-never-guessed-1" },
    ],
    operators: [
      { name: ACCOUNTS.operator, password: ACCOUNTS.operatorPass, role: "operator" },
      { name: ACCOUNTS.victimOperator, password: "admin-password-never-guessed-1", role: "admin" },
    ],
    org: { id: ORG, name: "Example Telecom" },
  };
  const made = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "bench", "abuse", "setup.ts"), data, JSON.stringify(input)],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, PORTEIRO_LOG_LEVEL: "warn" }, timeout: 120_000 },
  );
  if (made.status !== 0) throw new Error(`bench/abuse/setup.ts failed (${made.status}): ${made.stderr}`);
  return { config, data, plan };
}

/** Sources sending TCP/25 as `porteiro flows report` counts them: flows by source address. */
export async function flowsBySource(data: string, plan: string): Promise<Map<string, number>> {
  const out = await cli(["flows", "report", "--data", data, "--plan", plan, "--format", "json"]);
  const { senders } = JSON.parse(out) as { senders: { address: string; flows: number }[] };
  return new Map(senders.map((s) => [s.address, s.flows]));
}

export function startSink(port: number): ChildProcess {
  const sink = spawn("smtp-sink", ["-u", "postfix", `127.0.0.1:${port}`, "256"], { stdio: "ignore" });
  onCleanup("smtp-sink", () => stopChild(sink, 2000));
  return sink;
}

export function missingPeers(): string | undefined {
  if (spawnSync("sh", ["-c", "command -v smtp-sink"]).status !== 0)
    return "needs smtp-sink (Debian package postfix) as the smarthost: apt-get install -y postfix";
  return undefined;
}

export interface Porteiro {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly startedAt: number;
  /** Exit code or signal once it has exited. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

/** Starts `porteiro serve`; resolves once web, both SMTP ports and the collector are up. */
export async function startPorteiro(options: {
  config: string;
  data: string;
  ports: Ports;
  logFile: string;
}): Promise<Porteiro> {
  const { ports } = options;
  const fd = openSync(options.logFile, "a");
  const child = spawn(
    process.execPath,
    [
      ...CLI,
      "serve",
      "-c",
      options.config,
      "--data",
      options.data,
      "--web",
      `127.0.0.1:${ports.web}`,
      "--listen",
      `127.0.0.1:${ports.smtp}`,
      "--listen-tls",
      `127.0.0.1:${ports.tls}`,
      "--collect",
      `udp://127.0.0.1:${ports.collector}`,
      "--smarthost",
      `127.0.0.1:${ports.sink}`,
    ],
    // JSON lines, whatever the environment says: the bench reads the collector's counters from them.
    { cwd: ROOT, env: { ...process.env, PORTEIRO_LOG_FORMAT: "json" }, stdio: ["ignore", fd, fd] },
  );
  closeSync(fd);
  let exit: string | undefined;
  child.once("exit", (code, signal) => {
    exit = signal ?? String(code);
  });
  const handle: Porteiro = {
    child,
    pid: child.pid as number,
    startedAt: Date.now(),
    exited: () => exit,
    stop: () => stopChild(child, 15_000),
  };
  onCleanup("porteiro", handle.stop);
  const deadline = Date.now() + 60_000;
  await waitForPort(ports.web, 60_000, "porteiro web");
  await waitForPort(ports.smtp, Math.max(1000, deadline - Date.now()), "porteiro submission");
  await waitForPort(ports.tls, Math.max(1000, deadline - Date.now()), "porteiro submission (TLS)");
  while (!logText(options.logFile).includes("porteiro flows: collecting on")) {
    if (exit !== undefined || Date.now() > deadline)
      throw new Error(
        `porteiro serve did not start its collector; log:\n${logText(options.logFile).slice(-3000)}`,
      );
    await sleep(100);
  }
  return handle;
}

export function logText(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

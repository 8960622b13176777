/**
 * `npm run bench -- honeypot [--messages N] [--sessions N] [--size BYTES] [--proxies N]`
 *
 * 1. Relay throughput: Postfix's smtp-source drives porteiro's relay listener and Postfix's
 *    smtp-sink with the same messages, size and parallel sessions. The sink stores nothing; the
 *    sensor hashes, writes and indexes every message. Prints messages/s for both and the ratio.
 * 2. Held proxy sessions: N SOCKS5 clients tunnel to mx.example:25 and stay in the emulated
 *    SMTP dialogue; the sensor process's resident memory is read from /proc.
 * Needs smtp-source and smtp-sink (Debian package postfix). The sensor runs as its own process
 * (the CLI), so its RSS is its own.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Starts `porteiro honeypot serve` and resolves with its process and listener ports. */
async function startSensor(
  data: string,
  config: string,
): Promise<{ child: ChildProcess; ports: Record<string, number> }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/index.ts", "honeypot", "serve", "-c", config, "--data", data],
    { cwd: ROOT, env: { ...process.env, PORTEIRO_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sensor did not start: ${out}`)), 30_000);
    child.stdout?.on("data", (d) => {
      out += d;
      const found = Object.fromEntries(
        [...out.matchAll(/^honeypot (\w+) listening on [\d.]+:(\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
      );
      if (found.socks && found.smtp) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return { child, ports };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function drive(port: number, messages: number, sessions: number, size: number): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    "smtp-source",
    [
      "-s",
      String(sessions),
      "-m",
      String(messages),
      "-l",
      String(size),
      "-f",
      "bench@source.example",
      "-t",
      "sink@target.example",
      `127.0.0.1:${port}`,
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`smtp-source: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** A SOCKS5 client that tunnels to mx.example:25 and resolves once the emulated banner arrives. */
function holdProxySession(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const host = Buffer.from("mx.example");
    let seen = "";
    socket.on("error", reject);
    socket.on("connect", () => {
      socket.write(Buffer.from([5, 1, 0]));
      socket.write(Buffer.concat([Buffer.from([5, 1, 0, 3, host.length]), host, Buffer.from([0, 25])]));
    });
    socket.on("data", (d) => {
      seen += d.toString("latin1");
      if (seen.includes("220 ")) resolve(socket);
    });
  });
}

export async function run(args: string[]): Promise<number> {
  const messages = flag(args, "messages", 20_000);
  const sessions = flag(args, "sessions", 20);
  const size = flag(args, "size", 4096);
  const proxies = flag(args, "proxies", 5000);
  for (const command of ["smtp-source", "smtp-sink"]) {
    if (spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0) {
      process.stderr.write(`missing ${command}; install with: apt-get install -y postfix\n`);
      return 1;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "porteiro-bench-honeypot-"));
  try {
    const config = join(dir, "porteiro.yaml");
    writeFileSync(
      config,
      `honeypot:\n  name: bench\n  http: null\n  socks: 127.0.0.1:0\n  smtp: 127.0.0.1:0\n  limits:\n    sessions: ${proxies + 1000}\n    sessions_per_source: ${proxies + 1000}\n    idle_seconds: 600\n`,
    );

    // 1. smtp-sink, then the sensor, with the same load.
    const sinkPort = 20000 + (process.pid % 10000);
    const sink = spawn("smtp-sink", ["-u", "nobody", "-c", `127.0.0.1:${sinkPort}`, "256"], {
      stdio: "ignore",
    });
    await sleep(500);
    const sinkSeconds = drive(sinkPort, messages, sessions, size);
    sink.kill();
    const sensor = await startSensor(join(dir, "data"), config);
    const sensorSeconds = drive(sensor.ports.smtp as number, messages, sessions, size);
    await stop(sensor.child);
    const counted = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/index.ts",
        "honeypot",
        "report",
        "--data",
        join(dir, "data"),
        "--by",
        "listener",
        "--format",
        "json",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    if (counted.status !== 0) throw new Error(`report: ${counted.stderr}`);
    const stored = (JSON.parse(counted.stdout) as { rows: { messages: number }[] }).rows.reduce(
      (n, r) => n + r.messages,
      0,
    );

    // 2. Held proxy sessions.
    const held = await startSensor(join(dir, "data2"), config);
    const pid = held.child.pid as number;
    const idleRss = rssMb(pid);
    const sockets: Socket[] = [];
    const started = Date.now();
    for (let i = 0; i < proxies; i += 250) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(250, proxies - i) }, () =>
          holdProxySession(held.ports.socks as number),
        ),
      );
      sockets.push(...batch);
    }
    const openSeconds = (Date.now() - started) / 1000;
    await sleep(1000);
    const heldRss = rssMb(pid);
    for (const s of sockets) s.destroy();
    await stop(held.child);

    const rate = (s: number) => messages / s;
    const rows = [
      [
        "relay, messages/s",
        rate(sensorSeconds).toFixed(0),
        rate(sinkSeconds).toFixed(0),
        `${((rate(sensorSeconds) / rate(sinkSeconds)) * 100).toFixed(0)} %`,
      ],
      ["relay, seconds", sensorSeconds.toFixed(2), sinkSeconds.toFixed(2), ""],
      ["messages persisted", String(stored), "0 (sink stores nothing)", ""],
      [
        `${sockets.length} proxy sessions held, RSS MB`,
        heldRss.toFixed(0),
        "",
        `idle ${idleRss.toFixed(0)} MB, opened in ${openSeconds.toFixed(1)} s`,
      ],
    ];
    process.stdout.write(
      `honeypot: smtp-source -s ${sessions} -m ${messages} -l ${size}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}\n` +
        `${["measure", "porteiro", "smtp-sink", "porteiro ÷ sink"].join(" | ")}\n${rows.map((r) => r.join(" | ")).join("\n")}\n`,
    );
    return stored === messages ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

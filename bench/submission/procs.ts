/**
 * Process helpers for bench/submission: free loopback ports, waiting for a listener, resident
 * memory from /proc, and a registry of what the bench started so that all of it is stopped at
 * the end and on failure (by process id, never by name).
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";

export function log(message: string): void {
  process.stderr.write(`[bench submission] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port}`);
    await sleep(100);
  }
}

/** VmRSS of one process in bytes, 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size in bytes (shared pages split among their users), 0 when it is gone. */
export function pssOf(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const match = /^Pss:\s+(\d+) kB/m.exec(rollup);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system, every thread) a process has used, plus those of its children
 * that ended and were waited for, when `reapedChildren`; 0 when it is gone.
 */
export function cpuSecondsOf(pid: number, reapedChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm) ": state is [0]; utime, stime, cutime, cstime are [11]..[14].
    const fields = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const own = (fields[11] ?? 0) + (fields[12] ?? 0);
    const reaped = reapedChildren ? (fields[13] ?? 0) + (fields[14] ?? 0) : 0;
    return (own + reaped) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
}

/** Every process on the machine: pid, parent and command name, from /proc/PID/stat. */
export function processes(): ProcInfo[] {
  const list: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const open = stat.indexOf("(");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      list.push({ pid: Number(name), comm: stat.slice(open + 1, close), ppid: Number(fields[1]) });
    } catch {
      // gone in between
    }
  }
  return list;
}

/** The direct children of `parent` (Postfix's daemons are all children of its master). */
export function childrenOf(parent: number): ProcInfo[] {
  return processes().filter((p) => p.ppid === parent);
}

/** Samples a memory figure every `everyMs` and keeps the peak. */
export class PeakSampler {
  private timer: NodeJS.Timeout | undefined;
  peak = 0;
  samples = 0;

  constructor(
    private readonly measure: () => number,
    private readonly everyMs = 200,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  sample(): number {
    const value = this.measure();
    this.samples++;
    if (value > this.peak) this.peak = value;
    return value;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** What the bench started, stopped in reverse order by cleanup(). */
const cleanups: { name: string; stop: () => Promise<void> | void }[] = [];

export function onCleanup(name: string, stop: () => Promise<void> | void): void {
  cleanups.push({ name, stop });
}

export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const { name, stop } = cleanups.pop() as (typeof cleanups)[number];
    try {
      await stop();
    } catch (error) {
      log(`stopping ${name}: ${(error as Error).message}`);
    }
  }
}

/** Sends SIGTERM, waits up to `graceMs` for the exit, then SIGKILL. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * The network namespaces the packet tests run in, and the commands they use there:
 *
 *   subscriber ns (sub0) ──veth── (rsub) router ns (rrem) ──veth── (rem0) remote ns
 *   source addresses, /32 and /128    forwards v4/v6, loads          MX and relays listening
 *                                     porteiro's nft or iptables     on 25, 587, 465
 *
 * Each test file that imports this removes its namespaces when it ends, however it ends.
 * Traffic stays inside them, on documentation addresses only.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import type { Day } from "../../src/core/index.js";
import type { Plan } from "../../src/plan/index.js";
import { computePolicy, rendererFor } from "../../src/policy/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROBE = fileURLToPath(new URL("../helpers/connect-probe.mjs", import.meta.url));
const LISTEN = fileURLToPath(new URL("../helpers/tcp-listen.mjs", import.meta.url));

/** The remote side: MX hosts outside every pool; relays as the plans name them. */
export const MX = { 4: "192.0.2.225", 6: "2001:db8:ffff::25" } as const;
export const RELAY = { 4: "198.51.100.25", 6: "2001:db8:25::25" } as const;
/** Router addresses on the subscriber link and on the remote link (the next hops). */
export const ROUTER_SUB = { 4: "192.0.2.254", 6: "2001:db8:ffff:1::1" } as const;
export const ROUTER_REM = { 4: "192.0.2.253", 6: "2001:db8:ffff:2::1" } as const;
/** Everything the subscriber namespace may hold; the router routes it towards the subscriber. */
export const DOC_SPACE = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"];

export const PORTS = [25, 587, 465] as const;
const CONNECT_TIMEOUT_MS = 1000;
const CONCURRENCY = 128;

export type Family = 4 | 6;

/** A subscriber address the topology puts on the subscriber link. */
export interface HostAddress {
  readonly family: Family;
  /** Canonical text, used for `ip addr add`, for binding and in messages. */
  readonly text: string;
}

// ---------------------------------------------------------------------------------------------
// Processes and namespaces.
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      if (code === 0 || options.allowFailure) resolve(result);
      else {
        const why = signal ? `killed by ${signal} (timeout ${timeoutMs} ms?)` : `exit ${code}`;
        reject(new Error(`${command} ${args.join(" ")}: ${why}\n${stderr.trim()}`));
      }
    });
    child.stdin.on("error", () => {}); // the child may exit before reading everything
    child.stdin.end(options.input ?? "");
  });
}

export const inNs = (ns: string, command: string, args: readonly string[], input?: string) =>
  run("ip", ["netns", "exec", ns, command, ...args], input === undefined ? {} : { input });

/** `ip -n NS -batch -`: many addresses and routes in one process. */
const ipBatch = (ns: string, lines: readonly string[]) =>
  run("ip", ["-n", ns, "-batch", "-"], { input: `${lines.join("\n")}\n` });

const sysctls = (ns: string, settings: Record<string, string>) =>
  inNs(ns, "sh", [
    "-ec",
    Object.entries(settings)
      .map(([key, value]) => `echo ${value} > /proc/sys/${key.replaceAll(".", "/")}`)
      .join("\n"),
  ]);

const live = new Set<Topology>();
let counter = 0;

export class Topology {
  readonly sub: string;
  readonly rtr: string;
  readonly rem: string;
  private listener: ReturnType<typeof spawn> | undefined;
  private readonly created: string[] = [];

  private constructor(tag: string) {
    const base = `pt-${process.pid}-${++counter}${tag}`;
    this.sub = `${base}-sub`;
    this.rtr = `${base}-rtr`;
    this.rem = `${base}-rem`;
  }

  /** Builds the three namespaces, the links, the addresses and routes, and starts the listeners. */
  static async build(tag: string, sources: readonly HostAddress[]): Promise<Topology> {
    const topo = new Topology(tag);
    live.add(topo);
    try {
      await topo.setUp(sources);
    } catch (error) {
      await topo.tearDown();
      throw error;
    }
    return topo;
  }

  private async setUp(sources: readonly HostAddress[]): Promise<void> {
    const { sub, rtr, rem } = this;
    for (const ns of [sub, rtr, rem]) {
      await run("ip", ["netns", "add", ns]);
      this.created.push(ns);
      // Addresses usable at once: no duplicate address detection anywhere in the test.
      await sysctls(ns, {
        "net.ipv6.conf.all.accept_dad": "0",
        "net.ipv6.conf.default.accept_dad": "0",
      });
    }
    await sysctls(rtr, { "net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1" });
    // Each end is created right in its namespace.
    const veth = (a: string, nsA: string, b: string, nsB: string) =>
      run("ip", `link add ${a} netns ${nsA} type veth peer name ${b} netns ${nsB}`.split(" "));
    await veth("sub0", sub, "rsub", rtr);
    await veth("rem0", rem, "rrem", rtr);

    // Subscriber: every source as a host address, everything else via the router.
    await ipBatch(sub, [
      ...sources.map(
        (s) => `addr add ${s.text}/${s.family === 4 ? 32 : 128} dev sub0${s.family === 6 ? " nodad" : ""}`,
      ),
      "link set lo up",
      "link set sub0 up",
      `route add 0.0.0.0/0 via ${ROUTER_SUB[4]} dev sub0 onlink`,
      `route add ::/0 via ${ROUTER_SUB[6]} dev sub0 onlink`,
    ]);
    // Remote: the MX hosts and the relays, everything else via the router.
    await ipBatch(rem, [
      `addr add ${MX[4]}/32 dev rem0`,
      `addr add ${RELAY[4]}/32 dev rem0`,
      `addr add ${MX[6]}/128 dev rem0 nodad`,
      `addr add ${RELAY[6]}/128 dev rem0 nodad`,
      "link set lo up",
      "link set rem0 up",
      `route add 0.0.0.0/0 via ${ROUTER_REM[4]} dev rem0 onlink`,
      `route add ::/0 via ${ROUTER_REM[6]} dev rem0 onlink`,
    ]);
    // Router: the documentation space lies on the subscriber side, the remote hosts more specifically on the other.
    await ipBatch(rtr, [
      `addr add ${ROUTER_SUB[4]}/32 dev rsub`,
      `addr add ${ROUTER_SUB[6]}/128 dev rsub nodad`,
      `addr add ${ROUTER_REM[4]}/32 dev rrem`,
      `addr add ${ROUTER_REM[6]}/128 dev rrem nodad`,
      "link set lo up",
      "link set rsub up",
      "link set rrem up",
      ...DOC_SPACE.map((p) => `route add ${p} dev rsub`),
      ...[MX[4], RELAY[4]].map((a) => `route add ${a}/32 dev rrem`),
      ...[MX[6], RELAY[6]].map((a) => `route add ${a}/128 dev rrem`),
    ]);

    const listener = spawn("ip", ["netns", "exec", rem, process.execPath, LISTEN, ...PORTS.map(String)], {
      stdio: ["pipe", "pipe", "pipe"], // its stdin closing tells it the test is gone
    });
    this.listener = listener;
    await new Promise<void>((resolve, reject) => {
      let err = "";
      const timer = setTimeout(() => reject(new Error(`listeners not ready in 10 s: ${err}`)), 10_000);
      listener.stderr?.setEncoding("utf8").on("data", (d: string) => {
        err += d;
      });
      listener.stdout?.setEncoding("utf8").on("data", (d: string) => {
        if (d.includes("ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      listener.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`listeners exited (${code}): ${err}`));
      });
    });
  }

  /** Connects from the subscriber namespace, in one process; one outcome per probe, in order. */
  async probe(probes: readonly { src: string; dst: string; port: number }[]): Promise<string[]> {
    const request = JSON.stringify({ timeoutMs: CONNECT_TIMEOUT_MS, concurrency: CONCURRENCY, probes });
    const result = await run("ip", ["netns", "exec", this.sub, process.execPath, PROBE], {
      input: request,
      timeoutMs: 60_000,
    });
    const outcomes = JSON.parse(result.stdout) as string[];
    assert.equal(outcomes.length, probes.length);
    return outcomes;
  }

  router(command: string, args: readonly string[], input?: string): Promise<RunResult> {
    return inNs(this.rtr, command, args, input);
  }

  async tearDown(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    if (listener && listener.exitCode === null && listener.signalCode === null) {
      const exited = new Promise((resolve) => listener.once("exit", resolve));
      listener.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (listener.exitCode === null && listener.signalCode === null) listener.kill("SIGKILL");
    }
    for (const ns of this.created.splice(0).reverse()) {
      await run("ip", ["netns", "delete", ns], { allowFailure: true });
    }
    live.delete(this);
  }

  /** Last resort on process exit: no awaiting possible there. */
  tearDownSync(): void {
    this.listener?.kill("SIGKILL");
    for (const ns of this.created.splice(0)) spawnSync("ip", ["netns", "delete", ns], { timeout: 5000 });
  }
}

after(async () => {
  for (const topo of [...live]) await topo.tearDown();
});
process.once("exit", () => {
  for (const topo of live) topo.tearDownSync();
});
// Interrupted runs clean up too, then die of the same signal.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const topo of live) topo.tearDownSync();
    process.kill(process.pid, signal);
  });
}

// ---------------------------------------------------------------------------------------------
// Rulesets.

export type Backend = "nftables" | "iptables";

export const BACKEND_PEERS: Record<Backend, readonly string[]> = {
  nftables: ["nft"],
  iptables: ["iptables", "ip6tables", "iptables-restore", "ip6tables-restore", "iptables-save", "ipset"],
};

export function render(plan: Plan, backend: Backend, day: Day): string {
  return rendererFor(backend).render(computePolicy(plan, day)).stdout;
}

export async function load(topo: Topology, backend: Backend, ruleset: string): Promise<void> {
  if (backend === "nftables") {
    await topo.router("nft", ["-c", "-f", "-"], ruleset); // the check mode accepts it…
    await topo.router("nft", ["-f", "-"], ruleset); // …and so does the kernel
  } else {
    await topo.router("sh", ["-s"], ruleset);
  }
}

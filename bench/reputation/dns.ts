/**
 * The route existing DNSBL tools take: one DNS query per address, reversed octets under the
 * zone, to rbldnsd serving the same zone on loopback. Two clients: dig reading a batch file
 * (one query after another, as a shell loop would) and Node's resolver with many queries in flight.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { once } from "node:events";
import { chmodSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export const ZONE = "bench.example";

export function reversedName(address: number): string {
  return `${address & 255}.${(address >>> 8) & 255}.${(address >>> 16) & 255}.${address >>> 24}.${ZONE}`;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  const { port } = socket.address();
  socket.close();
  return port;
}

export interface Rbldnsd {
  readonly port: number;
  readonly loadSeconds: number;
  stop(): void;
}

/** Starts rbldnsd on the zone file and waits until it has loaded it and serves. */
export async function startRbldnsd(zoneFile: string): Promise<Rbldnsd> {
  const port = await freeUdpPort();
  const dir = dirname(zoneFile);
  // Started as root, rbldnsd reads its files as the rbldns user.
  chmodSync(dir, 0o755);
  chmodSync(zoneFile, 0o644);
  const started = performance.now();
  const child: ChildProcess = spawn(
    "/usr/sbin/rbldnsd",
    ["-n", "-b", `127.0.0.1/${port}`, "-w", dir, `${ZONE}:ip4tset:${basename(zoneFile)}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  for (let i = 0; i < 2400; i++) {
    if (/ started /.test(log)) {
      return { port, loadSeconds: (performance.now() - started) / 1000, stop: () => child.kill("SIGTERM") };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGTERM");
  throw new Error(`rbldnsd did not start:\n${log}`);
}

/** Listed addresses per dig, one query after another; returns the listed set and the seconds taken. */
export function queryWithDig(
  port: number,
  addresses: readonly number[],
  workDir: string,
): { listed: Set<number>; seconds: number } {
  const batch = join(workDir, "dig-batch.txt");
  writeFileSync(batch, `${addresses.map((a) => `${reversedName(a)} A`).join("\n")}\n`);
  const started = performance.now();
  const result = spawnSync(
    "dig",
    ["@127.0.0.1", "-p", String(port), "+noall", "+answer", "+tries=2", "+time=2", "-f", batch],
    { encoding: "utf8", maxBuffer: 256 << 20 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`dig failed (${result.status}): ${result.stderr}`);
  const byName = new Map(addresses.map((a) => [reversedName(a), a]));
  const listed = new Set<number>();
  for (const line of result.stdout.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || fields[3] !== "A") continue;
    const address = byName.get((fields[0] as string).replace(/\.$/, "").toLowerCase());
    if (address !== undefined && (fields[4] as string).startsWith("127.0.0.")) listed.add(address);
  }
  return { listed, seconds };
}

/** The same through Node's resolver (c-ares) with `inFlight` queries outstanding. */
export async function queryWithResolver(
  port: number,
  addresses: readonly number[],
  inFlight: number,
): Promise<{ listed: Set<number>; seconds: number }> {
  const resolver = new Resolver({ timeout: 2000, tries: 3 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const listed = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const address = addresses[next++] as number;
      try {
        const answers = await resolver.resolve4(reversedName(address));
        if (answers.some((a) => a.startsWith("127.0.0."))) listed.add(address);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOTFOUND" && code !== "ENODATA") throw error;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { listed, seconds: (performance.now() - started) / 1000 };
}

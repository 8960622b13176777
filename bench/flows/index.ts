/**
 * bench/flows: porteiro's decode + filter + hourly aggregation of NetFlow v9 and IPFIX export
 * packets, replayed from memory on one core, against nfdump running the equivalent aggregation
 * (`nfdump -R DIR -A srcip 'proto tcp and dst port 25'`) over the same flows stored by nfcapd
 * (the same packets sent to nfcapd over loopback UDP). The third replay is IPFIX sampled random
 * 1 of 256 in IOS XR's shape: nfdump sums the sampled records as they came, so porteiro's sums
 * must be 256 times nfdump's. Then the aggregator's memory against the
 * records fed, and the UDP collector's loss at a paced packet rate, with the sender in its own
 * process.
 *
 *   npm run bench -- flows [--records 2000000] [--seed 25] [--runs 5] [--rates 25000,50000,100000]
 *                          [--loss-packets 300000] [--parts replay,memory,loss] [--nice N]
 *
 * Run as root, the loss test raises net.core.rmem_max to 32 MiB for its duration (and puts the
 * old value back) so that the collector gets the receive buffer an operator would configure.
 *
 * Progress goes to stderr, the tables to stdout.
 */
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, getPriority, loadavg, setPriority, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { HourlyAggregator } from "../../src/flows/aggregate/aggregator.js";
import { FlowDecoder } from "../../src/flows/decode/decode.js";
import { startCollector } from "../../src/flows/intake/collector.js";
import { type GeneratedExport, generateExport } from "./generate.js";

const here = dirname(fileURLToPath(import.meta.url));
const START_MS = Date.UTC(2026, 10, 28, 9);
const TARGET_RATIO = 1;
const TARGET_RECORDS_PER_S = 5e6;
const RMEM_MAX = "/proc/sys/net/core/rmem_max";
const WANTED_RMEM_MAX = 32 * 1024 * 1024;
const WARM_UP_RUNS = 2;

function log(message: string): void {
  process.stderr.write(`[bench flows] ${message}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(rows[0] as string[]), rule, ...rows.slice(1).map(line)].join("\n");
}

const mega = (n: number) => `${(n / 1e6).toFixed(2)} M`;

/**
 * porteiro: every packet decoded into a fresh aggregator, `runs` times after a warm-up of two
 * (no forced collection before a run: V8 then shrinks the young generation and a run takes up
 * to twice as long); median
 * seconds (wall and this process's CPU: one thread, so the CPU time is its time on a core when
 * other processes compete for it) of decode + filter + aggregate, and of the drain that turns the
 * aggregates into text (every destination address included).
 */
function timePorteiro(data: GeneratedExport, runs: number) {
  let port25 = new Map<string, number[]>();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const drainTimes: number[] = [];
  for (let run = -WARM_UP_RUNS; run < runs; run++) {
    const aggregator = new HourlyAggregator();
    const decoder = new FlowDecoder(aggregator);
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const packet of data.packets) decoder.decode(packet, "127.0.0.1:2055");
    const decoded = performance.now();
    const used = process.cpuUsage(cpu);
    const drained = aggregator.drain();
    if (run >= 0) {
      times.push((decoded - start) / 1000);
      cpuTimes.push((used.user + used.system) / 1e6);
      drainTimes.push((performance.now() - decoded) / 1000);
    }
    const stats = decoder.stats().get("127.0.0.1:2055");
    if (stats?.records !== data.records || stats.mailFlows !== data.mailRecords) {
      throw new Error(`porteiro decoded ${stats?.records} records, ${stats?.mailFlows} mail flows`);
    }
    port25 = new Map();
    for (const a of drained) {
      if (a.port !== 25) continue;
      const sums = port25.get(a.source) ?? [0, 0, 0];
      port25.set(a.source, [
        (sums[0] as number) + a.flows,
        (sums[1] as number) + a.packets,
        (sums[2] as number) + a.bytes,
      ]);
    }
  }
  return { seconds: median(times), cpuSeconds: median(cpuTimes), drainSeconds: median(drainTimes), port25 };
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Runs send.ts in its own process; resolves with what it reports. */
async function paced(
  port: number,
  rate: number,
  count: number,
  version: number,
  records: number,
  seed: number,
  samplingPopulation = 0,
) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(here, "send.ts"),
      ...[port, rate, count, version, records, seed, START_MS, samplingPopulation].map(String),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`sender exited with ${code}`);
  return JSON.parse(out) as { sent: number; errors: number; seconds: number; cpuSeconds: number };
}

/** Stores the packets with nfcapd, then times nfdump's aggregation over them. */
async function timeNfdump(
  data: GeneratedExport,
  version: number,
  seed: number,
  runs: number,
  samplingPopulation: number,
) {
  const dir = mkdtempSync(join(tmpdir(), `porteiro-bench-flows-v${version}-`));
  try {
    const port = await freeUdpPort();
    const nfcapd = spawn("nfcapd", ["-b", "127.0.0.1", "-p", String(port), "-w", dir, "-B", "16000000"], {
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => nfcapd.on("exit", () => resolve()));
    await sleep(500);
    // nfcapd stores what it receives; a slow pace keeps it from dropping any.
    await paced(port, 20_000, data.packets.length, version, data.records, seed, samplingPopulation);
    await sleep(1000);
    nfcapd.kill("SIGTERM");
    await exited;
    const args = [
      "-R",
      dir,
      "-q",
      "-N",
      "-A",
      "srcip",
      "-o",
      "fmt:%sa|%fl|%pkt|%byt",
      "proto tcp and dst port 25",
    ];
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let output = "";
    for (let run = -1; run < runs; run++) {
      // GNU time gives nfdump's CPU seconds too: nfdump 1.7 reads and filters on several threads.
      const result = spawnSync("/usr/bin/time", ["-f", "%e %U %S", "nfdump", ...args], {
        encoding: "utf8",
        maxBuffer: 1 << 26,
      });
      if (result.status !== 0) throw new Error(`nfdump failed: ${result.stderr.trim()}`);
      const [wall, user, system] = (result.stderr.trim().split("\n").pop() ?? "").split(" ").map(Number);
      if (run >= 0) {
        times.push(wall as number);
        cpuTimes.push((user as number) + (system as number));
      }
      output = result.stdout;
    }
    // One output line per stored record.
    const stored = spawnSync("nfdump", ["-R", dir, "-q", "-N", "-o", "fmt:%fl"], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    const storedRecords = stored.stdout.split("\n").filter((l) => l.trim() !== "").length;
    const port25 = new Map<string, number[]>();
    for (const line of output.split("\n")) {
      const cells = line.split("|").map((c) => c.trim());
      if (cells.length === 4) port25.set(cells[0] as string, cells.slice(1).map(Number));
    }
    return { seconds: median(times), cpuSeconds: median(cpuTimes), port25, storedRecords };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The replays run: NetFlow v9, IPFIX, and IPFIX sampled random 1 of 256 as IOS XR sends it. */
const REPLAYS = [
  { version: 9, population: 0, name: "NetFlow v9" },
  { version: 10, population: 0, name: "IPFIX" },
  { version: 10, population: 256, name: "IPFIX sampled 1:256" },
] as const;

/** Each source's sums times `rate`. */
function scaled(sums: Map<string, number[]>, rate: number): Map<string, number[]> {
  return new Map([...sums].map(([source, values]) => [source, values.map((v) => v * rate)]));
}

function sameSums(a: Map<string, number[]>, b: Map<string, number[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [source, sums] of a) if (b.get(source)?.join() !== sums.join()) return false;
  return true;
}

/**
 * As root, raises net.core.rmem_max to WANTED_RMEM_MAX; returns the value to put back (undefined
 * when nothing was changed) and what is in force.
 */
function raiseRmemMax(): { restore: string | undefined; inForce: number } {
  let current: string;
  try {
    current = readFileSync(RMEM_MAX, "utf8").trim();
  } catch {
    return { restore: undefined, inForce: 0 };
  }
  if (Number(current) >= WANTED_RMEM_MAX || process.getuid?.() !== 0) {
    return { restore: undefined, inForce: Number(current) };
  }
  try {
    writeFileSync(RMEM_MAX, String(WANTED_RMEM_MAX));
    return { restore: current, inForce: Number(readFileSync(RMEM_MAX, "utf8").trim()) };
  } catch {
    return { restore: undefined, inForce: Number(current) };
  }
}

/**
 * Sends `count` packets at `rate` to porteiro's collector (receive thread here, decoding thread
 * beside it) and compares what it decoded with what was sent; with this process's CPU time over
 * the test (both threads) and the sender's.
 */
async function lossAt(rate: number, count: number, records: number, seed: number) {
  const collector = await startCollector({ host: "127.0.0.1", port: 0 });
  const cpu = process.cpuUsage();
  const receiveCpu = threadCpuSeconds();
  try {
    const sender = await paced(collector.address().port, rate, count, 9, records, seed);
    const decoded = () => collector.stats().total.packets - collector.stats().total.dropped;
    for (let i = 0; i < 300 && decoded() < sender.sent; i++) await sleep(10);
    await collector.drain();
    const used = process.cpuUsage(cpu);
    const receiveCpuSeconds = threadCpuSeconds() - receiveCpu;
    const stats = collector.stats();
    return {
      receiveCpuSeconds,
      ...sender,
      received: stats.total.packets,
      dropped: stats.total.dropped,
      records: stats.total.records,
      buffer: stats.receiveBufferBytes,
      collectorCpuSeconds: (used.user + used.system) / 1e6,
    };
  } finally {
    await collector.close();
  }
}

/** This thread's CPU seconds (Linux: /proc/thread-self/stat), NaN elsewhere. */
function threadCpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * The JS heap in use after a full collection (the flag is set at run time). Array buffers are
 * left out: their count lags behind the collection that frees them; the aggregator's own count
 * covers its typed arrays.
 */
function heapBytes(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().heapUsed;
}

/**
 * Memory against records: one decoder and aggregator fed the same packets (same sources, hours
 * and destinations) 1 and then 5 times over, never drained: after each, the aggregator's tables
 * (memoryBytes) and the heap in use above a baseline taken before the aggregator existed.
 */
function memoryAgainstRecords(data: GeneratedExport) {
  const base = heapBytes();
  const aggregator = new HourlyAggregator();
  const decoder = new FlowDecoder(aggregator);
  const rows: { records: number; entries: number; tables: number; heap: number }[] = [];
  for (let pass = 1; pass <= 5; pass++) {
    for (const packet of data.packets) decoder.decode(packet, "127.0.0.1:2055");
    if (pass === 1 || pass === 5) {
      const heap = heapBytes() - base;
      rows.push({
        records: pass * data.records,
        entries: aggregator.size,
        tables: aggregator.memoryBytes,
        heap,
      });
    }
  }
  return rows;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: "string", default: "2000000" },
      seed: { type: "string", default: "25" },
      runs: { type: "string", default: "5" },
      rates: { type: "string", default: "25000,50000,100000" },
      "loss-packets": { type: "string", default: "300000" },
      parts: { type: "string", default: "replay,memory,loss" },
      nice: { type: "string" },
    },
  });
  const records = Number(values.records);
  const seed = Number(values.seed);
  const runs = Number(values.runs);
  const rates = values.rates.split(",").map(Number);
  const lossPackets = Number(values["loss-packets"]);
  const parts = new Set(values.parts.split(","));
  for (const command of ["nfcapd", "nfdump"]) {
    if (spawnSync(command, ["-V"]).error) {
      process.stderr.write(`bench flows needs ${command} (Debian package nfdump)\n`);
      return 1;
    }
  }
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
  log(`${cpus().length} CPUs, load average ${load}`);
  const rows = [
    [
      "export",
      "records",
      "mail records",
      "porteiro s (1 core)",
      "porteiro CPU s",
      "+ drain s",
      "porteiro rec/s",
      "porteiro rec/CPU-s",
      "nfdump wall s",
      "nfdump CPU s",
      "nfdump rec/s (wall)",
      "nfdump rec/CPU-s",
      "ratio (wall)",
      "ratio (CPU)",
    ],
  ];
  let ok = true;
  for (const { version, population, name } of parts.has("replay") ? REPLAYS : []) {
    const data = generateExport(version, records, seed, START_MS, population);
    log(
      `${name}: ${data.packets.length} packets, ${data.records} records, ${data.mailRecords} to mail ports`,
    );
    const porteiro = timePorteiro(data, runs);
    log(
      `${name}: porteiro ${porteiro.seconds.toFixed(3)} s + drain ${porteiro.drainSeconds.toFixed(3)} s; storing with nfcapd`,
    );
    const nfdump = await timeNfdump(data, version, seed, runs, population);
    log(`${name}: nfcapd stored ${nfdump.storedRecords} records; nfdump ${nfdump.seconds.toFixed(3)} s`);
    if (nfdump.storedRecords !== data.records)
      log(`${name}: nfcapd lost ${data.records - nfdump.storedRecords} records`);
    // nfdump stores and aggregates sampled records as they came; porteiro counts each at its rate.
    const same = sameSums(porteiro.port25, scaled(nfdump.port25, Math.max(1, population)));
    log(
      `${name}: per-source port-25 flows/packets/bytes ${same ? "equal" : "DIFFER"} (${porteiro.port25.size} sources)`,
    );
    ok &&= same;
    const porteiroRate = data.records / porteiro.seconds;
    const nfdumpRate = nfdump.storedRecords / nfdump.seconds;
    const nfdumpCpuRate = nfdump.storedRecords / nfdump.cpuSeconds;
    const porteiroCpuRate = data.records / porteiro.cpuSeconds;
    ok &&= porteiroRate / nfdumpRate >= TARGET_RATIO && porteiroRate >= TARGET_RECORDS_PER_S;
    rows.push([
      name,
      String(data.records),
      String(data.mailRecords),
      porteiro.seconds.toFixed(3),
      porteiro.cpuSeconds.toFixed(3),
      porteiro.drainSeconds.toFixed(3),
      mega(porteiroRate),
      mega(porteiroCpuRate),
      nfdump.seconds.toFixed(3),
      nfdump.cpuSeconds.toFixed(3),
      mega(nfdumpRate),
      mega(nfdumpCpuRate),
      `${(porteiroRate / nfdumpRate).toFixed(2)}×`,
      `${(porteiroCpuRate / nfdumpCpuRate).toFixed(2)}×`,
    ]);
  }
  const memoryRows = [
    ["memory (v9, never drained)", "records fed", "entries", "aggregator tables", "JS heap over baseline"],
  ];
  const mib = (bytes: number) => `${(bytes / 1048576).toFixed(2)} MiB`;
  if (parts.has("memory")) {
    for (const row of memoryAgainstRecords(generateExport(9, records, seed, START_MS))) {
      memoryRows.push(["", String(row.records), String(row.entries), mib(row.tables), mib(row.heap)]);
    }
  }
  const rmem = parts.has("loss") ? raiseRmemMax() : { restore: undefined, inForce: 0 };
  log(
    `net.core.rmem_max ${rmem.inForce}${rmem.restore !== undefined ? ` (raised from ${rmem.restore} for the loss test)` : ""}`,
  );
  const lossRows = [
    [
      "collector loss test (v9)",
      "sent",
      "send s",
      "packets/s",
      "sender CPU s",
      "received",
      "dropped (ring full)",
      "lost",
      "records decoded",
      "collector CPU s",
      "of it receive thread",
      "receive buffer",
    ],
  ];
  // --nice N: the loss test's threads (receive, and the decoding thread and sender started from
  // it, which inherit it) at that priority; Linux sets it per thread, and below 0 only as root.
  const niceBefore = getPriority();
  if (values.nice !== undefined) setPriority(Number(values.nice));
  try {
    for (const rate of parts.has("loss") ? rates : []) {
      log(`collector: ${lossPackets} v9 packets at ${rate} packets/s`);
      const loss = await lossAt(rate, lossPackets, records, seed);
      const lost = loss.sent - loss.received + loss.dropped;
      ok &&= lost === 0;
      lossRows.push([
        `${rate} packets/s asked`,
        String(loss.sent),
        loss.seconds.toFixed(2),
        String(Math.round(loss.sent / loss.seconds)),
        loss.cpuSeconds.toFixed(2),
        String(loss.received),
        String(loss.dropped),
        `${lost} (${((100 * lost) / loss.sent).toFixed(1)} %)`,
        String(loss.records),
        loss.collectorCpuSeconds.toFixed(2),
        loss.receiveCpuSeconds.toFixed(2),
        `${(loss.buffer / 1048576).toFixed(1)} MiB`,
      ]);
    }
  } finally {
    if (values.nice !== undefined) setPriority(niceBefore);
    if (rmem.restore !== undefined) writeFileSync(RMEM_MAX, rmem.restore);
  }
  process.stdout.write(
    `load average at start: ${load}; at end: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")}\n\n`,
  );
  if (rows.length > 1) process.stdout.write(`${table(rows)}\n\n`);
  if (memoryRows.length > 1) process.stdout.write(`${table(memoryRows)}\n\n`);
  if (lossRows.length > 1)
    process.stdout.write(
      `net.core.rmem_max during the loss test: ${rmem.inForce}; nice ${values.nice ?? niceBefore}\n\n${table(lossRows)}\n`,
    );
  const partial = ["replay", "loss"].some((part) => !parts.has(part)) ? " (in the parts run)" : "";
  process.stdout.write(
    `\ntargets (porteiro ≥ ${TARGET_RATIO}× nfdump and ≥ 5 M records/s; no loss)${partial}: ${ok ? "met" : "NOT met"}\n`,
  );
  return ok ? 0 : 1;
}

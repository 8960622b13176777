/**
 * The paced sender of bench/flows, run as its own process so that it does not share the
 * collector's threads: `send.ts PORT RATE COUNT VERSION RECORDS SEED START_MS [SAMPLING_POPULATION]` sends COUNT
 * generated export packets (cycled) to 127.0.0.1:PORT at RATE packets/s, then prints what it sent
 * and the CPU time it used.
 *
 * It is as cheap as Node makes it, since it shares the machine's CPUs with the collector: a
 * connected socket (no address look-up per datagram), no callback per send (errors arrive as
 * events), and a timer every millisecond that sends what is due, rather than a setImmediate loop
 * that would keep a core busy between the sends.
 */
import { createSocket } from "node:dgram";
import { generateExport } from "./generate.js";

const [port, rate, count, version, records, seed, startMs, samplingPopulation] = process.argv
  .slice(2)
  .map(Number) as number[];
const { packets } = generateExport(
  version === 10 ? 10 : 9,
  records as number,
  seed as number,
  startMs as number,
  samplingPopulation,
);
const socket = createSocket({ type: "udp4", sendBufferSize: 8 * 1024 * 1024 });
let errors = 0;
socket.on("error", () => errors++);
await new Promise<void>((resolve) => socket.connect(port as number, "127.0.0.1", resolve));
const total = count as number;
const perMs = (rate as number) / 1000;
const cpu = process.cpuUsage();
const start = performance.now();
let sent = 0;

function pump(): void {
  const due = Math.min(total, Math.floor((performance.now() - start) * perMs) + 1);
  while (sent < due) {
    socket.send(packets[sent % packets.length] as Buffer);
    sent++;
  }
  if (sent < total) setTimeout(pump, 1);
  else setImmediate(finish);
}

function finish(): void {
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`${JSON.stringify({ sent, errors, seconds, cpuSeconds })}\n`);
  socket.close();
}

pump();

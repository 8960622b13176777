/**
 * The paced sender of bench/flows, run as its own process so that it does not share the
 * collector's event loop: `send.ts PORT RATE COUNT VERSION RECORDS SEED START_MS` sends COUNT
 * generated export packets (cycled) to 127.0.0.1:PORT at RATE packets/s, then prints what it sent.
 */
import { createSocket } from "node:dgram";
import { generateExport } from "./generate.js";

const [port, rate, count, version, records, seed, startMs] = process.argv.slice(2).map(Number) as number[];
const { packets } = generateExport(
  version === 10 ? 10 : 9,
  records as number,
  seed as number,
  startMs as number,
);
const socket = createSocket({ type: "udp4", sendBufferSize: 8 * 1024 * 1024 });
const total = count as number;
const perMs = (rate as number) / 1000;
const start = performance.now();
let sent = 0;
let errors = 0;
let inFlight = 0;

function pump(): void {
  // Send what the schedule says is due by now, then yield to let the sends complete.
  const due = Math.min(total, Math.floor((performance.now() - start) * perMs) + 1);
  while (sent < due && inFlight < 2000) {
    inFlight++;
    socket.send(packets[sent % packets.length] as Buffer, port as number, "127.0.0.1", (error) => {
      inFlight--;
      if (error) errors++;
    });
    sent++;
  }
  if (sent < total) setImmediate(pump);
  else finish();
}

function finish(): void {
  if (inFlight > 0) {
    setImmediate(finish);
    return;
  }
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ sent, errors, seconds })}\n`);
  socket.close();
}

pump();

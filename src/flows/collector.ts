/**
 * The UDP flow collector: NetFlow v5, v9 and IPFIX datagrams in, hourly aggregates out.
 *
 * Two threads. The receive side (the thread that calls startCollector) only copies each
 * datagram, tagged with its exporter, into a SharedArrayBuffer ring; a worker thread decodes,
 * filters and aggregates from the ring (collector-worker.ts). Receiving thus never waits for
 * decoding, and the ring plus a large kernel receive buffer absorb bursts. Drains and the close
 * travel through the ring too, so each one covers exactly the datagrams received before it.
 */
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { type Logger, siblingModule, startModuleWorker } from "../core/index.js";
import type { CollectorWorkerData } from "./collector-worker.js";
import { type ExporterStats, emptyStats, totalStats } from "./decode.js";
import type { HourlyAggregate } from "./mail-flow.js";
import { createRing, RingTag, RingWriter } from "./ring.js";

/**
 * Asked of the kernel; Linux grants at most net.core.rmem_max (×2 for its bookkeeping), 4 MiB on
 * many systems. At 100 k packets/s of 1,400 bytes a 64 MiB buffer rides out about a quarter of a
 * second of a busy receive thread; operators raise the ceiling with `sysctl -w
 * net.core.rmem_max=33554432` (and in /etc/sysctl.d to keep it) and see what they got in the
 * collector's stats (receiveBufferBytes).
 */
const RECEIVE_BUFFER_BYTES = 32 * 1024 * 1024;
/** The ring between the threads: about 23,000 datagrams of 1,400 bytes. */
const RING_BYTES = 32 * 1024 * 1024;
/** How long a control record waits for room in a full ring before trying again. */
const RETRY_MS = 5;

export interface CollectorOptions {
  /** Default 127.0.0.1; an IPv6 address opens an IPv6 socket. */
  host?: string;
  /** Default 2055; 0 picks a free port. */
  port?: number;
  log?: Logger;
  receiveBufferBytes?: number;
  /** Size of the ring between the receive and the decoding thread. */
  ringBytes?: number;
  /** Exact destinations kept per aggregate before estimating (HourlyAggregator's option). */
  destinationsCap?: number;
}

export interface CollectorStats {
  /** Per exporter, keyed by address:port ([address]:port for IPv6). */
  exporters: Map<string, ExporterStats>;
  total: ExporterStats;
  /** What the kernel actually granted. */
  receiveBufferBytes: number;
}

export interface Collector {
  address(): AddressInfo;
  /**
   * Counters per exporter: the decoding thread's as it last reported them (at most a quarter of
   * a second old while packets flow, current once it is idle) plus the datagrams dropped here.
   */
  stats(): CollectorStats;
  /** The aggregates of every datagram received before the call; the collector forgets them. */
  drain(): Promise<HourlyAggregate[]>;
  /** Stops receiving and returns the aggregates of everything received and not yet drained. */
  close(): Promise<HourlyAggregate[]>;
}

type WorkerMessage =
  | { type: "stats"; stats: Map<string, ExporterStats> }
  | { type: "drained" | "closed"; aggregates: HourlyAggregate[]; stats: Map<string, ExporterStats> };

interface Pending {
  resolve(aggregates: HourlyAggregate[]): void;
  reject(error: Error): void;
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log;
  const socket = createSocket({ type: host.includes(":") ? "udp6" : "udp4" });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 2055, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", (error) => log?.warn({ err: error.message }, "flow collector socket error"));
  let receiveBufferBytes = 0;
  try {
    socket.setRecvBufferSize(options.receiveBufferBytes ?? RECEIVE_BUFFER_BYTES);
  } catch {
    // Not fatal: the default buffer only loses packets under bursts.
  }
  try {
    receiveBufferBytes = socket.getRecvBufferSize();
  } catch {
    receiveBufferBytes = 0;
  }

  const ring = createRing(options.ringBytes ?? RING_BYTES);
  const writer = new RingWriter(ring);
  const workerData: CollectorWorkerData = { ring };
  if (options.destinationsCap !== undefined) workerData.destinationsCap = options.destinationsCap;
  // The decoding thread: collector-worker.js next to this module (its .ts under tsx).
  const worker = startModuleWorker(siblingModule(import.meta.url, "collector-worker"), { workerData });
  let reported = new Map<string, ExporterStats>();
  const dropped = new Map<string, number>();
  const pending: Pending[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    log?.error({ err: error.message }, "flow collector decoding thread failed");
    for (const p of pending.splice(0)) p.reject(error);
  };
  worker.on("message", (message: WorkerMessage) => {
    reported = message.stats;
    if (message.type !== "stats") pending.shift()?.resolve(message.aggregates);
  });
  worker.on("error", fail);
  worker.on("exit", (code) => {
    if (pending.length > 0 || (code !== 0 && failure === undefined))
      fail(new Error(`the decoding thread exited with code ${code}`));
  });

  // Exporter address:port → id in the ring; an exporter sending again reuses its name string.
  const ids = new Map<string, number>();
  let lastAddress = "";
  let lastPort = -1;
  let lastName = "";
  let lastId = -1;
  const drop = (name: string) => dropped.set(name, (dropped.get(name) ?? 0) + 1);
  socket.on("message", (packet, remote) => {
    if (remote.port !== lastPort || remote.address !== lastAddress) {
      lastAddress = remote.address;
      lastPort = remote.port;
      lastName = remote.family === "IPv6" ? `[${lastAddress}]:${lastPort}` : `${lastAddress}:${lastPort}`;
      lastId = ids.get(lastName) ?? -1;
    }
    if (lastId < 0) {
      // The name goes first, so that the decoding thread knows the id the datagram carries.
      if (!writer.write(RingTag.Exporter, Buffer.from(lastName))) {
        drop(lastName);
        return;
      }
      lastId = ids.size;
      ids.set(lastName, lastId);
    }
    if (!writer.write(lastId, packet)) drop(lastName);
  });

  /** Writes a control record, waiting for room when the ring is full; resolves with the reply. */
  const request = (tag: number) =>
    new Promise<HourlyAggregate[]>((resolve, reject) => {
      if (failure !== undefined) {
        reject(failure);
        return;
      }
      pending.push({ resolve, reject });
      const attempt = () => {
        if (failure === undefined && !writer.write(tag)) setTimeout(attempt, RETRY_MS);
      };
      attempt();
    });

  const bound = socket.address();
  log?.info({ address: bound.address, port: bound.port, receiveBufferBytes }, "flow collector listening");
  let closing: Promise<HourlyAggregate[]> | undefined;
  return {
    address: () => bound,
    stats: () => {
      const exporters = new Map<string, ExporterStats>();
      for (const [name, stats] of reported) exporters.set(name, { ...stats });
      for (const [name, count] of dropped) {
        const stats = exporters.get(name) ?? emptyStats();
        stats.packets += count;
        stats.dropped += count;
        exporters.set(name, stats);
      }
      return { exporters, total: totalStats(exporters.values()), receiveBufferBytes };
    },
    drain: () => (closing === undefined ? request(RingTag.Drain) : Promise.resolve([])),
    close: () => {
      closing ??= new Promise<void>((resolve) => socket.close(() => resolve())).then(async () => {
        const rest = await request(RingTag.Close);
        await new Promise((resolve) => (worker.threadId === -1 ? resolve(0) : worker.once("exit", resolve)));
        return rest;
      });
      return closing;
    },
  };
}

/**
 * The UDP flow collector: NetFlow v5, v9 and IPFIX datagrams in, hourly aggregates out.
 *
 * Two threads. The receive side (the thread that calls startCollector) only copies each
 * datagram, tagged with its exporter, into a SharedArrayBuffer ring; a worker thread decodes,
 * filters and aggregates from the ring (collector-worker.ts), and is started again if it dies
 * (decoding-thread.ts). Receiving thus never waits for decoding, and the ring plus a large
 * kernel receive buffer absorb bursts. Drains and the close travel through the ring too, so
 * each one covers exactly the datagrams received before it.
 */
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { cannotListen, type Logger } from "../../core/index.js";
import {
  type ExporterStats,
  emptyStats,
  MAX_EXPORTERS,
  OVERFLOW_EXPORTER,
  type SamplerListing,
  totalStats,
} from "../decode/decode.js";
import type { HourlyAggregate } from "../mail-flow.js";
import { DecodingThread } from "./decoding-thread.js";
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
  /**
   * The decoding thread's heap ceiling in MB (default: Node's); past it the thread dies and
   * another takes over, losing what it held, instead of the process running out of memory.
   */
  decoderHeapMb?: number;
}

export interface CollectorStats {
  /** Per exporter, keyed by address:port ([address]:port for IPv6). */
  exporters: Map<string, ExporterStats>;
  total: ExporterStats;
  /** What the kernel actually granted. */
  receiveBufferBytes: number;
  /** Decoding threads started in place of one that died. */
  decoderRestarts: number;
  /** Per exporter, the samplers its options records described and their rates. */
  samplers: Map<string, SamplerListing[]>;
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

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log;
  const socket = createSocket({ type: host.includes(":") ? "udp6" : "udp4" });
  const port = options.port ?? 2055;
  await new Promise<void>((resolve, reject) => {
    socket.once("error", (error) => {
      socket.close();
      reject(
        cannotListen(
          "the flow collector",
          { host, port },
          error,
          "change it with --collect (serve) or --listen (flows collect)",
        ),
      );
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners("error");
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

  // Exporter address:port → id in the ring; an exporter sending again reuses its name string.
  const ids = new Map<string, number>();
  const ring = createRing(options.ringBytes ?? RING_BYTES);
  const writer = new RingWriter(ring);
  const thread = new DecodingThread({
    ring,
    writer,
    names: () => [...ids.keys()],
    ...(options.destinationsCap === undefined ? {} : { destinationsCap: options.destinationsCap }),
    ...(options.decoderHeapMb === undefined ? {} : { heapMb: options.decoderHeapMb }),
    ...(log === undefined ? {} : { log }),
  });
  const dropped = new Map<string, number>();

  let lastAddress = "";
  let lastPort = -1;
  let lastName = "";
  let lastId = -1;
  const drop = (name: string) => {
    // Names that never got an id (the ring was full) are as many as a sprayer likes: bounded too.
    const key = dropped.has(name) || dropped.size < MAX_EXPORTERS ? name : OVERFLOW_EXPORTER;
    dropped.set(key, (dropped.get(key) ?? 0) + 1);
  };
  socket.on("message", (packet, remote) => {
    if (remote.port !== lastPort || remote.address !== lastAddress) {
      lastAddress = remote.address;
      lastPort = remote.port;
      lastName = remote.family === "IPv6" ? `[${lastAddress}]:${lastPort}` : `${lastAddress}:${lastPort}`;
      lastId = ids.get(lastName) ?? -1;
    }
    if (lastId < 0) {
      // Past the decoder's bound on exporters, a source spraying from ever new ports would
      // still grow these names: dropped here, as the decoder would.
      if (ids.size >= MAX_EXPORTERS) {
        drop(OVERFLOW_EXPORTER);
        return;
      }
      // The name goes first, so that the decoding thread knows the id the datagram carries.
      const record = Buffer.alloc(4 + Buffer.byteLength(lastName));
      record.writeUInt32LE(ids.size);
      record.write(lastName, 4);
      if (!writer.write(RingTag.Exporter, record)) {
        drop(lastName);
        return;
      }
      lastId = ids.size;
      ids.set(lastName, lastId);
    }
    if (!writer.write(lastId, packet)) drop(lastName);
  });

  const bound = socket.address();
  log?.info({ address: bound.address, port: bound.port, receiveBufferBytes }, "flow collector listening");
  let closing: Promise<HourlyAggregate[]> | undefined;
  return {
    address: () => bound,
    stats: () => {
      const exporters = thread.stats();
      for (const [name, count] of dropped) {
        const stats = exporters.get(name) ?? emptyStats();
        stats.packets += count;
        stats.dropped += count;
        exporters.set(name, stats);
      }
      return {
        exporters,
        total: totalStats(exporters.values()),
        receiveBufferBytes,
        decoderRestarts: thread.restarts,
        samplers: thread.samplers(),
      };
    },
    drain: () => (closing === undefined ? thread.drain() : Promise.resolve([])),
    close: () => {
      closing ??= new Promise<void>((resolve) => socket.close(() => resolve())).then(() => thread.stop());
      return closing;
    },
  };
}

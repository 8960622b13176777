/**
 * The UDP flow collector: NetFlow v5, v9 and IPFIX datagrams in, mail flows out to a sink.
 * One socket, decoded in the receive callback; a large kernel receive buffer absorbs bursts
 * while the event loop is busy elsewhere.
 */
import { createSocket, type RemoteInfo } from "node:dgram";
import type { AddressInfo } from "node:net";
import type { Logger } from "../core/index.js";
import { type ExporterStats, FlowDecoder, totalStats } from "./decode.js";
import type { FlowSink } from "./mail-flow.js";

/**
 * Asked of the kernel; Linux grants at most net.core.rmem_max (×2 for its bookkeeping), 4 MiB on
 * many systems. At 100 k packets/s of 1,400 bytes a 64 MiB buffer rides out about a quarter of a
 * second of a busy event loop; operators raise the ceiling with `sysctl -w
 * net.core.rmem_max=33554432` (and in /etc/sysctl.d to keep it) and see what they got in the
 * collector's stats (receiveBufferBytes).
 */
const RECEIVE_BUFFER_BYTES = 32 * 1024 * 1024;

export interface CollectorOptions {
  /** Default 127.0.0.1; an IPv6 address opens an IPv6 socket. */
  host?: string;
  /** Default 2055; 0 picks a free port. */
  port?: number;
  sink: FlowSink;
  log?: Logger;
  receiveBufferBytes?: number;
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
  stats(): CollectorStats;
  close(): Promise<void>;
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const host = options.host ?? "127.0.0.1";
  const decoder = new FlowDecoder(options.sink);
  const socket = createSocket({ type: host.includes(":") ? "udp6" : "udp4" });
  const log = options.log;
  let receiveBufferBytes = 0;
  // The handler runs once per datagram: an exporter sending again reuses its name string.
  let lastAddress = "";
  let lastPort = -1;
  let lastName = "";
  const exporterName = (remote: RemoteInfo): string => {
    if (remote.port !== lastPort || remote.address !== lastAddress) {
      lastAddress = remote.address;
      lastPort = remote.port;
      lastName = remote.family === "IPv6" ? `[${lastAddress}]:${lastPort}` : `${lastAddress}:${lastPort}`;
    }
    return lastName;
  };
  socket.on("message", (packet, remote) => decoder.decode(packet, exporterName(remote)));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 2055, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", (error) => log?.warn({ err: error.message }, "flow collector socket error"));
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
  const bound = socket.address();
  log?.info({ address: bound.address, port: bound.port, receiveBufferBytes }, "flow collector listening");
  return {
    address: () => socket.address(),
    stats: () => {
      const exporters = decoder.stats();
      return { exporters, total: totalStats(exporters.values()), receiveBufferBytes };
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

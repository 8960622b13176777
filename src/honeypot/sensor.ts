import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { cannotListen, type Endpoint, type Logger } from "../core/index.js";
import { openStore, type Store } from "../store/index.js";
import { Admission } from "./admission.js";
import { BodyFiles, messagesDir } from "./body-files.js";
import { CaptureWriter } from "./capture-writer.js";
import { type HoneypotConfig, sensorName } from "./config.js";
import { Connection } from "./connection.js";
import { Counters } from "./counters.js";
import type { MailServerOptions } from "./destination.js";
import { serveHttpProxy } from "./http-proxy.js";
import { bodySink } from "./message-sink.js";
import { watchOutbound } from "./outbound-watch.js";
import type { CapturedSession, Listener } from "./session.js";
import { emulateSmtp } from "./smtp-emulator.js";
import { serveSocks } from "./socks-proxy.js";

export interface SensorOptions {
  readonly config: HoneypotConfig;
  readonly dataDir: string;
  readonly logger?: Logger;
  /**
   * For a replay of past captures run in this process (the demo's year): when sessions and
   * messages happen (default: now), and the source to record for a connection from a loopback
   * address and port (default: the peer's). Connections from elsewhere always keep their own.
   */
  readonly replay?: {
    readonly clock: () => number;
    readonly sourceOf: (loopbackAddress: string, port: number) => string | undefined;
  };
}

export interface Sensor {
  /** Where each enabled listener is bound (port 0 in the config becomes the port picked). */
  readonly endpoints: { readonly http?: Endpoint; readonly socks?: Endpoint; readonly smtp?: Endpoint };
  readonly counters: Counters;
  /** Sessions open now. */
  active(): number;
  /** Writes what is captured so far. */
  flush(): void;
  /** Stops accepting, closes every session, writes them all, closes the store. */
  stop(): Promise<void>;
}

type Serve = (conn: Connection) => void;

/** Starts the listeners the config enables: HTTP proxy, SOCKS 4/4a/5 and open SMTP relay. */
export async function startSensor(options: SensorOptions): Promise<Sensor> {
  const { config, dataDir, logger, replay } = options;
  const now = replay?.clock ?? Date.now;
  const { limits } = config;
  const name = sensorName(config);
  const counters = new Counters();
  const store: Store = openStore(dataDir);
  // WAL with NORMAL survives a crash of the process; a power cut may lose the last 200 ms of captures.
  store.pragma("synchronous = NORMAL");
  const files = new BodyFiles(messagesDir(dataDir));
  const writer = new CaptureWriter(store, files, limits.disk_quota_mb * 1024 * 1024, counters);
  const admission = new Admission({ sessions: limits.sessions, perSource: limits.sessions_per_source });
  const stopWatching = watchOutbound(counters);
  const open = new Set<Connection>();
  const closed = new Set<Promise<void>>();
  let stopping = false;
  const mail: MailServerOptions = {
    messageBytes: limits.message_bytes,
    recipientsPerMessage: limits.recipients_per_message,
    sink: bodySink(files, now),
  };

  const accept = (listener: Listener, initialPath: string[], serve: Serve) => (socket: Socket) => {
    const peer = plainAddress(socket.remoteAddress ?? "");
    const replayed = replay && isLoopback(peer) ? replay.sourceOf(peer, socket.remotePort ?? 0) : undefined;
    const source = replayed ?? peer;
    socket.on("error", () => undefined);
    const refusal = stopping ? "stopping" : admission.admit(source);
    if (refusal) {
      counters.add(`shed_${refusal}`);
      socket.destroy();
      return;
    }
    counters.add("sessions_accepted");
    const session: CapturedSession = {
      startedMs: now(),
      endedMs: 0,
      source,
      sourcePort: socket.remotePort ?? 0,
      sensor: name,
      listener,
      path: [...initialPath],
      bytes: 0,
      messages: [],
      outcome: "",
    };
    const conn = new Connection(socket, session, counters);
    open.add(conn);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idle_seconds * 1000, () => {
      counters.add("idle_timeouts");
      conn.abort("idle");
    });
    const deadline = setTimeout(() => {
      counters.add("session_duration_exceeded");
      conn.abort("duration");
    }, limits.session_seconds * 1000);
    socket.on("data", (chunk: Buffer) => {
      session.bytes += chunk.length;
      if (session.bytes > limits.session_bytes) {
        counters.add("session_bytes_exceeded");
        conn.abort("session-bytes");
        return;
      }
      conn.receive(chunk);
    });
    socket.on("close", () => {
      clearTimeout(deadline);
      admission.release(source);
      open.delete(conn);
      const done = conn.pending.then(() => {
        session.endedMs = now();
        if (session.outcome === "") session.outcome = "disconnected";
        // A SOCKS connection that never said its version is a scan, not a proxy session: counted only.
        if (session.path.length > 0) writer.record(session);
        else counters.add("bad_handshakes");
      });
      closed.add(done);
      void done.finally(() => closed.delete(done));
    });
    serve(conn);
  };

  const relayHost = config.hostname ?? name;
  const servers: { key: "http" | "socks" | "smtp"; server: Server }[] = [];
  const plan: [key: "http" | "socks" | "smtp", listener: Listener, path: string[], serve: Serve][] = [
    ["http", "http", ["http"], (conn) => serveHttpProxy(conn, mail)],
    ["socks", "socks5", [], (conn) => serveSocks(conn, mail)],
    ["smtp", "smtp", ["smtp"], (conn) => emulateSmtp(conn, { ...mail, bannerHost: relayHost })],
  ];
  const endpoints: { http?: Endpoint; socks?: Endpoint; smtp?: Endpoint } = {};
  try {
    for (const [key, listener, path, serve] of plan) {
      const endpoint = config[key];
      if (!endpoint) continue;
      const server = createServer(accept(listener, path, serve));
      servers.push({ key, server });
      endpoints[key] = await listen(server, endpoint);
    }
  } catch (error) {
    for (const { server } of servers) server.close();
    stopWatching();
    writer.close();
    store.close();
    throw error;
  }
  logger?.info({ sensor: name, ...endpoints }, "honeypot listening");

  return {
    endpoints,
    counters,
    active: () => admission.active,
    flush: () => writer.flush(),
    stop: async () => {
      stopping = true;
      const serversClosed = servers.map(
        ({ server }) => new Promise<void>((resolve) => server.close(() => resolve())),
      );
      for (const conn of open) conn.abort("shutdown");
      await Promise.all(serversClosed);
      await Promise.all(closed);
      stopWatching();
      writer.close();
      store.close();
      logger?.info({ sensor: name, counters: counters.snapshot() }, "honeypot stopped");
    },
  };
}

const isLoopback = (address: string) => address === "::1" || address.startsWith("127.");

/** An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d; it is recorded as a.b.c.d. */
function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function listen(server: Server, endpoint: Endpoint): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) =>
      reject(cannotListen("the honeypot", endpoint, error, "change it in porteiro.yaml's honeypot: section"));
    server.once("error", fail);
    server.listen(endpoint.port, endpoint.host, () => {
      server.off("error", fail);
      const address = server.address() as AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
}

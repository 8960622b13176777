/**
 * The collector's decoding thread: reads datagrams from the ring the receive thread fills,
 * decodes, filters and aggregates them, and answers drains and the close with the aggregates.
 * While datagrams flow it naps NAP_MS whenever the ring is empty, so that the receive thread
 * never has to wake it (a system call per datagram when the decoder keeps up); after IDLE_NAPS
 * empty naps it sleeps until woken. It posts its per-exporter counters every STATS_MS while
 * datagrams flow, and when it goes to sleep, with the samplers' rates when an options record
 * changed one.
 */
import { parentPort, workerData } from "node:worker_threads";
import { HourlyAggregator } from "../aggregate/aggregator.js";
import { type ExporterStats, FlowDecoder, type SamplerListing } from "../decode/decode.js";
import type { HourlyAggregate } from "../mail-flow.js";
import { RING_EMPTY, RingReader, RingTag } from "./ring.js";

export interface CollectorWorkerData {
  ring: SharedArrayBuffer;
  /** Exporter names by id, as given so far: a thread replacing a dead one never sees their records. */
  names: string[];
  destinationsCap?: number;
}

/** Counters per exporter, and the samplers per exporter when they changed since the last report. */
export interface WorkerReport {
  stats: Map<string, ExporterStats>;
  samplers?: Map<string, SamplerListing[]>;
}

export type CollectorWorkerMessage =
  | { type: "ready" }
  | ({ type: "stats" } & WorkerReport)
  | ({
      type: "drained" | "closed";
      /** The id of the request answered. */
      id: number;
      aggregates: HourlyAggregate[];
    } & WorkerReport);

const STATS_MS = 250;
const NAP_MS = 1;
const IDLE_NAPS = 20;
const SLEEP_MS = 1000;

const data = workerData as CollectorWorkerData;
const port = parentPort;
if (port === null) throw new Error("collector-worker runs as a worker thread");
const reader = new RingReader(data.ring);
const aggregator = new HourlyAggregator(
  data.destinationsCap === undefined ? {} : { destinationsCap: data.destinationsCap },
);
const decoder = new FlowDecoder(aggregator);
const names = data.names;
let dirty = false;
let lastPost = 0;
let sinceCheck = 0;
let naps = 0;

let samplersPosted = 0;
const post = (message: CollectorWorkerMessage) => port.postMessage(message);
const report = (): WorkerReport => {
  if (decoder.samplersVersion === samplersPosted) return { stats: decoder.stats() };
  samplersPosted = decoder.samplersVersion;
  return { stats: decoder.stats(), samplers: decoder.samplers() };
};
const postStats = () => {
  post({ type: "stats", ...report() });
  dirty = false;
  lastPost = performance.now();
};
/** The uint32 a control record's payload starts with. */
const payloadId = () => Buffer.from(reader.payload.buffer, reader.payload.byteOffset, 4).readUInt32LE(0);

post({ type: "ready" });

for (;;) {
  const tag = reader.next();
  if (tag >= 0) {
    decoder.decode(reader.payload, names[tag] as string);
    reader.release();
    dirty = true;
    naps = 0;
    if (++sinceCheck === 256) {
      sinceCheck = 0;
      if (performance.now() - lastPost >= STATS_MS) postStats();
    }
  } else if (tag === RING_EMPTY) {
    if (naps < IDLE_NAPS) {
      naps++;
      reader.wait(NAP_MS, false);
    } else {
      if (dirty) postStats();
      reader.wait(SLEEP_MS, true);
    }
  } else if (tag === RingTag.Exporter) {
    const { buffer, byteOffset, length } = reader.payload;
    names[payloadId()] = Buffer.from(buffer, byteOffset + 4, length - 4).toString("utf8");
    reader.release();
  } else {
    const type = tag === RingTag.Close ? "closed" : "drained";
    const id = payloadId();
    reader.release();
    post({ type, id, aggregates: aggregator.drain(), ...report() });
    dirty = false;
    if (tag === RingTag.Close) break;
  }
}

/**
 * The collector's decoding thread (collector-worker.ts), kept running. When it dies (out of
 * memory, past `heapMb`) a new one takes over the ring where the dead one stopped: only what
 * the dead one held is lost, namely the aggregates since the last drain, the templates (exporters
 * send them again) and the datagram it was decoding. Its counters carry on from the dead one's
 * last report. Drains and the close are requests with ids, so that an answer always reaches its
 * request across a restart.
 */
import { type Logger, siblingModule, startModuleWorker } from "../../core/index.js";
import { type ExporterStats, emptyStats, type SamplerListing } from "../decode/decode.js";
import { TEMPLATE_BOUNDS } from "../decode/template-table.js";
import type { HourlyAggregate } from "../mail-flow.js";
import type { CollectorWorkerData, CollectorWorkerMessage, WorkerReport } from "./collector-worker.js";
import { RingTag, type RingWriter } from "./ring.js";

/** How long a control record waits for room in a full ring before trying again. */
const RETRY_MS = 5;

export interface DecodingThreadOptions {
  ring: SharedArrayBuffer;
  /** The ring's only writer, shared with the receive side. */
  writer: RingWriter;
  /** Exporter names by id, as written to the ring so far. */
  names(): string[];
  destinationsCap?: number;
  /** The thread's heap ceiling (V8 old generation, MB); past it the thread dies and is restarted. */
  heapMb?: number;
  log?: Logger;
}

interface Pending {
  resolve(aggregates: HourlyAggregate[]): void;
  reject(error: Error): void;
}

/** Adds `from`'s counters to `into`; `templates` is what a thread holds, and dies with it. */
function addCounts(into: ExporterStats, from: ExporterStats): void {
  for (const key of Object.keys(into) as (keyof ExporterStats)[]) {
    if (key !== "templates") into[key] += from[key];
  }
}

export class DecodingThread {
  /** Threads started in place of one that died. */
  restarts = 0;
  /** The running thread has said it is ready: one dying before that cannot start at all. */
  private ready = false;
  private lastError: Error | undefined;
  /** Counters up to the last report of each dead thread, and the running one's last report. */
  private readonly past = new Map<string, ExporterStats>();
  private reported = new Map<string, ExporterStats>();
  /** Exporters already logged for refused templates: once each. */
  private readonly refusing = new Set<string>();
  /** Exporters already logged for records naming a sampler not described yet: once each. */
  private readonly missingSamplers = new Set<string>();
  /** Each exporter's samplers as the running thread last reported them. */
  private reportedSamplers = new Map<string, SamplerListing[]>();
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private close: Pending | undefined;
  /** The close's answer, handed over once the thread has ended. */
  private closedWith: HourlyAggregate[] | undefined;
  /** Answers to requests given up when a thread died: handed over with the next answer. */
  private carried: HourlyAggregate[] = [];
  private failure: Error | undefined;

  constructor(private readonly options: DecodingThreadOptions) {
    this.start();
  }

  /** Counters per exporter, of this thread and the ones it replaced. */
  stats(): Map<string, ExporterStats> {
    const out = new Map<string, ExporterStats>();
    for (const [name, stats] of this.past) out.set(name, { ...stats });
    for (const [name, stats] of this.reported) {
      const sum = out.get(name) ?? emptyStats();
      addCounts(sum, stats);
      sum.templates = stats.templates;
      out.set(name, sum);
    }
    return out;
  }

  /** The samplers each exporter described, with their rates (the running thread's). */
  samplers(): Map<string, SamplerListing[]> {
    return this.reportedSamplers;
  }

  /** The aggregates of every datagram written to the ring before the call. */
  drain(): Promise<HourlyAggregate[]> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) reject(this.failure);
      else this.pending.set(this.request(RingTag.Drain), { resolve, reject });
    });
  }

  /** The aggregates not yet drained, once the thread has read all written before the call and ended. */
  stop(): Promise<HourlyAggregate[]> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) {
        reject(this.failure);
        return;
      }
      this.close = { resolve, reject };
      this.request(RingTag.Close);
    });
  }

  private start(): void {
    const options = this.options;
    const workerData: CollectorWorkerData = { ring: options.ring, names: options.names() };
    if (options.destinationsCap !== undefined) workerData.destinationsCap = options.destinationsCap;
    const limits =
      options.heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: options.heapMb } };
    // collector-worker.js next to this module (its .ts under tsx).
    const worker = startModuleWorker(siblingModule(import.meta.url, "collector-worker"), {
      workerData,
      ...limits,
    });
    this.ready = false;
    this.lastError = undefined;
    worker.on("message", (message: CollectorWorkerMessage) => this.receive(message));
    worker.on("error", (error) => {
      this.lastError = error;
    });
    // Node delivers a thread's last messages before its exit.
    worker.once("exit", (code) => this.exited(code));
  }

  /** Writes a control record, waiting for room when the ring is full; returns the request's id. */
  private request(tag: number): number {
    const id = this.nextId++;
    const payload = Buffer.alloc(4);
    payload.writeUInt32LE(id >>> 0);
    const attempt = () => {
      if (this.failure === undefined && !this.options.writer.write(tag, payload))
        setTimeout(attempt, RETRY_MS);
    };
    attempt();
    return id;
  }

  private receive(message: CollectorWorkerMessage): void {
    if (message.type === "ready") {
      this.ready = true;
      return;
    }
    this.report(message);
    if (message.type === "closed") {
      this.closedWith = this.withCarried(message.aggregates);
    } else if (message.type === "drained") {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (pending === undefined) this.carried = this.carried.concat(message.aggregates);
      else pending.resolve(this.withCarried(message.aggregates));
    }
  }

  private withCarried(aggregates: HourlyAggregate[]): HourlyAggregate[] {
    if (this.carried.length === 0) return aggregates;
    const all = this.carried.concat(aggregates);
    this.carried = [];
    return all;
  }

  private report({ stats, samplers }: WorkerReport): void {
    this.reported = stats;
    const log = this.options.log;
    for (const [name, exporter] of stats) {
      if (exporter.templatesRefused > 0 && !this.refusing.has(name)) {
        this.refusing.add(name);
        log?.warn(
          { exporter: name, bounds: TEMPLATE_BOUNDS },
          "flow exporter's templates refused past the collector's bounds; its data sets count as noTemplate",
        );
      }
      if (exporter.samplerUnknown > 0 && !this.missingSamplers.has(name)) {
        this.missingSamplers.add(name);
        log?.warn(
          { exporter: name, samplerUnknown: exporter.samplerUnknown },
          "flow records name a sampler whose options record has not arrived: counted at the domain's rate (1 unless options without a sampler id gave one) until it does",
        );
      }
    }
    if (samplers === undefined) return;
    for (const [name, listed] of samplers) {
      const before = JSON.stringify(this.reportedSamplers.get(name) ?? []);
      if (before !== JSON.stringify(listed))
        log?.info({ exporter: name, samplers: listed }, "flow exporter's sampling rates");
    }
    this.reportedSamplers = samplers;
  }

  private exited(code: number): void {
    if (this.closedWith !== undefined) {
      this.close?.resolve(this.closedWith);
      return;
    }
    const log = this.options.log;
    const err = this.lastError?.message;
    if (!this.ready) {
      this.failure = new Error(`the decoding thread exited with code ${code}${err ? ` (${err})` : ""}`);
      log?.error({ err: this.failure.message }, "flow collector decoding thread failed");
      for (const pending of this.pending.values()) pending.reject(this.failure);
      this.pending.clear();
      this.close?.reject(this.failure);
      return;
    }
    this.restarts++;
    log?.error(
      { err, code, restarts: this.restarts },
      "flow collector decoding thread died; starting another",
    );
    for (const [name, stats] of this.reported) {
      const sum = this.past.get(name) ?? emptyStats();
      addCounts(sum, stats);
      this.past.set(name, sum);
    }
    this.reported = new Map();
    // The dead thread's samplers died with it; the next options records describe them again.
    this.reportedSamplers = new Map();
    // Their records may still be in the ring, to be answered by the next thread: into `carried`.
    const lost = new Error("the decoding thread died; the aggregates it held are lost");
    for (const pending of this.pending.values()) pending.reject(lost);
    this.pending.clear();
    this.start();
    // The dead thread may have read the close: ask again, the first answer ends it.
    if (this.close !== undefined) this.request(RingTag.Close);
  }
}

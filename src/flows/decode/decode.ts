/**
 * Flow packet decoding: dispatch by version (NetFlow v5, v9, IPFIX), per-exporter state and
 * counters. A packet never throws out of here: whatever is malformed, truncated or waiting for a
 * template is counted against its exporter and dropped.
 */

import { emptyMailFlow, type FlowSink } from "../mail-flow.js";
import { type DecodeContext, type ExporterStats, emptyStats, type SamplerListing } from "./context.js";
import { decodeIpfix, IPFIX_HEADER } from "./ipfix.js";
import { decodeV5, V5_HEADER } from "./netflow-v5.js";
import { decodeV9, V9_HEADER } from "./netflow-v9.js";
import { type Domains, TemplateOffer, TemplateTable } from "./template-table.js";
import type { ExportClock } from "./templates.js";

export {
  type DecodeContext,
  type ExporterStats,
  emptyStats,
  type PacketDecoder,
  type SamplerListing,
  totalStats,
} from "./context.js";

/**
 * Exporters (address:port) with state of their own. A source spraying packets from ever new
 * ports would otherwise grow the templates and counters without bound; past this, packets from
 * new exporters are counted against OVERFLOW_EXPORTER as dropped, undecoded.
 */
export const MAX_EXPORTERS = 4096;
export const OVERFLOW_EXPORTER = `(exporters past the first ${MAX_EXPORTERS})`;

class Exporter {
  readonly stats = emptyStats();
  readonly domains: Domains = new Map();
}

export class FlowDecoder {
  private readonly exporters = new Map<string, Exporter>();
  private readonly flow = emptyMailFlow();
  private readonly clock: ExportClock = {
    exportMs: 0,
    sysUptimeMs: -1,
    systemInitMs: Number.NaN,
    sampling: 1,
    samplers: new Map(),
    samplerMisses: 0,
  };
  /** Grows each time an options record changes a rate: `samplers()` is worth reading again. */
  samplersVersion = 0;
  private current: Exporter | undefined;
  private buffer: ArrayBufferLike = new ArrayBuffer(0);
  private bytes: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.buffer);
  private currentName = "";
  private readonly context: DecodeContext;
  /** `templates`: the table that bounds its templates (tests give one of smaller bounds). */
  constructor(
    sink: FlowSink,
    private readonly templates = new TemplateTable(),
  ) {
    // Only called while decoding a packet, so `current` is its exporter.
    const exporter = () => this.current as Exporter;
    const domains = () => exporter().domains;
    this.context = {
      sink,
      flow: this.flow,
      clock: this.clock,
      stats: emptyStats(),
      domain: (id) => domains().get(id),
      storeTemplate: (domainId, id, options, fields) => {
        const offer = this.templates.store(exporter(), domainId, id, options, fields);
        if (offer === TemplateOffer.Refused) this.context.stats.templatesRefused++;
        return offer !== TemplateOffer.Malformed;
      },
      templateUsed: (template) => this.templates.use(template),
      withdrawTemplate: (domainId, id) => this.templates.withdraw(domains(), domainId, id),
      withdrawTemplates: (domainId, options) => this.templates.withdrawAll(domains(), domainId, options),
      samplersChanged: () => {
        this.samplersVersion++;
      },
    };
  }

  /**
   * Decodes one export datagram from `exporter` (address:port: templates are kept per exporter
   * and domain) and hands its mail flows to the sink.
   */
  decode(packet: Uint8Array, exporter: string): void {
    // Most packets come from the exporter of the one before: a string compare, no Map look-up.
    let state = this.current;
    if (state === undefined || exporter !== this.currentName) {
      state = this.exporters.get(exporter);
      if (state === undefined) {
        if (this.exporters.size >= MAX_EXPORTERS) {
          this.overflow();
          return;
        }
        state = new Exporter();
        this.exporters.set(exporter, state);
      }
      this.current = state;
      this.currentName = exporter;
    }
    const stats = state.stats;
    this.context.stats = stats;
    stats.packets++;
    if (packet.length < 2) {
      stats.malformed++;
      return;
    }
    // Views over the packet's whole buffer, made once per buffer: packets replayed from one
    // capture, or read in place from the collector's ring, cost no allocation each.
    const buffer = packet.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.bytes = new Uint8Array(buffer);
      this.view = new DataView(buffer);
    }
    const bytes = this.bytes;
    const view = this.view;
    const start = packet.byteOffset;
    const end = start + packet.byteLength;
    const version = view.getUint16(start);
    const header = version === 5 ? V5_HEADER : version === 9 ? V9_HEADER : version === 10 ? IPFIX_HEADER : 0;
    if (header === 0) {
      stats.unsupportedVersion++;
      return;
    }
    if (end - start < header) {
      stats.malformed++;
      return;
    }
    try {
      if (version === 5) decodeV5(bytes, view, start, end, this.context);
      else if (version === 9) decodeV9(bytes, view, start, end, this.context);
      else decodeIpfix(bytes, view, start, end, this.context);
    } catch {
      // The decoders check every length; this is the backstop that keeps the collector alive.
      stats.malformed++;
    }
  }

  private overflow(): void {
    let state = this.exporters.get(OVERFLOW_EXPORTER);
    if (state === undefined) {
      state = new Exporter();
      this.exporters.set(OVERFLOW_EXPORTER, state);
    }
    state.stats.packets++;
    state.stats.dropped++;
  }

  /** The sampling rates each exporter's options records gave, per domain and sampler. */
  samplers(): Map<string, SamplerListing[]> {
    const out = new Map<string, SamplerListing[]>();
    for (const [name, exporter] of this.exporters) {
      const listed: SamplerListing[] = [];
      for (const [domain, state] of [...exporter.domains].sort(([a], [b]) => a - b)) {
        if (state.samplingMethod !== null) {
          listed.push({ domain, sampler: null, rate: state.sampling, method: state.samplingMethod });
        }
        for (const [sampler, { rate, method }] of [...state.samplers].sort(([a], [b]) => a - b)) {
          listed.push({ domain, sampler, rate, method });
        }
      }
      if (listed.length > 0) out.set(name, listed);
    }
    return out;
  }

  /** Counters per exporter (address:port). */
  stats(): Map<string, ExporterStats> {
    const out = new Map<string, ExporterStats>();
    for (const [name, exporter] of this.exporters) {
      let templates = 0;
      for (const domain of exporter.domains.values()) templates += domain.templates.size;
      out.set(name, { ...exporter.stats, templates });
    }
    return out;
  }
}

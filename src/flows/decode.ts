/**
 * Flow packet decoding: dispatch by version (NetFlow v5, v9, IPFIX), per-exporter state and
 * counters. A packet never throws out of here: whatever is malformed, truncated or waiting for a
 * template is counted against its exporter and dropped.
 */

import { decodeIpfix, IPFIX_HEADER } from "./ipfix.js";
import { emptyMailFlow, type FlowSink, type MailFlow } from "./mail-flow.js";
import { decodeV5, V5_HEADER } from "./netflow-v5.js";
import { decodeV9, V9_HEADER } from "./netflow-v9.js";
import { type Domains, TemplateOffer, TemplateTable } from "./template-table.js";
import type { DomainState, ExportClock, FieldSpec, Template } from "./templates.js";

export interface ExporterStats {
  /** Datagrams received. */
  packets: number;
  /** Flow data records decoded, mail or not. */
  records: number;
  /** Records that were TCP to 25/587/465 and went to the sink. */
  mailFlows: number;
  /** Packets (or sets) whose lengths did not add up. */
  malformed: number;
  /** Data sets that referred to a template not (yet) received. */
  noTemplate: number;
  unsupportedVersion: number;
  /** Templates held now (a gauge, not a count of template records). */
  templates: number;
  /** Template records refused: past a bound of TEMPLATE_BOUNDS (template-table.ts). */
  templatesRefused: number;
  /**
   * Templates of this exporter evicted, least recently used first, to make room for another
   * exporter's when the bounds in total were reached (template-table.ts); its data sets then
   * count as noTemplate until it sends them again.
   */
  templatesEvicted: number;
  optionsRecords: number;
  /** Mail flows dropped because a time in them is outside the sane range (flowTimesValid). */
  badTimes: number;
  /**
   * Mail flows that named a sampler (selectorId, samplerId) whose options record had not
   * arrived: counted at the domain's rate (1 unless options without a sampler id gave one).
   */
  samplerUnknown: number;
  /**
   * Datagrams received (and counted in `packets`) but dropped before decoding because the
   * decoding thread was a whole ring behind, or, under OVERFLOW_EXPORTER, because MAX_EXPORTERS
   * exporters were already tracked.
   */
  dropped: number;
}

export function emptyStats(): ExporterStats {
  return {
    packets: 0,
    records: 0,
    mailFlows: 0,
    malformed: 0,
    noTemplate: 0,
    unsupportedVersion: 0,
    templates: 0,
    templatesRefused: 0,
    templatesEvicted: 0,
    optionsRecords: 0,
    badTimes: 0,
    samplerUnknown: 0,
    dropped: 0,
  };
}

/** What the version decoders share for one packet. */
export interface DecodeContext {
  readonly sink: FlowSink;
  readonly flow: MailFlow;
  readonly clock: ExportClock;
  stats: ExporterStats;
  /** The exporter's observation domain (IPFIX) or source id (v9); undefined while it has no template. */
  domain(id: number): DomainState | undefined;
  /**
   * Stores (or replaces) a template of the exporter's domain `domainId`; false when it describes
   * no bytes. A template past the bounds is refused and counted, not malformed.
   */
  storeTemplate(domainId: number, id: number, options: boolean, fields: readonly FieldSpec[]): boolean;
  /** Marks a template as used by the data set about to be read with it. */
  templateUsed(template: Template): void;
  /** Withdraws a template of the domain (IPFIX), freeing its place. */
  withdrawTemplate(domainId: number, id: number): void;
  /** Withdraws every template, or every options template, of the domain (IPFIX). */
  withdrawTemplates(domainId: number, options: boolean): void;
  /** An options record gave a sampler (or a domain) a new rate. */
  samplersChanged(): void;
}

/**
 * Decodes one export packet of its version: `bytes` and `view` cover the packet's whole buffer
 * (a capture, the collector's ring), the packet is start…end in it, at least a header long.
 */
export type PacketDecoder = (
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  ctx: DecodeContext,
) => void;

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

/** A sampler an exporter described: its domain, its id (null: the whole domain) and its rate. */
export interface SamplerListing {
  readonly domain: number;
  readonly sampler: number | null;
  readonly rate: number;
  readonly method: string;
}

/** Sums per-exporter counters. */
export function totalStats(stats: Iterable<ExporterStats>): ExporterStats {
  const total = emptyStats();
  for (const s of stats) {
    for (const key of Object.keys(total) as (keyof ExporterStats)[]) total[key] += s[key];
  }
  return total;
}

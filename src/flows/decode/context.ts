/**
 * What the version decoders (ipfix, netflow-v9, netflow-v5) share with the dispatcher
 * (decode.ts): the per-exporter counters and the packet's decoding context. Kept apart so that
 * neither imports the other.
 */
import type { FlowSink, MailFlow } from "../mail-flow.js";
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

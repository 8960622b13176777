/**
 * NetFlow v9 and IPFIX templates, compiled once into byte offsets of the few fields porteiro
 * reads, and the record reader that uses them. Reading a record is a handful of typed-array
 * loads: protocol and destination port first, so that every flow that is not TCP to a mail port
 * is dropped before anything else is read. Field ids are the IANA IPFIX ids, which NetFlow v9
 * shares for everything read here.
 */
import { type FlowSink, flowTimesValid, type MailFlow, type MailPort } from "../mail-flow.js";
import {
  SAMPLING_FIELD_IDS,
  type SamplingFieldName,
  type SamplingRate,
  type SamplingValues,
  samplerKeyOf,
  samplingRateOf,
} from "./sampling.js";

export const FIELD = {
  octetDeltaCount: 1,
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  tcpControlBits: 6,
  sourceIPv4Address: 8,
  destinationTransportPort: 11,
  destinationIPv4Address: 12,
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  sourceIPv6Address: 27,
  destinationIPv6Address: 28,
  octetTotalCount: 85,
  packetTotalCount: 86,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  systemInitTimeMilliseconds: 160,
} as const;

/** IPFIX's marker for a variable-length field (RFC 7011 §7). */
export const VARIABLE_LENGTH = 65535;
const TCP = 6;
/**
 * Destination port → the protocol a record must carry to that port to be kept: TCP at the mail
 * ports, and elsewhere a value no 8-bit protocol field holds. One compare then decides a record
 * with a single, rarely taken branch instead of a protocol branch and three port compares that a
 * random traffic mix keeps mispredicting.
 */
export const KEEP_PROTOCOL = new Uint16Array(65536).fill(0xffff);
for (const port of [25, 587, 465]) KEEP_PROTOCOL[port] = TCP;
const DAY_MS = 86_400_000;
const UPTIME_WRAP = 2 ** 32;

// Slots: the fields the reader uses, each with the lengths it accepts.
const SRC4 = 0;
const DST4 = 1;
const SRC6 = 2;
const DST6 = 3;
const DPORT = 4;
const PROTO = 5;
const PACKETS = 6;
const BYTES = 7;
const FLAGS = 8;
const FIRST_UP = 9;
const LAST_UP = 10;
const START_S = 11;
const END_S = 12;
const START_MS = 13;
const END_MS = 14;
const SYSINIT = 15;
const SLOTS = 16;

/** field id → [slot, shortest accepted length, longest]; reduced-size encoding allows shorter counters. */
const SLOT_OF = new Map<number, readonly [number, number, number]>([
  [FIELD.sourceIPv4Address, [SRC4, 4, 4]],
  [FIELD.destinationIPv4Address, [DST4, 4, 4]],
  [FIELD.sourceIPv6Address, [SRC6, 16, 16]],
  [FIELD.destinationIPv6Address, [DST6, 16, 16]],
  [FIELD.destinationTransportPort, [DPORT, 2, 2]],
  [FIELD.protocolIdentifier, [PROTO, 1, 1]],
  [FIELD.packetDeltaCount, [PACKETS, 1, 8]],
  [FIELD.octetDeltaCount, [BYTES, 1, 8]],
  [FIELD.tcpControlBits, [FLAGS, 1, 2]],
  [FIELD.flowStartSysUpTime, [FIRST_UP, 4, 4]],
  [FIELD.flowEndSysUpTime, [LAST_UP, 4, 4]],
  [FIELD.flowStartSeconds, [START_S, 4, 4]],
  [FIELD.flowEndSeconds, [END_S, 4, 4]],
  [FIELD.flowStartMilliseconds, [START_MS, 8, 8]],
  [FIELD.flowEndMilliseconds, [END_MS, 8, 8]],
  [FIELD.systemInitTimeMilliseconds, [SYSINIT, 8, 8]],
]);

/** A field that describes sampling: which one, and its position in the record. */
interface SamplingField {
  readonly name: SamplingFieldName;
  readonly index: number;
  readonly length: number;
}

/** Past this many samplers in one domain, options records naming new ones are not remembered. */
export const MAX_SAMPLERS_PER_DOMAIN = 1024;

/** The clock a template's flow times are on. */
const TimeKind = { None: 0, Milliseconds: 1, Seconds: 2, Uptime: 3 } as const;
type TimeKind = (typeof TimeKind)[keyof typeof TimeKind];
/** TimeKind → the slots of the flow's first and last packet (None: ones it lacks anyway). */
const TIME_SLOTS = [
  [START_MS, END_MS],
  [START_MS, END_MS],
  [START_S, END_S],
  [FIRST_UP, LAST_UP],
] as const;

/** Totals stand in for delta counters when an exporter sends only those. */
const FALLBACK = new Map<number, number>([
  [FIELD.packetTotalCount, PACKETS],
  [FIELD.octetTotalCount, BYTES],
]);

/** One field of a template as parsed off the wire; enterprise-specific fields carry id -1. */
/** The counters reading a data set adds to (an exporter's ExporterStats has them all). */
export interface DataSetCounters {
  records: number;
  mailFlows: number;
  malformed: number;
  optionsRecords: number;
  badTimes: number;
}

/** What reading a data set needs of the packet's decoding; context.ts's DecodeContext is one. */
export interface DataSetContext {
  readonly sink: FlowSink;
  readonly flow: MailFlow;
  readonly clock: ExportClock;
  readonly stats: DataSetCounters;
  templateUsed(template: Template): void;
  samplersChanged(): void;
}

export interface FieldSpec {
  id: number;
  length: number;
}

export class Template {
  /** Shortest possible record: fixed fields plus one length byte per variable field. */
  readonly minLength: number;
  /** Whether every field has a fixed length, so `offsets` holds for every record. */
  readonly fixed: boolean;
  /** Slot → field position in the record, or -1 when the template lacks it. */
  private readonly slotField = new Int16Array(SLOTS).fill(-1);
  private readonly slotLength = new Uint8Array(SLOTS);
  /** Slot → offset from the record's start (recomputed per record for variable-length templates). */
  private readonly offsets = new Int32Array(SLOTS);
  private readonly lengths: Uint16Array;
  private readonly ids: Int32Array;
  private readonly fieldOffsets: Int32Array;
  // The offsets the record path reads, as plain numbers (set by place()) so that the per-record
  // loop is a few monomorphic property loads: -1 when the template lacks the field.
  /** Offset of protocolIdentifier, or -1. */
  protoAt = -1;
  /** Offset of destinationTransportPort, or -1. */
  portAt = -1;
  private srcAt = -1;
  private dstAt = -1;
  /** 4 or 6 for the address pair the template carries (IPv4 preferred), 0 for none. */
  private readonly family: 0 | 4 | 6;
  private packetsAt = -1;
  private bytesAt = -1;
  private flagsAt = -1;
  private firstAt = -1;
  private lastAt = -1;
  private readonly packetsLength: number;
  private readonly bytesLength: number;
  private readonly flagsLength: number;
  /** Which clock the flow times use; the one clock read for both ends. */
  private readonly timeKind: TimeKind;
  /** The sampling fields the record carries (its own rate, or the sampler it names), first occurrence each. */
  private readonly samplingFields: readonly SamplingField[];
  /**
   * The sampler id field (selectorId, else samplerId) when it is the record's only sampling
   * field, as in IOS XR's and IOS's data records: read alone, without building the values.
   */
  private readonly samplerOnly: SamplingField | undefined;
  // The template table's bookkeeping (template-table.ts): the exporter and domain holding the
  // template, its neighbours in the table's list from least to most recently used, and when a
  // data set last used it.
  owner: TemplateOwner | null = null;
  domainId = 0;
  older: Template | null = null;
  newer: Template | null = null;
  dataUsedMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly id: number,
    readonly options: boolean,
    fields: readonly FieldSpec[],
  ) {
    this.lengths = Uint16Array.from(fields, (f) => f.length);
    this.ids = Int32Array.from(fields, (f) => f.id);
    this.fieldOffsets = new Int32Array(fields.length);
    let min = 0;
    let fixed = true;
    fields.forEach((field, index) => {
      if (field.length === VARIABLE_LENGTH) {
        fixed = false;
        min += 1;
      } else {
        min += field.length;
      }
      this.claim(SLOT_OF.get(field.id), index, field.length);
    });
    fields.forEach((field, index) => {
      const slot = FALLBACK.get(field.id);
      if (slot !== undefined && this.slotField[slot] === -1) this.claim([slot, 1, 8], index, field.length);
    });
    this.minLength = min;
    this.fixed = fixed;
    const has = this.slotField;
    this.family = has[SRC4] !== -1 && has[DST4] !== -1 ? 4 : has[SRC6] !== -1 && has[DST6] !== -1 ? 6 : 0;
    this.packetsLength = has[PACKETS] === -1 ? 0 : (this.slotLength[PACKETS] as number);
    this.bytesLength = has[BYTES] === -1 ? 0 : (this.slotLength[BYTES] as number);
    this.flagsLength = has[FLAGS] === -1 ? 0 : (this.slotLength[FLAGS] as number);
    this.timeKind =
      has[START_MS] !== -1 || has[END_MS] !== -1
        ? TimeKind.Milliseconds
        : has[START_S] !== -1 || has[END_S] !== -1
          ? TimeKind.Seconds
          : has[FIRST_UP] !== -1 || has[LAST_UP] !== -1
            ? TimeKind.Uptime
            : TimeKind.None;
    const sampling = new Map<SamplingFieldName, SamplingField>();
    fields.forEach((field, index) => {
      const name = SAMPLING_FIELD_IDS.get(field.id);
      if (name !== undefined && !sampling.has(name) && field.length >= 1 && field.length <= 8) {
        sampling.set(name, { name, index, length: field.length });
      }
    });
    this.samplingFields = [...sampling.values()];
    this.samplerOnly =
      this.samplingFields.length === 1
        ? (sampling.get("selectorId") ?? sampling.get("samplerId"))
        : undefined;
    if (fixed) this.layout();
  }

  /** How many fields it has. */
  get fieldCount(): number {
    return this.ids.length;
  }

  /** Whether this template was compiled from exactly these fields. */
  describes(options: boolean, fields: readonly FieldSpec[]): boolean {
    if (options !== this.options || fields.length !== this.ids.length) return false;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as FieldSpec;
      if (field.id !== this.ids[i] || field.length !== this.lengths[i]) return false;
    }
    return true;
  }

  /**
   * Lays out the variable-length record at `base`: returns its length, or -1 when its length
   * prefixes run past `end`.
   */
  measure(bytes: Uint8Array, base: number, end: number): number {
    const lengths = this.lengths;
    let offset = 0;
    for (let i = 0; i < lengths.length; i++) {
      let length = lengths[i] as number;
      if (length === VARIABLE_LENGTH) {
        if (base + offset >= end) return -1;
        length = bytes[base + offset] as number;
        offset += 1;
        if (length === 255) {
          if (base + offset + 2 > end) return -1;
          length = ((bytes[base + offset] as number) << 8) | (bytes[base + offset + 1] as number);
          offset += 2;
        }
      }
      this.fieldOffsets[i] = offset;
      offset += length;
    }
    if (base + offset > end) return -1;
    this.place();
    return offset;
  }

  /**
   * Reads the record at `base`, already known to be TCP to the mail port `port`, into `flow`;
   * false (and `flow` untouched) when the template has no address pair.
   */
  readMailFlow(
    bytes: Uint8Array,
    view: DataView,
    base: number,
    port: MailPort,
    flow: MailFlow,
    clock: ExportClock,
  ): boolean {
    if (this.family === 4) {
      flow.family = 4;
      flow.srcV4 = view.getUint32(base + this.srcAt);
      flow.dstV4 = view.getUint32(base + this.dstAt);
      flow.srcV6 = 0n;
      flow.dstV6 = 0n;
    } else if (this.family === 6) {
      flow.family = 6;
      flow.srcV4 = 0;
      flow.dstV4 = 0;
      flow.srcV6 = readV6(view, base + this.srcAt);
      flow.dstV6 = readV6(view, base + this.dstAt);
    } else {
      return false;
    }
    const rate =
      this.samplingFields.length === 0 ? clock.sampling : this.recordRate(bytes, view, base, clock);
    flow.dstPort = port;
    flow.flows = rate;
    flow.packets =
      this.packetsLength === 0 ? 0 : readUint(bytes, view, base + this.packetsAt, this.packetsLength) * rate;
    flow.bytes =
      this.bytesLength === 0 ? 0 : readUint(bytes, view, base + this.bytesAt, this.bytesLength) * rate;
    flow.tcpFlags =
      this.flagsLength === 0 ? 0 : readUint(bytes, view, base + this.flagsAt, this.flagsLength) & 0xff;
    this.times(bytes, view, base, flow, clock);
    return true;
  }

  /**
   * Keeps an options record's sampling rate, for the sampler it names or else for the whole
   * domain, and its system init time.
   */
  readOptions(
    bytes: Uint8Array,
    view: DataView,
    base: number,
    ctx: DataSetContext,
    domain: DomainState,
  ): void {
    if (this.samplingFields.length > 0) {
      const values = this.samplingValues(bytes, view, base);
      const rate = samplingRateOf(values);
      if (rate !== undefined && domain.learnRate(samplerKeyOf(values), rate)) ctx.samplersChanged();
    }
    if (this.slotField[SYSINIT] !== -1) domain.systemInitMs = this.read(SYSINIT, bytes, view, base);
  }

  /**
   * The rate of a data record that carries sampling fields: its own, else that of the sampler it
   * names (learnt from the domain's options records), else the domain's; a named sampler whose
   * options have not arrived is counted at the domain's rate and as a sampler miss.
   */
  private recordRate(bytes: Uint8Array, view: DataView, base: number, clock: ExportClock): number {
    let sampler: number | undefined;
    const only = this.samplerOnly;
    if (only !== undefined) {
      sampler = readUint(bytes, view, base + (this.fieldOffsets[only.index] as number), only.length);
    } else {
      const values = this.samplingValues(bytes, view, base);
      const own = samplingRateOf(values);
      if (own !== undefined) return own.rate;
      sampler = samplerKeyOf(values);
    }
    // Sampler 0 is NetFlow v9's "no sampler".
    if (sampler === undefined || sampler === 0) return clock.sampling;
    const known = clock.samplers.get(sampler);
    if (known !== undefined) return known.rate;
    clock.samplerMisses++;
    return clock.sampling;
  }

  /** The sampling fields of the record at `base`, by name. */
  private samplingValues(bytes: Uint8Array, view: DataView, base: number): SamplingValues {
    const values: SamplingValues = {};
    for (const field of this.samplingFields) {
      const at = base + (this.fieldOffsets[field.index] as number);
      values[field.name] =
        field.name === "samplingProbability"
          ? field.length === 8
            ? view.getFloat64(at)
            : field.length === 4
              ? view.getFloat32(at)
              : Number.NaN
          : readUint(bytes, view, at, field.length);
    }
    return values;
  }

  private claim(entry: readonly [number, number, number] | undefined, index: number, length: number): void {
    if (entry === undefined) return;
    const [slot, min, max] = entry;
    // The first occurrence wins; a field of an unexpected size is ignored rather than misread.
    if (this.slotField[slot] !== -1 || length < min || length > max) return;
    this.slotField[slot] = index;
    this.slotLength[slot] = length;
  }

  private layout(): void {
    let offset = 0;
    for (let i = 0; i < this.lengths.length; i++) {
      this.fieldOffsets[i] = offset;
      offset += this.lengths[i] as number;
    }
    this.place();
  }

  private place(): void {
    for (let s = 0; s < SLOTS; s++) {
      const field = this.slotField[s] as number;
      if (field !== -1) this.offsets[s] = this.fieldOffsets[field] as number;
    }
    this.protoAt = this.offsetOf(PROTO);
    this.portAt = this.offsetOf(DPORT);
    this.srcAt = this.offsetOf(this.family === 6 ? SRC6 : SRC4);
    this.dstAt = this.offsetOf(this.family === 6 ? DST6 : DST4);
    this.packetsAt = this.offsetOf(PACKETS);
    this.bytesAt = this.offsetOf(BYTES);
    this.flagsAt = this.offsetOf(FLAGS);
    const [first, last] = TIME_SLOTS[this.timeKind];
    this.firstAt = this.offsetOf(first);
    this.lastAt = this.offsetOf(last);
  }

  private offsetOf(slot: number): number {
    return this.slotField[slot] === -1 ? -1 : (this.offsets[slot] as number);
  }

  /** The slot's unsigned value; 0 when the template lacks it. */
  private read(slot: number, bytes: Uint8Array, view: DataView, base: number): number {
    if (this.slotField[slot] === -1) return 0;
    return readUint(bytes, view, base + (this.offsets[slot] as number), this.slotLength[slot] as number);
  }

  private times(bytes: Uint8Array, view: DataView, base: number, flow: MailFlow, clock: ExportClock): void {
    let first = Number.NaN;
    let last = Number.NaN;
    const kind = this.timeKind;
    if (kind === TimeKind.Milliseconds) {
      if (this.firstAt !== -1)
        first = view.getUint32(base + this.firstAt) * 4294967296 + view.getUint32(base + this.firstAt + 4);
      if (this.lastAt !== -1)
        last = view.getUint32(base + this.lastAt) * 4294967296 + view.getUint32(base + this.lastAt + 4);
    } else if (kind === TimeKind.Seconds) {
      if (this.firstAt !== -1) first = view.getUint32(base + this.firstAt) * 1000;
      if (this.lastAt !== -1) last = view.getUint32(base + this.lastAt) * 1000;
    } else if (kind === TimeKind.Uptime) {
      if (this.firstAt !== -1)
        first = this.uptimeToMs(view.getUint32(base + this.firstAt), bytes, view, base, clock);
      if (this.lastAt !== -1)
        last = this.uptimeToMs(view.getUint32(base + this.lastAt), bytes, view, base, clock);
    }
    // A template with only one end of the flow gives that time for both; none gives export time.
    if (this.firstAt === -1) first = last;
    if (this.lastAt === -1) last = first;
    flow.firstMs = Number.isNaN(first) ? clock.exportMs : first;
    flow.lastMs = Number.isNaN(last) ? clock.exportMs : last;
  }

  private uptimeToMs(
    uptime: number,
    bytes: Uint8Array,
    view: DataView,
    base: number,
    clock: ExportClock,
  ): number {
    if (clock.sysUptimeMs >= 0) {
      // NetFlow v9: the header pairs the exporter's uptime with the export time. The signed
      // 32-bit difference survives the uptime counter wrapping every 49.7 days.
      return clock.exportMs - ((clock.sysUptimeMs - uptime) | 0);
    }
    const init = this.slotField[SYSINIT] !== -1 ? this.read(SYSINIT, bytes, view, base) : clock.systemInitMs;
    if (Number.isNaN(init)) return Number.NaN;
    const ms = init + uptime;
    // An uptime that wrapped (or an exporter that counts from before its init time) lands in the future.
    return ms > clock.exportMs + DAY_MS ? ms - UPTIME_WRAP : ms;
  }
}

/** What a record needs from its packet header and observation domain to place it in time. */
export interface ExportClock {
  exportMs: number;
  /** NetFlow v9 header uptime in ms; -1 for IPFIX. */
  sysUptimeMs: number;
  /** IPFIX systemInitTimeMilliseconds from the domain's options records; NaN when unknown. */
  systemInitMs: number;
  /** The domain's sampling rate (1 when unsampled). */
  sampling: number;
  /** The domain's samplers' rates by selector/sampler id, for records that name one. */
  samplers: ReadonlyMap<number, SamplingRate>;
  /** Records that named a sampler not in `samplers`: counted at `sampling`. */
  samplerMisses: number;
}

/** An exporter, as the template table sees it: its domains, and the counter of its evictions. */
export interface TemplateOwner {
  readonly domains: Map<number, DomainState>;
  readonly stats: { templatesEvicted: number };
}

/** Per exporter and observation domain (IPFIX) or source id (v9): templates and options. */
export class DomainState {
  readonly templates = new Map<number, Template>();
  sampling = 1;
  /** How the domain-wide rate was read, once an options record gave one. */
  samplingMethod: string | null = null;
  readonly samplers = new Map<number, SamplingRate>();
  systemInitMs = Number.NaN;

  /**
   * Keeps a rate for a sampler, or for the whole domain when the options name none; true when
   * that changed what the domain knew.
   */
  learnRate(sampler: number | undefined, rate: SamplingRate): boolean {
    if (sampler === undefined) {
      if (this.sampling === rate.rate && this.samplingMethod === rate.method) return false;
      this.sampling = rate.rate;
      this.samplingMethod = rate.method;
      return true;
    }
    const known = this.samplers.get(sampler);
    if (known?.rate === rate.rate && known.method === rate.method) return false;
    if (known === undefined && this.samplers.size >= MAX_SAMPLERS_PER_DOMAIN) return false;
    this.samplers.set(sampler, rate);
    return true;
  }
}

export function readUint(bytes: Uint8Array, view: DataView, offset: number, length: number): number {
  switch (length) {
    case 1:
      return bytes[offset] as number;
    case 2:
      return view.getUint16(offset);
    case 4:
      return view.getUint32(offset);
    case 8:
      return view.getUint32(offset) * 4294967296 + view.getUint32(offset + 4);
    default: {
      let value = 0;
      for (let i = 0; i < length; i++) value = value * 256 + (bytes[offset + i] as number);
      return value;
    }
  }
}

function readV6(view: DataView, offset: number): bigint {
  return (view.getBigUint64(offset) << 64n) | view.getBigUint64(offset + 8);
}

/**
 * Reads the records of one data set (bytes start…end) with template `t`: options records update
 * the domain, flow records that are TCP to a mail port go to the sink, unless their times are
 * out of range (counted as badTimes). Trailing bytes shorter than a record are padding.
 */
export function readDataSet(
  t: Template,
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  ctx: DataSetContext,
  domain: DomainState,
): void {
  ctx.templateUsed(t);
  const stats = ctx.stats;
  const min = t.minLength;
  if (t.fixed) {
    if (t.options) {
      for (let base = start; base + min <= end; base += min) {
        t.readOptions(bytes, view, base, ctx, domain);
        stats.optionsRecords++;
      }
      return;
    }
    stats.records += Math.floor((end - start) / min);
    const protoAt = t.protoAt;
    const portAt = t.portAt;
    // Without protocol and port nothing can be a mail flow.
    if (protoAt === -1 || portAt === -1) return;
    const flow = ctx.flow;
    const sink = ctx.sink;
    const clock = ctx.clock;
    let mail = 0;
    let badTimes = 0;
    // Nine records in ten are not TCP to a mail port: three loads, one compare and out.
    for (let base = start; base + min <= end; base += min) {
      const port = ((bytes[base + portAt] as number) << 8) | (bytes[base + portAt + 1] as number);
      if (KEEP_PROTOCOL[port] !== bytes[base + protoAt]) continue;
      if (t.readMailFlow(bytes, view, base, port as MailPort, flow, clock)) {
        if (flowTimesValid(flow, clock.exportMs)) {
          mail++;
          sink.add(flow);
        } else {
          badTimes++;
        }
      }
    }
    stats.mailFlows += mail;
    stats.badTimes += badTimes;
    return;
  }
  for (let base = start; end - base >= min; ) {
    const length = t.measure(bytes, base, end);
    if (length < 0) {
      stats.malformed++;
      return;
    }
    if (t.options) {
      t.readOptions(bytes, view, base, ctx, domain);
      stats.optionsRecords++;
    } else {
      stats.records++;
      const port = t.portAt === -1 ? 0 : view.getUint16(base + t.portAt);
      if (
        t.protoAt !== -1 &&
        KEEP_PROTOCOL[port] === bytes[base + t.protoAt] &&
        t.readMailFlow(bytes, view, base, port as MailPort, ctx.flow, ctx.clock)
      ) {
        if (flowTimesValid(ctx.flow, ctx.clock.exportMs)) {
          stats.mailFlows++;
          ctx.sink.add(ctx.flow);
        } else {
          stats.badTimes++;
        }
      }
    }
    base += length;
  }
}

/**
 * Checks that the sets from `start` chain exactly up to `end` (4-byte id + length headers, each
 * length ≥ 4 and inside the packet). A packet that fails is dropped whole, before any record of
 * it reaches the sink.
 */
export function setsFit(view: DataView, start: number, end: number): boolean {
  let offset = start;
  while (end - offset >= 4) {
    const length = view.getUint16(offset + 2);
    if (length < 4 || offset + length > end) return false;
    offset += length;
  }
  return offset === end;
}

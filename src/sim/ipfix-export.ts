/**
 * Writes flows as IPFIX (RFC 7011) export packets, as a router's exporter would: IPv4 and IPv6
 * flows in packets of their own template (5-tuple, TCP flags, packet and byte counts, start and
 * end in epoch milliseconds), the template sent in every packet, so a lost datagram never leaves
 * the collector without it.
 */

/** One TCP flow of the simulated network, IPv4 addresses as uint32 (0 for an IPv6 flow). */
export interface SimFlow {
  src: number;
  dst: number;
  /** An IPv6 flow's addresses. */
  src6?: bigint;
  dst6?: bigint;
  srcPort: number;
  dstPort: number;
  packets: number;
  bytes: number;
  flags: number;
  firstMs: number;
  lastMs: number;
}

const VERSION = 10;
const OBSERVATION_DOMAIN = 1;
const TCP = 6;
/** [information element, length] after the addresses, in record order. */
const COMMON_FIELDS = [
  [7, 2], // sourceTransportPort
  [11, 2], // destinationTransportPort
  [4, 1], // protocolIdentifier
  [6, 1], // tcpControlBits
  [2, 4], // packetDeltaCount
  [1, 4], // octetDeltaCount
  [152, 8], // flowStartMilliseconds
  [153, 8], // flowEndMilliseconds
] as const;

interface Template {
  readonly id: number;
  readonly fields: readonly (readonly [number, number])[];
  readonly record: number;
  /** Writes a flow's addresses at `at`; returns the offset after them. */
  readonly addresses: (view: DataView, at: number, flow: SimFlow) => number;
}

function template(
  id: number,
  addressFields: readonly (readonly [number, number])[],
  addresses: Template["addresses"],
) {
  const fields = [...addressFields, ...COMMON_FIELDS];
  return { id, fields, record: fields.reduce((n, [, length]) => n + length, 0), addresses };
}

function writeV6(view: DataView, at: number, address: bigint): void {
  view.setBigUint64(at, address >> 64n);
  view.setBigUint64(at + 8, address & 0xffff_ffff_ffff_ffffn);
}

const V4 = template(
  256,
  [
    [8, 4], // sourceIPv4Address
    [12, 4], // destinationIPv4Address
  ],
  (view, at, f) => {
    view.setUint32(at, f.src);
    view.setUint32(at + 4, f.dst);
    return at + 8;
  },
);
const V6 = template(
  257,
  [
    [27, 16], // sourceIPv6Address
    [28, 16], // destinationIPv6Address
  ],
  (view, at, f) => {
    writeV6(view, at, f.src6 ?? 0n);
    writeV6(view, at + 16, f.dst6 ?? 0n);
    return at + 32;
  },
);

const HEADER = 16;
const templateSet = (t: Template) => 4 + 4 + t.fields.length * 4;
/** Fits a 1,500-byte Ethernet MTU with IP and UDP headers. */
const MAX_PACKET = 1400;
const recordsPerPacket = (t: Template) => Math.floor((MAX_PACKET - HEADER - templateSet(t) - 4) / t.record);

function writeMs(view: DataView, at: number, ms: number): void {
  view.setUint32(at, Math.floor(ms / 2 ** 32));
  view.setUint32(at + 4, ms >>> 0);
}

export class IpfixExporter {
  /** Data records sent before this packet, as the IPFIX header counts them. */
  private sequence = 0;

  /** The flows as export packets: the IPv4 flows', then the IPv6 flows'. */
  packets(flows: readonly SimFlow[], exportMs: number): Buffer[] {
    const out: Buffer[] = [];
    for (const [t, selected] of [
      [V4, flows.filter((f) => f.src6 === undefined)],
      [V6, flows.filter((f) => f.src6 !== undefined)],
    ] as const) {
      const per = recordsPerPacket(t);
      for (let i = 0; i < selected.length; i += per)
        out.push(this.packet(t, selected.slice(i, i + per), exportMs));
    }
    return out;
  }

  private packet(t: Template, flows: readonly SimFlow[], exportMs: number): Buffer {
    const length = HEADER + templateSet(t) + 4 + flows.length * t.record;
    const buffer = Buffer.alloc(length);
    const view = new DataView(buffer.buffer, buffer.byteOffset, length);
    view.setUint16(0, VERSION);
    view.setUint16(2, length);
    view.setUint32(4, Math.floor(exportMs / 1000));
    view.setUint32(8, this.sequence >>> 0);
    view.setUint32(12, OBSERVATION_DOMAIN);
    let at = HEADER;
    view.setUint16(at, 2);
    view.setUint16(at + 2, templateSet(t));
    view.setUint16(at + 4, t.id);
    view.setUint16(at + 6, t.fields.length);
    at += 8;
    for (const [id, size] of t.fields) {
      view.setUint16(at, id);
      view.setUint16(at + 2, size);
      at += 4;
    }
    view.setUint16(at, t.id);
    view.setUint16(at + 2, 4 + flows.length * t.record);
    at += 4;
    for (const f of flows) {
      at = t.addresses(view, at, f);
      view.setUint16(at, f.srcPort);
      view.setUint16(at + 2, f.dstPort);
      view.setUint8(at + 4, TCP);
      view.setUint8(at + 5, f.flags);
      view.setUint32(at + 6, f.packets);
      view.setUint32(at + 10, f.bytes);
      writeMs(view, at + 14, f.firstMs);
      writeMs(view, at + 22, f.lastMs);
      at += 30;
    }
    this.sequence += flows.length;
    return buffer;
  }
}

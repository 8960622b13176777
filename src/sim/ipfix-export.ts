/**
 * Writes flows as IPFIX (RFC 7011) export packets, as a router's exporter would: one template
 * (IPv4 5-tuple, TCP flags, packet and byte counts, start and end in epoch milliseconds) sent
 * in every packet, so a lost datagram never leaves the collector without it.
 */

/** One TCP flow of the simulated network, IPv4 addresses as uint32. */
export interface SimFlow {
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  packets: number;
  bytes: number;
  flags: number;
  firstMs: number;
  lastMs: number;
}

const VERSION = 10;
const TEMPLATE_ID = 256;
const OBSERVATION_DOMAIN = 1;
const TCP = 6;
/** [information element, length]: the template's fields in record order. */
const FIELDS = [
  [8, 4], // sourceIPv4Address
  [12, 4], // destinationIPv4Address
  [7, 2], // sourceTransportPort
  [11, 2], // destinationTransportPort
  [4, 1], // protocolIdentifier
  [6, 1], // tcpControlBits
  [2, 4], // packetDeltaCount
  [1, 4], // octetDeltaCount
  [152, 8], // flowStartMilliseconds
  [153, 8], // flowEndMilliseconds
] as const;
const RECORD = FIELDS.reduce((n, [, length]) => n + length, 0);
const HEADER = 16;
const TEMPLATE_SET = 4 + 4 + FIELDS.length * 4;
/** Fits a 1,500-byte Ethernet MTU with IP and UDP headers. */
const MAX_PACKET = 1400;
export const RECORDS_PER_PACKET = Math.floor((MAX_PACKET - HEADER - TEMPLATE_SET - 4) / RECORD);

function writeMs(view: DataView, at: number, ms: number): void {
  view.setUint32(at, Math.floor(ms / 2 ** 32));
  view.setUint32(at + 4, ms >>> 0);
}

export class IpfixExporter {
  /** Data records sent before this packet, as the IPFIX header counts them. */
  private sequence = 0;

  /** The flows as export packets, at most RECORDS_PER_PACKET records each. */
  packets(flows: readonly SimFlow[], exportMs: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < flows.length; i += RECORDS_PER_PACKET) {
      out.push(this.packet(flows.slice(i, i + RECORDS_PER_PACKET), exportMs));
    }
    return out;
  }

  private packet(flows: readonly SimFlow[], exportMs: number): Buffer {
    const length = HEADER + TEMPLATE_SET + 4 + flows.length * RECORD;
    const buffer = Buffer.alloc(length);
    const view = new DataView(buffer.buffer, buffer.byteOffset, length);
    view.setUint16(0, VERSION);
    view.setUint16(2, length);
    view.setUint32(4, Math.floor(exportMs / 1000));
    view.setUint32(8, this.sequence >>> 0);
    view.setUint32(12, OBSERVATION_DOMAIN);
    let at = HEADER;
    view.setUint16(at, 2);
    view.setUint16(at + 2, TEMPLATE_SET);
    view.setUint16(at + 4, TEMPLATE_ID);
    view.setUint16(at + 6, FIELDS.length);
    at += 8;
    for (const [id, size] of FIELDS) {
      view.setUint16(at, id);
      view.setUint16(at + 2, size);
      at += 4;
    }
    view.setUint16(at, TEMPLATE_ID);
    view.setUint16(at + 2, 4 + flows.length * RECORD);
    at += 4;
    for (const f of flows) {
      view.setUint32(at, f.src);
      view.setUint32(at + 4, f.dst);
      view.setUint16(at + 8, f.srcPort);
      view.setUint16(at + 10, f.dstPort);
      view.setUint8(at + 12, TCP);
      view.setUint8(at + 13, f.flags);
      view.setUint32(at + 14, f.packets);
      view.setUint32(at + 18, f.bytes);
      writeMs(view, at + 22, f.firstMs);
      writeMs(view, at + 30, f.lastMs);
      at += RECORD;
    }
    this.sequence += flows.length;
    return buffer;
  }
}

/**
 * Export datagrams for bench/abuse's template flood and its legitimate exporter. Addresses come
 * from the documentation ranges only: sources in 203.0.113.0/24 (a dynamic pool of
 * examples/plan.yaml), destinations in 192.0.2.0/24 (no relay of the plan).
 */

/** IPFIX information elements of the legitimate exporter's template (RFC 7012 ids). */
const LEGIT_FIELDS = [
  [8, 4], // sourceIPv4Address
  [12, 4], // destinationIPv4Address
  [152, 8], // flowStartMilliseconds
  [153, 8], // flowEndMilliseconds
  [2, 4], // packetDeltaCount
  [1, 4], // octetDeltaCount
  [7, 2], // sourceTransportPort
  [11, 2], // destinationTransportPort
  [4, 1], // protocolIdentifier
  [6, 1], // tcpControlBits
] as const;
const LEGIT_RECORD = LEGIT_FIELDS.reduce((n, [, length]) => n + length, 0);
const LEGIT_TEMPLATE_ID = 256;

export function ipv4(text: string): number {
  return text.split(".").reduce((n, part) => n * 256 + Number(part), 0) >>> 0;
}

/**
 * One IPFIX message from a well-behaved exporter: its template (sent with every message, as a
 * refresh) and `records` TCP flows from `source` to 192.0.2.1… port 25 that ended a second ago.
 */
export function legitIpfix(options: {
  domain: number;
  sequence: number;
  source: string;
  records: number;
  nowMs: number;
}): Buffer {
  const templateLength = 4 + 4 + 4 * LEGIT_FIELDS.length;
  const dataLength = 4 + options.records * LEGIT_RECORD;
  const buf = Buffer.alloc(16 + templateLength + dataLength);
  buf.writeUInt16BE(10, 0);
  buf.writeUInt16BE(buf.length, 2);
  buf.writeUInt32BE(Math.floor(options.nowMs / 1000), 4);
  buf.writeUInt32BE(options.sequence >>> 0, 8);
  buf.writeUInt32BE(options.domain, 12);
  let o = 16;
  buf.writeUInt16BE(2, o);
  buf.writeUInt16BE(templateLength, o + 2);
  buf.writeUInt16BE(LEGIT_TEMPLATE_ID, o + 4);
  buf.writeUInt16BE(LEGIT_FIELDS.length, o + 6);
  o += 8;
  for (const [id, length] of LEGIT_FIELDS) {
    buf.writeUInt16BE(id, o);
    buf.writeUInt16BE(length, o + 2);
    o += 4;
  }
  buf.writeUInt16BE(LEGIT_TEMPLATE_ID, o);
  buf.writeUInt16BE(dataLength, o + 2);
  o += 4;
  const source = ipv4(options.source);
  for (let i = 0; i < options.records; i++) {
    buf.writeUInt32BE(source, o);
    buf.writeUInt32BE(ipv4(`192.0.2.${1 + (i % 200)}`), o + 4);
    buf.writeBigUInt64BE(BigInt(options.nowMs - 4000), o + 8);
    buf.writeBigUInt64BE(BigInt(options.nowMs - 1000), o + 16);
    buf.writeUInt32BE(12, o + 24);
    buf.writeUInt32BE(6000, o + 28);
    buf.writeUInt16BE(40_000 + i, o + 32);
    buf.writeUInt16BE(25, o + 34);
    buf[o + 36] = 6;
    buf[o + 37] = 0x1b;
    o += LEGIT_RECORD;
  }
  return buf;
}

/** Templates of one field (4 bytes) fit in a datagram of `bytes` after the headers. */
export function templatesPerDatagram(version: 9 | 10, bytes: number): number {
  return Math.floor((bytes - (version === 9 ? 20 : 16) - 4) / 8);
}

/**
 * A datagram that only carries templates: `count` one-field templates (ids 256…) in observation
 * domain (IPFIX) or source id (v9) `domain`, which the flood makes new with every datagram.
 */
export function templateFlood(version: 9 | 10, domain: number, count: number, nowMs: number): Buffer {
  const header = version === 9 ? 20 : 16;
  const setLength = 4 + 8 * count;
  const buf = Buffer.alloc(header + setLength);
  buf.writeUInt16BE(version, 0);
  const seconds = Math.floor(nowMs / 1000);
  if (version === 9) {
    buf.writeUInt16BE(count, 2);
    buf.writeUInt32BE(86_400_000, 4);
    buf.writeUInt32BE(seconds, 8);
    buf.writeUInt32BE(domain, 12);
    buf.writeUInt32BE(domain, 16);
  } else {
    buf.writeUInt16BE(buf.length, 2);
    buf.writeUInt32BE(seconds, 4);
    buf.writeUInt32BE(domain, 8);
    buf.writeUInt32BE(domain, 12);
  }
  let o = header;
  buf.writeUInt16BE(version === 9 ? 0 : 2, o);
  buf.writeUInt16BE(setLength, o + 2);
  o += 4;
  for (let i = 0; i < count; i++) {
    buf.writeUInt16BE(256 + i, o);
    buf.writeUInt16BE(1, o + 2);
    // Each template a different field, so that none is a refresh of another domain's.
    buf.writeUInt16BE(1 + (i % 200), o + 4);
    buf.writeUInt16BE(4, o + 6);
    o += 8;
  }
  return buf;
}

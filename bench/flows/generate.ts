/**
 * Export packets for bench/flows: NetFlow v9 and IPFIX datagrams of 1,400-odd bytes carrying a
 * fixed mix of flow records, generated from a seed and kept in memory, back to back in one
 * buffer. Addresses come from the documentation ranges only (192.0.2/24, 198.51.100/24,
 * 203.0.113/24).
 */
const DOC_NETS = [0xc0000200, 0xc6336400, 0xcb007100];
const MAX_PACKET = 1400;
const TEMPLATE_ID = 256;
/** Exporters refresh templates every so many packets; the decoder sees them as refreshes. */
const TEMPLATE_EVERY = 64;

/** Field id, length: v9 times are uptime-relative, IPFIX times absolute milliseconds. */
const V9_FIELDS = [
  [8, 4],
  [12, 4],
  [22, 4],
  [21, 4],
  [1, 4],
  [2, 4],
  [7, 2],
  [11, 2],
  [4, 1],
  [6, 1],
] as const;
const IPFIX_FIELDS = [...V9_FIELDS.slice(0, 2), [152, 8], [153, 8], ...V9_FIELDS.slice(4)] as const;
/** A sampled IPFIX export as Cisco IOS XR sends it: each record names its selector (302, 8 bytes). */
const SAMPLED_FIELDS = [...IPFIX_FIELDS, [302, 8]] as const;
/**
 * IOS XR's sampler options (template 257): scope selectorId; selectorAlgorithm 3 (random n-out-of-N),
 * samplingPacketInterval 1, samplingSize 1, samplingPopulation N.
 */
const SAMPLER_TEMPLATE_ID = 257;
const SAMPLER_FIELDS = [
  [302, 8],
  [304, 2],
  [305, 4],
  [309, 4],
  [310, 4],
] as const;
const SAMPLER_SETS_LENGTH = 4 + 6 + 4 * SAMPLER_FIELDS.length + 4 + 8 + 2 + 4 + 4 + 4;
const SELECTOR_ID = 1;

export interface GeneratedExport {
  packets: Buffer[];
  records: number;
  /** Records that are TCP to 25, 587 or 465. */
  mailRecords: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `records` flows spread over one hour from `startMs`: 10 % TCP to mail ports (25: 5 %,
 * 587: 3 %, 465: 2 %), the rest web, DNS and other traffic, from 768 sources. With
 * `samplingPopulation` (IPFIX only) the export is sampled random 1 of that, IOS XR's shape.
 */
export function generateExport(
  version: 9 | 10,
  records: number,
  seed: number,
  startMs: number,
  samplingPopulation = 0,
): GeneratedExport {
  const random = mulberry32(seed);
  const sampled = version === 10 && samplingPopulation > 0;
  const fields = version === 9 ? V9_FIELDS : sampled ? SAMPLED_FIELDS : IPFIX_FIELDS;
  const recordLength = fields.reduce((n, [, l]) => n + l, 0);
  const header = version === 9 ? 20 : 16;
  const templateLength = 4 + 4 + 4 * fields.length + (sampled ? SAMPLER_SETS_LENGTH : 0);
  const packets: Buffer[] = [];
  let mailRecords = 0;
  let done = 0;
  const uptimeBase = startMs - 86_400_000; // the exporter booted a day earlier
  while (done < records) {
    const withTemplate = packets.length % TEMPLATE_EVERY === 0;
    const room = MAX_PACKET - header - (withTemplate ? templateLength : 0) - 4;
    const count = Math.min(Math.floor(room / recordLength), records - done);
    const buf = Buffer.alloc(header + (withTemplate ? templateLength : 0) + 4 + count * recordLength);
    const firstMs = startMs + Math.floor((done / records) * 3_600_000);
    const exportMs = firstMs + 60_000;
    let o = 0;
    buf.writeUInt16BE(version, 0);
    if (version === 9) {
      buf.writeUInt16BE(count + (withTemplate ? 1 : 0), 2);
      buf.writeUInt32BE(exportMs - uptimeBase, 4);
      buf.writeUInt32BE(Math.floor(exportMs / 1000), 8);
      buf.writeUInt32BE(packets.length, 12);
      buf.writeUInt32BE(1, 16);
    } else {
      buf.writeUInt16BE(buf.length, 2);
      buf.writeUInt32BE(Math.floor(exportMs / 1000), 4);
      buf.writeUInt32BE(done, 8);
      buf.writeUInt32BE(1, 12);
    }
    o = header;
    if (withTemplate && sampled) o = writeSamplerSets(buf, o, samplingPopulation);
    if (withTemplate) {
      buf.writeUInt16BE(version === 9 ? 0 : 2, o);
      buf.writeUInt16BE(4 + 4 + 4 * fields.length, o + 2);
      buf.writeUInt16BE(TEMPLATE_ID, o + 4);
      buf.writeUInt16BE(fields.length, o + 6);
      o += 8;
      for (const [id, length] of fields) {
        buf.writeUInt16BE(id, o);
        buf.writeUInt16BE(length, o + 2);
        o += 4;
      }
    }
    buf.writeUInt16BE(TEMPLATE_ID, o);
    buf.writeUInt16BE(4 + count * recordLength, o + 2);
    o += 4;
    for (let i = 0; i < count; i++) {
      const kind = random();
      const tcp = kind < 0.8;
      const port =
        kind < 0.05 ? 25 : kind < 0.08 ? 587 : kind < 0.1 ? 465 : kind < 0.5 ? 443 : kind < 0.8 ? 80 : 53;
      if (kind < 0.1) mailRecords++;
      const src = (DOC_NETS[Math.floor(random() * 3)] as number) + Math.floor(random() * 256);
      const dst = (DOC_NETS[Math.floor(random() * 3)] as number) + Math.floor(random() * 256);
      const first = firstMs + Math.floor(random() * 50_000);
      const last = first + Math.floor(random() * 10_000);
      const pkts = 1 + Math.floor(random() * 20);
      buf.writeUInt32BE(src >>> 0, o);
      buf.writeUInt32BE(dst >>> 0, o + 4);
      o += 8;
      if (version === 9) {
        buf.writeUInt32BE(first - uptimeBase, o);
        buf.writeUInt32BE(last - uptimeBase, o + 4);
        o += 8;
      } else {
        buf.writeBigUInt64BE(BigInt(first), o);
        buf.writeBigUInt64BE(BigInt(last), o + 8);
        o += 16;
      }
      buf.writeUInt32BE(pkts * (40 + Math.floor(random() * 1400)), o);
      buf.writeUInt32BE(pkts, o + 4);
      buf.writeUInt16BE(1024 + Math.floor(random() * 60000), o + 8);
      buf.writeUInt16BE(port, o + 10);
      buf[o + 12] = tcp ? 6 : 17;
      buf[o + 13] = tcp ? (pkts <= 2 ? 0x02 : 0x1b) : 0;
      o += 14;
      if (sampled) {
        buf.writeBigUInt64BE(BigInt(SELECTOR_ID), o);
        o += 8;
      }
    }
    packets.push(buf);
    done += count;
  }
  // Back to back in one buffer, as a capture read into memory (or the collector's ring) holds them.
  const capture = Buffer.concat(packets);
  let at = 0;
  const views = packets.map((packet) => {
    at += packet.length;
    return capture.subarray(at - packet.length, at);
  });
  return { packets: views, records, mailRecords };
}

/** The sampler's options template and its one record, from `o`; returns the offset after them. */
function writeSamplerSets(buf: Buffer, at: number, population: number): number {
  let o = at;
  buf.writeUInt16BE(3, o);
  buf.writeUInt16BE(4 + 6 + 4 * SAMPLER_FIELDS.length, o + 2);
  buf.writeUInt16BE(SAMPLER_TEMPLATE_ID, o + 4);
  buf.writeUInt16BE(SAMPLER_FIELDS.length, o + 6);
  buf.writeUInt16BE(1, o + 8);
  o += 10;
  for (const [id, length] of SAMPLER_FIELDS) {
    buf.writeUInt16BE(id, o);
    buf.writeUInt16BE(length, o + 2);
    o += 4;
  }
  buf.writeUInt16BE(SAMPLER_TEMPLATE_ID, o);
  buf.writeUInt16BE(4 + 8 + 2 + 4 + 4 + 4, o + 2);
  buf.writeBigUInt64BE(BigInt(SELECTOR_ID), o + 4);
  buf.writeUInt16BE(3, o + 12);
  buf.writeUInt32BE(1, o + 14);
  buf.writeUInt32BE(1, o + 18);
  buf.writeUInt32BE(population, o + 22);
  return o + 26;
}

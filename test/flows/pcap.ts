/**
 * A tiny pcap writer for the flow tests: Ethernet + IPv4/IPv6 + TCP packets of a known shape,
 * for softflowd to read (`softflowd -r`). Checksums stay zero: flow exporters do not check them.
 */
import { writeFileSync } from "node:fs";

export interface TcpPacket {
  /** Seconds since the Unix epoch, fractional. */
  time: number;
  family: 4 | 6;
  src: number | bigint;
  dst: number | bigint;
  srcPort: number;
  dstPort: number;
  /** TCP flag bits (SYN 0x02, ACK 0x10, FIN 0x01, PSH 0x08, RST 0x04). */
  flags: number;
  payload: number;
}

function writeAddress(buf: Buffer, offset: number, family: 4 | 6, value: number | bigint): void {
  if (family === 4) buf.writeUInt32BE(Number(value), offset);
  else for (let i = 0; i < 16; i++) buf[offset + i] = Number((BigInt(value) >> BigInt(120 - 8 * i)) & 0xffn);
}

function frame(p: TcpPacket): Buffer {
  const ipLength = p.family === 4 ? 20 : 40;
  const buf = Buffer.alloc(14 + ipLength + 20 + p.payload);
  buf.writeUInt16BE(p.family === 4 ? 0x0800 : 0x86dd, 12);
  const ip = 14;
  if (p.family === 4) {
    buf[ip] = 0x45;
    buf.writeUInt16BE(20 + 20 + p.payload, ip + 2);
    buf[ip + 8] = 64;
    buf[ip + 9] = 6;
    writeAddress(buf, ip + 12, 4, p.src);
    writeAddress(buf, ip + 16, 4, p.dst);
  } else {
    buf.writeUInt32BE(0x60000000, ip);
    buf.writeUInt16BE(20 + p.payload, ip + 4);
    buf[ip + 6] = 6;
    buf[ip + 7] = 64;
    writeAddress(buf, ip + 8, 6, p.src);
    writeAddress(buf, ip + 24, 6, p.dst);
  }
  const tcp = ip + ipLength;
  buf.writeUInt16BE(p.srcPort, tcp);
  buf.writeUInt16BE(p.dstPort, tcp + 2);
  buf.writeUInt32BE(1000, tcp + 4);
  buf[tcp + 12] = 0x50;
  buf[tcp + 13] = p.flags;
  buf.writeUInt16BE(65535, tcp + 14);
  return buf;
}

export function writePcap(path: string, packets: readonly TcpPacket[]): void {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  parts.push(header);
  for (const p of packets) {
    const data = frame(p);
    const record = Buffer.alloc(16);
    const seconds = Math.floor(p.time);
    record.writeUInt32LE(seconds, 0);
    record.writeUInt32LE(Math.round((p.time - seconds) * 1e6), 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    parts.push(record, data);
  }
  writeFileSync(path, Buffer.concat(parts));
}

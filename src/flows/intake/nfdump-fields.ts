/**
 * The values nfdump prints (in its JSON and CSV outputs alike) turned into MailFlow fields.
 * A record that cannot be read throws NfdumpRecordError; the readers report it as `file:line`.
 */
import { parseIpv4, parseIpv6 } from "../../core/index.js";
import { MAIL_PORTS, type MailFlow, type MailPort } from "../mail-flow.js";

export class NfdumpRecordError extends Error {}

/**
 * Where a record came from, as nfdump prints it: the exporter's address (`ra`, `ip4_router`) and
 * when nfcapd received the flow (`tr`, `received`); "" when the output lacks them.
 */
export interface NfdumpOrigin {
  exporter: string;
  received: string;
}

/** Where a reader hands each record: mail flows, other records (dropped) and bad records. */
export interface NfdumpSink {
  /** A TCP flow to 25, 587 or 465; both objects are reused for the next record. */
  mail(flow: MailFlow, origin: NfdumpOrigin): void;
  other(): void;
  bad(line: number, message: string): void;
}

export const TCP = 6;

const TIME = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;

/**
 * nfdump prints times in its own time zone without an offset; porteiro reads them as UTC, which
 * is what nfdump prints when run with TZ=UTC.
 */
export function parseNfdumpTime(text: string, field: string): number {
  const m = TIME.exec(text);
  if (!m) throw new NfdumpRecordError(`${field} "${text}" is not a time written YYYY-MM-DD HH:MM:SS[.mmm]`);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const value = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  );
  if (Number.isNaN(value)) throw new NfdumpRecordError(`${field} "${text}" is not a valid time`);
  return value;
}

/** nfdump's flag string, one letter or dot per flag from CWR down to FIN: "...AP.SF". */
const FLAG_LETTERS = "CEUAPRSF";

export function parseTcpFlags(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  if (typeof value === "string") {
    const text = value.trim();
    if (/^\d+$/.test(text) && Number(text) <= 255) return Number(text);
    if (text.length === FLAG_LETTERS.length) {
      let flags = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === FLAG_LETTERS[i]) flags |= 0x80 >> i;
        else if (c !== ".") break;
        if (i === text.length - 1) return flags;
      }
    }
  }
  throw new NfdumpRecordError(`tcp flags ${JSON.stringify(value)} are neither a number nor like "...AP.SF"`);
}

export function parseCount(value: unknown, field: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new NfdumpRecordError(`${field} ${JSON.stringify(value)} is not a count`);
}

/** The destination port if it is a mail port, else undefined (the record is not kept). */
export function mailPort(value: unknown): MailPort | undefined {
  const port = parseCount(value, "destination port");
  return (MAIL_PORTS as readonly number[]).includes(port) ? (port as MailPort) : undefined;
}

/** Fills the flow's source and destination from address text; both must be the same family. */
export function setAddresses(flow: MailFlow, source: unknown, destination: unknown): void {
  if (typeof source !== "string") throw new NfdumpRecordError("no source address");
  if (typeof destination !== "string") throw new NfdumpRecordError("no destination address");
  const src = source.trim();
  const dst = destination.trim();
  if (!src.includes(":") && !dst.includes(":")) {
    const s = parseIpv4(src);
    if (s < 0) throw new NfdumpRecordError(`source "${src}" is not an IP address`);
    const d = parseIpv4(dst);
    if (d < 0) throw new NfdumpRecordError(`destination "${dst}" is not an IP address`);
    flow.family = 4;
    flow.srcV4 = s;
    flow.dstV4 = d;
    flow.srcV6 = 0n;
    flow.dstV6 = 0n;
    return;
  }
  const s = parseIpv6(src);
  if (s === undefined) throw new NfdumpRecordError(`source "${src}" is not an IPv6 address`);
  const d = parseIpv6(dst);
  if (d === undefined) throw new NfdumpRecordError(`destination "${dst}" is not an IPv6 address`);
  flow.family = 6;
  flow.srcV4 = 0;
  flow.dstV4 = 0;
  flow.srcV6 = s;
  flow.dstV6 = d;
}

/** Flow count, packets and bytes; `samplingRate` is how many flows each record stands for. */
export function setCounts(flow: MailFlow, packets: unknown, bytes: unknown, samplingRate: number): void {
  flow.flows = samplingRate;
  flow.packets = parseCount(packets, "packets");
  flow.bytes = parseCount(bytes, "bytes");
}

/**
 * NetFlow v5: a 24-byte header and fixed 48-byte IPv4 records. Times are exporter uptime in ms,
 * placed on the calendar with the header's uptime and Unix time (a record whose times fall
 * outside the sane range, see flowTimesValid, is dropped); the header's low 14 sampling bits
 * give the sampling interval.
 */

import { flowTimesValid, type MailPort } from "../mail-flow.js";
import type { PacketDecoder } from "./context.js";
import { KEEP_PROTOCOL } from "./templates.js";

export const V5_HEADER = 24;
const RECORD = 48;

export const decodeV5: PacketDecoder = (bytes, view, start, packetEnd, ctx) => {
  const stats = ctx.stats;
  const count = view.getUint16(start + 2);
  const end = start + V5_HEADER + count * RECORD;
  if (count === 0 || end > packetEnd) {
    stats.malformed++;
    return;
  }
  const sysUptime = view.getUint32(start + 4);
  const exportMs = view.getUint32(start + 8) * 1000 + Math.floor(view.getUint32(start + 12) / 1e6);
  const rate = view.getUint16(start + 22) & 0x3fff || 1;
  const flow = ctx.flow;
  const sink = ctx.sink;
  stats.records += count;
  for (let base = start + V5_HEADER; base < end; base += RECORD) {
    const port = ((bytes[base + 34] as number) << 8) | (bytes[base + 35] as number);
    if (KEEP_PROTOCOL[port] !== bytes[base + 38]) continue;
    flow.family = 4;
    flow.srcV4 = view.getUint32(base);
    flow.dstV4 = view.getUint32(base + 4);
    flow.srcV6 = 0n;
    flow.dstV6 = 0n;
    flow.dstPort = port as MailPort;
    flow.flows = rate;
    flow.packets = view.getUint32(base + 16) * rate;
    flow.bytes = view.getUint32(base + 20) * rate;
    flow.tcpFlags = bytes[base + 37] as number;
    // Signed 32-bit differences survive the uptime counter wrapping every 49.7 days.
    flow.firstMs = exportMs - ((sysUptime - view.getUint32(base + 24)) | 0);
    flow.lastMs = exportMs - ((sysUptime - view.getUint32(base + 28)) | 0);
    if (!flowTimesValid(flow, exportMs)) {
      stats.badTimes++;
      continue;
    }
    stats.mailFlows++;
    sink.add(flow);
  }
};

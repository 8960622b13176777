/** Renders flow records the way nfdump 1.7 prints them (-o json, -o csv), for the parser tests. */
import fc from "fast-check";
import { formatIpv4, formatIpv6 } from "../../src/core/index.js";
import { NFDUMP_CSV_HEADER } from "../../src/flows/intake/nfdump-csv.js";
import type { NfdumpSink } from "../../src/flows/intake/nfdump-fields.js";
import type { MailFlow } from "../../src/flows/mail-flow.js";

export interface RenderedFlow {
  family: 4 | 6;
  src: string;
  dst: string;
  proto: number;
  dstPort: number;
  packets: number;
  bytes: number;
  tcpFlags: number;
  firstMs: number;
  lastMs: number;
}

const BASE_MS = Date.UTC(2027, 0, 4);

export const renderedFlowArb = (wholeSeconds: boolean): fc.Arbitrary<RenderedFlow> =>
  fc
    .record({
      v6: fc.boolean(),
      src: fc.integer({ min: 1, max: 254 }),
      dst: fc.integer({ min: 1, max: 254 }),
      proto: fc.constantFrom(6, 6, 6, 17),
      dstPort: fc.constantFrom(25, 587, 465, 80, 443),
      packets: fc.integer({ min: 1, max: 1_000_000 }),
      bytes: fc.integer({ min: 40, max: 2 ** 40 }),
      tcpFlags: fc.integer({ min: 0, max: 255 }),
      first: fc.integer({ min: 0, max: 30 * 86_400_000 }),
      duration: fc.integer({ min: 0, max: 3_600_000 }),
    })
    .map((r) => {
      const firstMs = BASE_MS + (wholeSeconds ? r.first - (r.first % 1000) : r.first);
      return {
        family: r.v6 ? 6 : 4,
        src: r.v6
          ? formatIpv6(0x20010db8100000000000000000000000n + BigInt(r.src))
          : formatIpv4(0xcb007100 + r.src),
        dst: r.v6
          ? formatIpv6(0x20010db8ffff00000000000000000000n + BigInt(r.dst))
          : formatIpv4(0xc0000200 + r.dst),
        proto: r.proto,
        dstPort: r.dstPort,
        packets: r.packets,
        bytes: r.bytes,
        tcpFlags: r.tcpFlags,
        firstMs,
        lastMs: firstMs + r.duration,
      };
    });

export function flagString(flags: number): string {
  return [..."CEUAPRSF"].map((letter, i) => (flags & (0x80 >> i) ? letter : ".")).join("");
}

const time = (ms: number, separator: string, withMs: boolean) =>
  new Date(ms)
    .toISOString()
    .replace("T", separator)
    .slice(0, withMs ? 23 : 19);

/** One record as nfdump 1.7.1 prints it in -o json (tab-indented, one key a line). */
export function jsonRecord(f: RenderedFlow): string {
  const v = f.family === 4 ? "4" : "6";
  const fields: [string, string | number][] = [
    ["type", "FLOW"],
    ["sampled", 0],
    ["export_sysid", 1],
    ["first", time(f.firstMs, "T", true)],
    ["last", time(f.lastMs, "T", true)],
    ["received", "2026-11-28T12:30:10.876"],
    ["in_packets", f.packets],
    ["in_bytes", f.bytes],
    ["proto", f.proto],
    ["tcp_flags", flagString(f.tcpFlags)],
    ["src_port", 40000],
    ["dst_port", f.dstPort],
    ["src_tos", 0],
    [`src${v}_addr`, f.src],
    [`dst${v}_addr`, f.dst],
    ["label", "<none>"],
  ];
  return `{\n${fields.map(([k, value]) => `\t"${k}" : ${JSON.stringify(value)}`).join(",\n")}\n}`;
}

export function jsonDocument(flows: readonly RenderedFlow[]): string {
  return `[\n${flows.map(jsonRecord).join(",\n")}]\n`;
}

export function csvLine(f: RenderedFlow): string {
  const fields = NFDUMP_CSV_HEADER.split(",").map(() => "0");
  const set = (name: string, value: string) => {
    fields[NFDUMP_CSV_HEADER.split(",").indexOf(name)] = value;
  };
  set("ts", time(f.firstMs, " ", false));
  set("te", time(f.lastMs, " ", false));
  set("td", ((f.lastMs - f.firstMs) / 1000).toFixed(3));
  set("sa", f.src);
  set("da", f.dst);
  set("sp", "40000");
  set("dp", String(f.dstPort));
  set("pr", f.proto === 6 ? "TCP" : "UDP");
  set("flg", flagString(f.tcpFlags));
  set("ipkt", String(f.packets));
  set("ibyt", String(f.bytes));
  set("cl", "    0.000");
  return fields.join(",");
}

export function csvDocument(flows: readonly RenderedFlow[]): string {
  const summary = "Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,2,3,4,5,6\n";
  return `${NFDUMP_CSV_HEADER}\n${flows.map(csvLine).join("\n")}${flows.length ? "\n" : ""}${summary}`;
}

export const isMail = (f: RenderedFlow) => f.proto === 6 && [25, 587, 465].includes(f.dstPort);

/** What the readers should hand on for a rendered mail flow. */
export function expectedFlow(f: RenderedFlow): Record<string, unknown> {
  return {
    src: f.src,
    dst: f.dst,
    dstPort: f.dstPort,
    packets: f.packets,
    bytes: f.bytes,
    tcpFlags: f.tcpFlags,
    firstMs: f.firstMs,
    lastMs: f.lastMs,
    flows: 1,
  };
}

export interface Collected {
  mail: Record<string, unknown>[];
  other: number;
  bad: { line: number; message: string }[];
}

/** A sink that keeps copies of what it is handed. */
export function collectingSink(): NfdumpSink & { collected: Collected } {
  const collected: Collected = { mail: [], other: 0, bad: [] };
  return {
    collected,
    mail(flow: MailFlow) {
      collected.mail.push({
        src: flow.family === 4 ? formatIpv4(flow.srcV4) : formatIpv6(flow.srcV6),
        dst: flow.family === 4 ? formatIpv4(flow.dstV4) : formatIpv6(flow.dstV6),
        dstPort: flow.dstPort,
        packets: flow.packets,
        bytes: flow.bytes,
        tcpFlags: flow.tcpFlags,
        firstMs: flow.firstMs,
        lastMs: flow.lastMs,
        flows: flow.flows,
      });
    },
    other() {
      collected.other++;
    },
    bad(line, message) {
      collected.bad.push({ line, message });
    },
  };
}

/** Feeds a document to a reader line by line, as the import does. */
export function feed(reader: { line(text: string, n: number): void; end?(): void }, text: string): void {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((line, i) => {
    reader.line(line, i + 1);
  });
  reader.end?.();
}

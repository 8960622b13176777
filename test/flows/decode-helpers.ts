/** Shared pieces of the decoder tests: a collecting sink and flows of a known shape. */
import { FlowDecoder } from "../../src/flows/decode/decode.js";
import type { FlowSink, MailFlow } from "../../src/flows/mail-flow.js";
import type { FlowSpec } from "./exports.js";

export const EXPORT_MS = Date.UTC(2026, 10, 28, 10, 0, 0);
export const CLOCK = { exportMs: EXPORT_MS, uptimeMs: 3_600_000 };

/** Copies every flow it is given (decoders reuse one object). */
export class Collected implements FlowSink {
  readonly flows: MailFlow[] = [];
  add(flow: MailFlow): void {
    this.flows.push({ ...flow });
  }
}

export function decoderWithSink(): { decoder: FlowDecoder; sink: Collected } {
  const sink = new Collected();
  return { decoder: new FlowDecoder(sink), sink };
}

/** A TCP flow from 192.0.2.<n> to 203.0.113.<n> ending 10 s before export. */
export function flow4(n: number, dstPort: number, over: Partial<FlowSpec> = {}): FlowSpec {
  return {
    family: 4,
    src: 0xc0000200 + n,
    dst: 0xcb007100 + n,
    srcPort: 40000 + n,
    dstPort,
    proto: 6,
    packets: 10 + n,
    bytes: 1000 + n,
    flags: 0x1b,
    firstMs: EXPORT_MS - 30_000,
    lastMs: EXPORT_MS - 10_000,
    ...over,
  };
}

export function flow6(n: number, dstPort: number, over: Partial<FlowSpec> = {}): FlowSpec {
  return {
    ...flow4(n, dstPort),
    family: 6,
    src: 0x20010db8000000000000000000000000n + BigInt(n),
    dst: 0x20010db8000100000000000000000000n + BigInt(n),
    ...over,
  };
}

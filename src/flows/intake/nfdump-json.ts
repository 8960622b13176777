/**
 * `nfdump -r FILE -o json` read record by record: nfdump prints one array of objects, which may
 * be gigabytes long, so each object is cut out of the line stream by brace depth and parsed alone.
 * Works as well for one object per line (compact or JSON lines).
 */
import { emptyMailFlow, type MailFlow } from "../mail-flow.js";
import {
  mailPort,
  type NfdumpOrigin,
  NfdumpRecordError,
  type NfdumpSink,
  parseNfdumpTime,
  parseTcpFlags,
  setAddresses,
  setCounts,
  TCP,
} from "./nfdump-fields.js";

/** An nfdump flow record prints in about 1 KiB; anything much longer has lost its closing brace. */
const MAX_RECORD_CHARS = 64 * 1024;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The one text nfdump prints inside the array besides records. */
const NO_FLOWS = "No matching flows";

export class NfdumpJsonReader {
  private readonly flow: MailFlow = emptyMailFlow();
  private readonly origin: NfdumpOrigin = { exporter: "", received: "" };
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private chars = 0;
  private startLine = 0;
  /** After a runaway record: skip lines until one opens a record. */
  private resyncing = false;

  constructor(
    private readonly sink: NfdumpSink,
    private readonly samplingRate = 1,
  ) {}

  line(text: string, lineNumber: number): void {
    let start = 0;
    if (this.depth === 0) {
      start = this.recordStart(text, 0, lineNumber);
      if (start < 0) return;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN) this.depth++;
      else if (c === CLOSE && --this.depth === 0) {
        this.parts.push(text.slice(start, i + 1));
        this.finishRecord();
        start = this.recordStart(text, i + 1, lineNumber);
        if (start < 0) return;
        i = start - 1;
      }
    }
    this.parts.push(text.slice(start));
    this.chars += text.length - start;
    if (this.chars > MAX_RECORD_CHARS) {
      this.sink.bad(this.startLine, "record longer than 64 KiB; is this nfdump -o json output?");
      this.reset();
      this.resyncing = true;
    }
  }

  /** Call after the last line. */
  end(): void {
    if (this.depth > 0) this.sink.bad(this.startLine, "record not closed at the end of the input");
    this.reset();
  }

  /**
   * Skips the array's punctuation from `from`; returns where the next record starts, or -1 when the line holds no more records.
   */
  private recordStart(text: string, from: number, lineNumber: number): number {
    for (let i = from; i < text.length; i++) {
      const c = text[i];
      if (c === "{") {
        this.resyncing = false;
        this.startLine = lineNumber;
        return i;
      }
      if (c === "[" || c === "]" || c === "," || c === " " || c === "\t" || c === "\r") continue;
      if (!this.resyncing && text.trim() !== NO_FLOWS) {
        this.sink.bad(lineNumber, `expected a JSON record, found ${JSON.stringify(text.slice(i, i + 40))}`);
      }
      return -1;
    }
    return -1;
  }

  private reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.parts = [];
    this.chars = 0;
  }

  private finishRecord(): void {
    const text = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join("\n");
    const line = this.startLine;
    this.reset();
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      this.sink.bad(line, `not valid JSON (${(error as Error).message})`);
      return;
    }
    try {
      if (this.fill(record as Record<string, unknown>)) this.sink.mail(this.flow, this.origin);
      else this.sink.other();
    } catch (error) {
      if (!(error instanceof NfdumpRecordError)) throw error;
      this.sink.bad(line, error.message);
    }
  }

  /** True when the record is a TCP flow to a mail port, then in this.flow. */
  private fill(record: Record<string, unknown>): boolean {
    if (record.type !== undefined && record.type !== "FLOW") return false;
    if (record.proto === undefined) throw new NfdumpRecordError('no "proto" field');
    if (record.proto !== TCP) return false;
    const port = mailPort(record.dst_port);
    if (port === undefined) return false;
    const flow = this.flow;
    flow.dstPort = port;
    if (record.src4_addr !== undefined) setAddresses(flow, record.src4_addr, record.dst4_addr);
    else setAddresses(flow, record.src6_addr, record.dst6_addr);
    setCounts(flow, record.in_packets, record.in_bytes, this.samplingRate);
    flow.tcpFlags = record.tcp_flags === undefined ? 0 : parseTcpFlags(record.tcp_flags);
    flow.firstMs = parseNfdumpTime(String(record.first ?? ""), "first");
    flow.lastMs = parseNfdumpTime(String(record.last ?? ""), "last");
    if (flow.lastMs < flow.firstMs) throw new NfdumpRecordError("last is before first");
    const router = record.ip4_router ?? record.ip6_router;
    this.origin.exporter = typeof router === "string" ? router : "";
    this.origin.received = typeof record.received === "string" ? record.received : "";
    return true;
  }
}

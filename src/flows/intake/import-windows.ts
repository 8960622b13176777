/**
 * What an import's mail flows covered, gathered while they stream past: per exporter the window
 * they came from, and per hour the flows added (what the ledger records and --force replaces).
 */
import { EARLIEST_FLOW_MS, type MailFlow } from "../mail-flow.js";
import { type NfdumpOrigin, parseNfdumpTime } from "./nfdump-fields.js";

const HOUR_MS = 3_600_000;

/** One exporter's window: received times when nfdump printed them, else flow start times. */
export interface ExporterWindow {
  readonly exporter: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly byReceived: boolean;
  readonly mailFlows: number;
}

interface Span {
  /** Received times as printed: one format within a file, so text order is time order. */
  minReceived: string;
  maxReceived: string;
  minFirstMs: number;
  maxFirstMs: number;
  mailFlows: number;
}

function receivedMs(text: string): number | undefined {
  try {
    const ms = parseNfdumpTime(text, "received");
    // nfdump prints 1970 when the exporter did not say.
    return ms >= EARLIEST_FLOW_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

export class ImportWindows {
  private readonly spans = new Map<string, Span>();
  private lastExporter: string | undefined;
  private lastSpan: Span | undefined;
  private readonly flowsByHour = new Map<number, number>();
  private lastHourIndex = Number.NaN;
  private lastHourFlows = 0;

  add(flow: MailFlow, origin: NfdumpOrigin): void {
    let span = this.lastSpan;
    if (origin.exporter !== this.lastExporter || span === undefined) {
      span = this.spans.get(origin.exporter);
      if (span === undefined) {
        span = {
          minReceived: "",
          maxReceived: "",
          minFirstMs: flow.firstMs,
          maxFirstMs: flow.firstMs,
          mailFlows: 0,
        };
        this.spans.set(origin.exporter, span);
      }
      this.lastExporter = origin.exporter;
      this.lastSpan = span;
    }
    span.mailFlows += flow.flows;
    if (flow.firstMs < span.minFirstMs) span.minFirstMs = flow.firstMs;
    if (flow.firstMs > span.maxFirstMs) span.maxFirstMs = flow.firstMs;
    const received = origin.received;
    if (received !== "") {
      if (span.minReceived === "" || received < span.minReceived) span.minReceived = received;
      if (received > span.maxReceived) span.maxReceived = received;
    }
    const hourIndex = Math.floor(flow.firstMs / HOUR_MS);
    if (hourIndex !== this.lastHourIndex) {
      this.flushHour();
      this.lastHourIndex = hourIndex;
    }
    this.lastHourFlows += flow.flows;
  }

  private flushHour(): void {
    if (this.lastHourFlows === 0) return;
    const hour = this.lastHourIndex * 3600;
    this.flowsByHour.set(hour, (this.flowsByHour.get(hour) ?? 0) + this.lastHourFlows);
    this.lastHourFlows = 0;
  }

  /** Flows added per hour (epoch seconds, as flow_hours.hour). */
  hourFlows(): ReadonlyMap<number, number> {
    this.flushHour();
    return this.flowsByHour;
  }

  /** The windows per exporter, once every flow was added. */
  windows(): ExporterWindow[] {
    return [...this.spans].map(([exporter, span]) => {
      const from = receivedMs(span.minReceived);
      const to = receivedMs(span.maxReceived);
      const byReceived = from !== undefined && to !== undefined;
      return {
        exporter,
        fromMs: byReceived ? from : span.minFirstMs,
        toMs: byReceived ? to : span.maxFirstMs,
        byReceived,
        mailFlows: span.mailFlows,
      };
    });
  }

  /** Start times of the first and last mail flow; null when there were none. */
  flowRange(): { firstMs: number; lastMs: number } | null {
    let firstMs = Number.POSITIVE_INFINITY;
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const span of this.spans.values()) {
      firstMs = Math.min(firstMs, span.minFirstMs);
      lastMs = Math.max(lastMs, span.maxFirstMs);
    }
    return this.spans.size === 0 ? null : { firstMs, lastMs };
  }
}

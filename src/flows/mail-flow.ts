/** The TCP destination ports this capability keeps; every other flow is dropped at decode time. */
export const MAIL_PORTS = [25, 587, 465] as const;
export type MailPort = (typeof MAIL_PORTS)[number];

/**
 * One TCP flow to a mail port, as a decoder (NetFlow v5/v9, IPFIX, nfdump export) hands it to a
 * sink. Decoders reuse one object for every flow so that the hot path allocates nothing: a sink
 * copies what it keeps and never holds on to the object.
 */
export interface MailFlow {
  family: 4 | 6;
  /** IPv4 addresses as uint32; 0 when the flow is IPv6. */
  srcV4: number;
  dstV4: number;
  /** IPv6 addresses as bigint; 0n when the flow is IPv4. */
  srcV6: bigint;
  dstV6: bigint;
  dstPort: MailPort;
  /** Flow records this stands for: 1, times the exporter's sampling rate when sampled. */
  flows: number;
  /** Packets and bytes, already multiplied by the sampling rate. */
  packets: number;
  bytes: number;
  /** TCP flags ORed over the flow (0 when the exporter does not send them). */
  tcpFlags: number;
  /** First and last packet of the flow, Unix epoch milliseconds (UTC). */
  firstMs: number;
  lastMs: number;
}

/** 1990-01-01: flow times before it are a broken or hostile exporter's, not traffic. */
export const EARLIEST_FLOW_MS = Date.UTC(1990, 0, 1);
/** How far past its packet's export time a flow may end: exporters' clocks drift, not by days. */
export const FLOW_AHEAD_MS = 86_400_000;

/**
 * Whether both of the flow's times lie in [EARLIEST_FLOW_MS, exportMs + FLOW_AHEAD_MS]: a time
 * outside (2^64-1 ms, a 1970 clock) would land the flow in an hour the store refuses or in
 * nobody's analysis window. Decoders drop and count (badTimes) a flow that fails.
 */
export function flowTimesValid(flow: MailFlow, exportMs: number): boolean {
  const latest = exportMs + FLOW_AHEAD_MS;
  return (
    flow.firstMs >= EARLIEST_FLOW_MS &&
    flow.lastMs >= EARLIEST_FLOW_MS &&
    flow.firstMs <= latest &&
    flow.lastMs <= latest
  );
}

/** Where decoded mail flows go: the hourly aggregator in production, anything in tests. */
export interface FlowSink {
  add(flow: MailFlow): void;
}

/** A fresh, zeroed flow object for a decoder to fill and reuse. */
export function emptyMailFlow(): MailFlow {
  return {
    family: 4,
    srcV4: 0,
    dstV4: 0,
    srcV6: 0n,
    dstV6: 0n,
    dstPort: 25,
    flows: 0,
    packets: 0,
    bytes: 0,
    tcpFlags: 0,
    firstMs: 0,
    lastMs: 0,
  };
}

/**
 * Per source address, UTC hour and destination port: what the store keeps instead of raw flows.
 * `destinations` is exact (destination → flows) up to DESTINATIONS_CAP entries; past the cap
 * `destinationsTruncated` is set and `distinctDestinations` is an estimate.
 */
export interface HourlyAggregate {
  /** Canonical text form (formatAddress). */
  source: string;
  /** Start of the UTC hour, Unix epoch seconds. */
  hour: number;
  port: MailPort;
  flows: number;
  packets: number;
  bytes: number;
  /** Flows that look failed or scanning: SYN without ACK, or at most 3 packets. */
  shortFlows: number;
  /** Flows whose flags show SYN but never ACK. */
  synOnly: number;
  firstSeenMs: number;
  lastSeenMs: number;
  destinations: Map<string, number>;
  destinationsTruncated: boolean;
  distinctDestinations: number;
}

export const DESTINATIONS_CAP = 10_000;

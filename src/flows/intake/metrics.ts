import { Counter, Gauge, type Registry } from "prom-client";
import type { ExporterStats } from "../decode/decode.js";
import type { CollectorStats } from "./collector.js";

/** What the collector and its store writer have counted so far, as one scrape reads them. */
export interface CollectorReadings {
  readonly collector: CollectorStats;
  readonly aggregatesWritten: number;
  readonly aggregatesHeld: number;
  readonly aggregatesDropped: number;
}

/** Why a datagram, set or record was not counted, and the counter that says how many. */
const DROP_REASONS: readonly [reason: string, count: (s: ExporterStats) => number][] = [
  ["malformed", (s) => s.malformed],
  ["no_template", (s) => s.noTemplate],
  ["unsupported_version", (s) => s.unsupportedVersion],
  ["bad_times", (s) => s.badTimes],
  ["backlog", (s) => s.dropped],
];

/** Series per exporter: name (a counter when it ends in _total), help, value. */
const PER_EXPORTER: readonly [string, string, (s: ExporterStats) => number][] = [
  ["porteiro_flows_datagrams_total", "export datagrams received", (s) => s.packets],
  ["porteiro_flows_records_total", "flow data records decoded, mail or not", (s) => s.records],
  [
    "porteiro_flows_mail_flows_total",
    "decoded records that were TCP to 25, 587 or 465 and were aggregated",
    (s) => s.mailFlows,
  ],
  ["porteiro_flows_options_records_total", "options records decoded", (s) => s.optionsRecords],
  [
    "porteiro_flows_templates_refused_total",
    "template records refused past the collector's bounds on templates",
    (s) => s.templatesRefused,
  ],
  [
    "porteiro_flows_templates_evicted_total",
    "templates evicted to make room for another exporter's",
    (s) => s.templatesEvicted,
  ],
  ["porteiro_flows_templates", "templates held per exporter", (s) => s.templates],
  [
    "porteiro_flows_sampler_unknown_total",
    "mail flows naming a sampler whose options record had not arrived, counted at the domain's rate",
    (s) => s.samplerUnknown,
  ],
];

/** Series of the collector as a whole. */
const WHOLE: readonly [string, string, (r: CollectorReadings) => number][] = [
  [
    "porteiro_flows_decoder_restarts_total",
    "decoding threads started in place of one that died",
    (r) => r.collector.decoderRestarts,
  ],
  [
    "porteiro_flows_receive_buffer_bytes",
    "the UDP receive buffer the kernel granted",
    (r) => r.collector.receiveBufferBytes,
  ],
  [
    "porteiro_flows_aggregates_written_total",
    "hourly aggregates written to the store",
    (r) => r.aggregatesWritten,
  ],
  [
    "porteiro_flows_aggregates_held",
    "hourly aggregates held in memory because the store refused them, waiting for the next flush",
    (r) => r.aggregatesHeld,
  ],
  [
    "porteiro_flows_aggregates_dropped_total",
    "hourly aggregates dropped after the store refused them past the writer's backlog",
    (r) => r.aggregatesDropped,
  ],
];

type Put = (labels: Record<string, string>, value: number) => void;
type Fill = (readings: CollectorReadings, put: Put) => void;

/**
 * The flow collector's counters for Prometheus, per exporter (address:port; at most the
 * decoder's MAX_EXPORTERS of them, the rest under one overflow label), read from the collector
 * at each scrape. `read` answers undefined until the collector runs.
 */
export function registerCollectorMetrics(
  registry: Registry,
  read: () => CollectorReadings | undefined,
): void {
  /** A counter when the name ends in _total, else a gauge; its series are what `fill` puts now. */
  const define = (name: string, help: string, labelNames: readonly string[], fill: Fill) => {
    const fillNow = (put: Put) => {
      const readings = read();
      if (readings !== undefined) fill(readings, put);
    };
    const registers = [registry];
    if (name.endsWith("_total")) {
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fillNow((labels, value) => this.inc(labels, value));
        },
      });
    } else {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fillNow((labels, value) => this.set(labels, value));
        },
      });
    }
  };
  for (const [name, help, value] of PER_EXPORTER) {
    define(name, help, ["exporter"], (readings, put) => {
      for (const [exporter, stats] of readings.collector.exporters) put({ exporter }, value(stats));
    });
  }
  define(
    "porteiro_flows_dropped_total",
    "what was dropped undecoded, by reason: malformed datagrams or sets, data sets without their template, unsupported versions, mail flows with impossible times, and datagrams the decoder was too far behind to take (backlog)",
    ["exporter", "reason"],
    (readings, put) => {
      for (const [exporter, stats] of readings.collector.exporters) {
        for (const [reason, count] of DROP_REASONS) put({ exporter, reason }, count(stats));
      }
    },
  );
  for (const [name, help, value] of WHOLE)
    define(name, help, [], (readings, put) => put({}, value(readings)));
  define(
    "porteiro_flows_sampling_rate",
    'the rate (1 in N) of each sampler an exporter described in its options records; sampler is the selector or sampler id, or "domain" for a rate given to the whole observation domain',
    ["exporter", "domain", "sampler"],
    (readings, put) => {
      for (const [exporter, samplers] of readings.collector.samplers) {
        for (const s of samplers) {
          const sampler = s.sampler === null ? "domain" : String(s.sampler);
          put({ exporter, domain: String(s.domain), sampler }, s.rate);
        }
      }
    },
  );
}

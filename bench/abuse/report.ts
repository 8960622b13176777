/**
 * What bench/abuse prints: per attack, a block with the attacker's counters and the legitimate
 * clients' figures; at the end, one table over every attack; and what porteiro's log says.
 */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { table } from "../markdown-table.js";
import type { AttackKind, AttackReport } from "./attack.js";
import type { ProbeStats } from "./legit.js";
import { logText } from "./server.js";

/** The share of a legitimate client's attempts that may fail while it still counts as served. */
export const SERVED_FAILURE_SHARE = 0.05;

/** One legitimate client's figures for one phase. */
export interface LegitFigures {
  readonly name: string;
  readonly baseline: ProbeStats;
  readonly attack: ProbeStats;
  /** Exporters: no latency, ok/failed are flows counted/not counted. */
  readonly latency: boolean;
}

export interface AttackResult {
  readonly kind: AttackKind;
  readonly title: string;
  readonly attackDescription: string;
  readonly report: AttackReport | undefined;
  readonly legit: LegitFigures[];
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly cpuSeconds: number;
  /** "yes (0.1 s)", or what did not answer. */
  readonly alive: string;
  readonly aliveOk: boolean;
  readonly notes: string[];
}

const ms = (value: number) =>
  Number.isNaN(value) ? "—" : value >= 100 ? value.toFixed(0) : value.toFixed(1);
export const count = (n: number) => n.toLocaleString("en-US");

export function served(stats: ProbeStats): boolean {
  const attempts = stats.ok + stats.failed;
  return attempts > 0 && stats.failed <= attempts * SERVED_FAILURE_SHARE;
}

function reasons(stats: ProbeStats): string {
  return Object.entries(stats.reasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, n]) => `${reason} ×${n}`)
    .join("; ");
}

function ratio(result: LegitFigures): string {
  if (!result.latency) return "—";
  const value = result.attack.p99Ms / result.baseline.p99Ms;
  return Number.isFinite(value) ? `${value.toFixed(1)}×` : "—";
}

function volumeOf(result: AttackResult): string {
  const report = result.report;
  if (!report) return "—";
  return `${count(report.volume)} ${report.unit}`;
}

export function attackBlock(result: AttackResult): string {
  const counters = result.report
    ? Object.entries(result.report.counters)
        .map(([name, n]) => `${name} ${count(n)}`)
        .join(", ")
    : "no report";
  const rows = [
    ["legit client", "phase", "ok", "failed", "p50 ms", "p99 ms", "failures"],
    ...result.legit.flatMap((l) => [
      [
        l.name,
        "baseline",
        count(l.baseline.ok),
        count(l.baseline.failed),
        ms(l.baseline.p50Ms),
        ms(l.baseline.p99Ms),
        reasons(l.baseline),
      ],
      [
        l.name,
        "attack",
        count(l.attack.ok),
        count(l.attack.failed),
        ms(l.attack.p50Ms),
        ms(l.attack.p99Ms),
        reasons(l.attack),
      ],
    ]),
  ];
  return [
    "",
    `### ${result.title}`,
    "",
    `attack: ${result.attackDescription}`,
    `achieved: ${volumeOf(result)} in ${result.report?.seconds.toFixed(1) ?? "?"} s — ${counters}`,
    `porteiro: RSS ${result.rssBeforeMb.toFixed(0)} MB before, peak ${result.rssPeakMb.toFixed(0)} MB; ` +
      `CPU ${result.cpuSeconds.toFixed(1)} s during the attack; answering afterwards: ${result.alive}`,
    ...result.notes.map((note) => `note: ${note}`),
    "",
    table(rows),
    "",
  ].join("\n");
}

export function finalTable(results: AttackResult[]): string {
  const rows = [
    [
      "attack",
      "volume",
      "legit client",
      "baseline ok/failed",
      "baseline p99 ms",
      "attack ok/failed",
      "attack p50 ms",
      "attack p99 ms",
      "p99 ÷ baseline",
      "peak RSS MB",
      "alive after",
      "legit still served",
    ],
  ];
  for (const result of results) {
    for (const [i, l] of result.legit.entries()) {
      rows.push([
        i === 0 ? result.title : "",
        i === 0 ? volumeOf(result) : "",
        l.name,
        `${count(l.baseline.ok)}/${count(l.baseline.failed)}`,
        ms(l.baseline.p99Ms),
        `${count(l.attack.ok)}/${count(l.attack.failed)}`,
        ms(l.attack.p50Ms),
        ms(l.attack.p99Ms),
        ratio(l),
        i === 0 ? result.rssPeakMb.toFixed(0) : "",
        i === 0 ? (result.aliveOk ? "yes" : "NO") : "",
        served(l.attack) ? "pass" : "FAIL",
      ]);
    }
  }
  return table(rows);
}

export function machine(): string {
  const cpu = cpus();
  const uname = spawnSync("uname", ["-sr"], { encoding: "utf8" }).stdout.trim();
  return `${cpu.length} vCPUs (${cpu[0]?.model ?? "?"}), ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${uname}, Node ${process.version}`;
}

/** The collector's counters from the line porteiro logs when it stops. */
export function collectorTotals(logFile: string): string | undefined {
  const lines = logText(logFile)
    .split("\n")
    .filter((line) => line.includes('"flow collector stopped"') || line.includes('"flow collector stats"'));
  const last = lines.pop();
  if (!last) return undefined;
  try {
    const entry = JSON.parse(last) as Record<string, unknown>;
    const keys = [
      "packets",
      "records",
      "mailFlows",
      "templates",
      "templatesRefused",
      "noTemplate",
      "malformed",
      "dropped",
      "badTimes",
      "decoderRestarts",
      "aggregatesWritten",
      "aggregatesDropped",
    ];
    return keys
      .filter((k) => entry[k] !== undefined)
      .map((k) => `${k} ${count(Number(entry[k]))}`)
      .join(", ");
  } catch {
    return undefined;
  }
}

/** Error and fatal lines porteiro logged, counted by message. */
export function serverErrors(logFile: string): string[] {
  const counts = new Map<string, number>();
  for (const line of logText(logFile).split("\n")) {
    if (!line.startsWith("{")) {
      if (/Error|FATAL|heap/i.test(line))
        counts.set(line.slice(0, 160), (counts.get(line.slice(0, 160)) ?? 0) + 1);
      continue;
    }
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: unknown; url?: string };
      if ((entry.level ?? 0) >= 50) {
        const key = `${entry.msg ?? "?"}${entry.url ? ` (${entry.url})` : ""}${entry.err ? `: ${JSON.stringify(entry.err).slice(0, 120)}` : ""}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    } catch {
      // a partial line
    }
  }
  return [...counts].map(([message, n]) => `${message} ×${n}`);
}

/**
 * The report of `--sessions one-message`: each client sends one message per session (connect,
 * STARTTLS, AUTH PLAIN, MAIL/RCPT/DATA, QUIT), as mail programs do, so logins set the pace.
 */
import { table } from "../markdown-table.js";
import type { ServerRun } from "./index.js";

export interface OneMessageSetting {
  readonly machine: string;
  readonly clients: number;
  readonly size: number;
  readonly seconds: number;
  readonly postfix: string;
}

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "—" : value.toFixed(0);

/** The table (porteiro's runs against the last one, Postfix's) and the targets. */
export function oneMessageReport(
  setting: OneMessageSetting,
  runs: { name: string; run: ServerRun }[],
): string {
  const peer = runs[runs.length - 1]?.run as ServerRun;
  const rows = [
    [
      "",
      "sessions/s",
      "÷ Postfix",
      "session p50, ms",
      "session p99, ms",
      "DATA p99, ms",
      "errors",
      "server CPU s / 1,000",
    ],
    ...runs.map(({ name, run }) => [
      name,
      run.load.perSecond.toFixed(0),
      `${(run.load.perSecond / peer.load.perSecond).toFixed(2)}×`,
      ms(run.load.sessionP50Ms),
      ms(run.load.sessionP99Ms),
      ms(run.load.p99Ms),
      String(run.load.errors),
      run.load.accepted > 0 ? ((run.cpuSeconds / run.load.accepted) * 1000).toFixed(2) : "—",
    ]),
  ];
  const warm = runs[0]?.run as ServerRun;
  const rate = warm.load.perSecond / peer.load.perSecond;
  const p99 = (warm.load.sessionP99Ms ?? Number.NaN) / (peer.load.sessionP99Ms ?? Number.NaN);
  const verdict = (met: boolean) => (met ? "met" : "NOT met");
  return [
    "",
    `machine: ${setting.machine}`,
    `load: ${setting.clients} clients, one ${setting.size}-byte message per session (connect, STARTTLS, AUTH PLAIN, ` +
      `one message, QUIT), ${setting.seconds} s per server; all relaying to one smtp-sink`,
    "",
    table(rows),
    "",
    `target porteiro (login cache) ≥ 1.0× Postfix's sessions/s: ${rate.toFixed(2)}×: ${verdict(rate >= 1)}`,
    `target porteiro session p99 no worse than Postfix's: ${p99.toFixed(2)}×: ${verdict(p99 <= 1)}`,
    "",
  ].join("\n");
}

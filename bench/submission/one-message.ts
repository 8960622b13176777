/**
 * The report of `--sessions one-message`: each client sends one message per session (connect,
 * STARTTLS, AUTH PLAIN, MAIL/RCPT/DATA, QUIT), as mail programs do, so logins set the pace.
 */
import { table } from "../markdown-table.js";
import type { ServerRun } from "./index.js";
import type { ColdLoginResult } from "./load.js";

export interface OneMessageSetting {
  readonly machine: string;
  readonly clients: number;
  readonly size: number;
  readonly seconds: number;
  readonly postfix: string;
}

/** A server's run and the run its ratios are taken against. */
export interface OneMessageRow {
  readonly name: string;
  readonly run: ServerRun;
  readonly peer: ServerRun;
}

/** First logins: alone (as fast as they come), and arriving at a fixed rate beside the warm load. */
export interface ColdLogins {
  readonly hash: { readonly threads: number; readonly hashMs: number; readonly perSecond: number };
  readonly alone: ColdLoginResult;
  readonly beside: { readonly rate: number; readonly logins: ColdLoginResult; readonly load: ServerRun };
  /** The warm run with nothing beside it, for DATA's p99. */
  readonly warm: ServerRun;
}

const ms = (value: number | undefined) =>
  value === undefined || value === null || Number.isNaN(value) ? "—" : value.toFixed(0);
const verdict = (met: boolean) => (met ? "met" : "NOT met");

/** The table, each row against its peer, the cold-login figures and the targets. */
export function oneMessageReport(
  setting: OneMessageSetting,
  rows: readonly OneMessageRow[],
  targets: readonly { readonly label: string; readonly row: OneMessageRow }[],
  cold: ColdLogins,
): string {
  const lines = [
    [
      "",
      "sessions/s",
      "÷ its peer",
      "session p50, ms",
      "session p99, ms",
      "DATA p99, ms",
      "errors",
      "server CPU s / 1,000",
    ],
    ...rows.map(({ name, run, peer }) => [
      name,
      run.load.perSecond.toFixed(0),
      run === peer ? "peer" : `${(run.load.perSecond / peer.load.perSecond).toFixed(2)}×`,
      ms(run.load.sessionP50Ms),
      ms(run.load.sessionP99Ms),
      ms(run.load.p99Ms),
      String(run.load.errors),
      run.load.accepted > 0 ? ((run.cpuSeconds / run.load.accepted) * 1000).toFixed(2) : "—",
    ]),
  ];
  const targetLines = targets.flatMap(({ label, row }) => {
    const rate = row.run.load.perSecond / row.peer.load.perSecond;
    const p99 = (row.run.load.sessionP99Ms ?? Number.NaN) / (row.peer.load.sessionP99Ms ?? Number.NaN);
    return [
      `target ${label} ≥ 1.0× sessions/s: ${rate.toFixed(2)}×: ${verdict(rate >= 1)}`,
      `target ${label} session p99 no worse: ${p99.toFixed(2)}×: ${verdict(p99 <= 1)}`,
    ];
  });
  const { hash, alone, beside, warm } = cold;
  const coldShare = alone.perSecond / hash.perSecond;
  const dataP99 = beside.load.load.p99Ms / warm.load.p99Ms;
  return [
    "",
    `machine: ${setting.machine}`,
    `load: ${setting.clients} clients, one ${setting.size}-byte message per session (connect, STARTTLS, AUTH PLAIN, ` +
      `one message, QUIT), ${setting.seconds} s per server; all relaying to one smtp-sink`,
    "",
    table(lines),
    "",
    `first logins (accounts imported as {SSHA512}: each costs one scrypt, its upgrade), ${setting.clients} at once: ` +
      `${alone.perSecond.toFixed(1)}/s, p50 ${ms(alone.p50Ms)} ms, p99 ${ms(alone.p99Ms)} ms, ${alone.refused} refused; ` +
      `${hash.threads} hash threads alone: ${hash.perSecond.toFixed(1)}/s (${hash.hashMs.toFixed(1)} ms a hash, timed alone)`,
    `${beside.rate} first logins a second beside the warm load: ${beside.logins.loggedIn} logged in ` +
      `(${beside.logins.perSecond.toFixed(1)}/s, p99 ${ms(beside.logins.p99Ms)} ms), ${beside.logins.refused} refused ` +
      `${JSON.stringify(beside.logins.errorKinds)}, ${beside.logins.skipped} not started (too many in flight); ` +
      `the warm load: ${beside.load.load.perSecond.toFixed(0)} sessions/s, DATA p99 ${ms(beside.load.load.p99Ms)} ms ` +
      `(alone: ${ms(warm.load.p99Ms)} ms), session p99 ${ms(beside.load.load.sessionP99Ms)} ms`,
    "",
    ...targetLines,
    `target first logins limited by the hash alone: ${coldShare.toFixed(2)} of the threads' rate: ${verdict(coldShare >= 0.9)}`,
    `target DATA p99 unchanged beside ${beside.rate} first logins/s: ${dataP99.toFixed(2)}×: ${verdict(dataP99 <= 1.1)}`,
    "",
  ].join("\n");
}

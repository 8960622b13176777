/**
 * Sorts a direct-to-MX sender into bot-like, mail-client, server or low-evidence from its
 * features alone, each on its own evidence, with the reasons written for an operator: the
 * thresholds that matched and, where another class came close, what ruled it out.
 *
 * The rule (the README's "Classes and their thresholds" tells it the same way):
 * 1. server: all three server signals (fan-out, steady, sessions complete). Fan-out and long
 *    hours are a busy server's as much as a bot's; completed sessions are what a bot lacks.
 * 2. Few destinations (a mail program's fan-out): bot-like when the volume is beyond a mail
 *    program and the bot signals are enough (a mass mailer through a few hosts); else
 *    low-evidence on thin data; else mail-client — failed sessions around the clock with modest
 *    volume are a blocked mail program retrying its outbox, and a large volume without bot
 *    signals is several mail programs behind one address.
 * 3. More destinations than a mail program reaches, and not a server: bot-like when the bot
 *    signals are enough; low-evidence on thin data, or when its sessions complete but it was seen
 *    on too few days to show a server's steadiness; else bot-like (fan-out beyond a mail program
 *    without a server's pattern).
 */
import type { SenderFeatures } from "./features.js";
import {
  botSignals,
  mailClientSignals,
  matchedReasons,
  plural,
  type Signal,
  serverSignals,
  thinDataSignals,
} from "./sender-signals.js";
import type { Thresholds } from "./thresholds.js";

export { plural, shortFlowShare } from "./sender-signals.js";

/** In the order reports list them: the ones to act on first. */
export const SENDER_CLASSES = ["bot-like", "mail-client", "server", "low-evidence"] as const;
export type SenderClass = (typeof SENDER_CLASSES)[number];

export interface Classification {
  readonly class: SenderClass;
  readonly reasons: readonly string[];
}

const BOT_SIGNAL_NAMES = ["fan-out", "fan-out in one hour", "short or failed flows", "hours of the day"];

function botTally(bot: readonly Signal[], minSignals: number): string {
  const names = BOT_SIGNAL_NAMES.filter((_, i) => bot[i]?.matched);
  return `${names.length} of 4 bot signals${names.length > 0 ? ` (${names.join(", ")})` : ""}, bot-like from ${minSignals}`;
}

function notAServer(server: readonly Signal[]): string {
  return `not a server: ${server
    .filter((s) => !s.matched)
    .map((s) => s.reason)
    .join("; ")}`;
}

/** Every signal of every class, measured once. */
interface Evidence {
  readonly server: readonly Signal[];
  readonly bot: readonly Signal[];
  readonly botReasons: readonly string[];
  readonly enoughBot: boolean;
  readonly minBotSignals: number;
  readonly client: ReturnType<typeof mailClientSignals>;
  /** Why the data is too thin to judge; empty when it is not. */
  readonly thin: readonly string[];
  /** Sessions that complete, on too few days yet to show a server's steadiness. */
  readonly tooFewDaysForServer: string | undefined;
}

function measure(features: SenderFeatures, thresholds: Thresholds): Evidence {
  const { fanOut, steady, completes } = serverSignals(features, thresholds.server);
  const bot = botSignals(features, thresholds.bot_like);
  const botReasons = matchedReasons(bot);
  return {
    server: [fanOut, steady, completes],
    bot,
    botReasons,
    enoughBot: botReasons.length >= thresholds.bot_like.min_signals,
    minBotSignals: thresholds.bot_like.min_signals,
    client: mailClientSignals(features, thresholds.mail_client),
    thin: matchedReasons(thinDataSignals(features, thresholds.low_evidence)),
    tooFewDaysForServer:
      completes.matched && features.daysActive < thresholds.server.min_active_days
        ? `${steady.reason}, ${completes.reason}`
        : undefined,
  };
}

function server(e: Evidence): Classification {
  const closeCall = e.enoughBot
    ? [`${botTally(e.bot, e.minBotSignals)}: a busy server's too, and its sessions complete`]
    : [];
  return { class: "server", reasons: [...matchedReasons(e.server), ...closeCall] };
}

/** A mail program's fan-out: a mail client unless mass mailing or too little data. */
function fewDestinations(e: Evidence): Classification {
  const { fewDestinations, modestVolume, supporting } = e.client;
  if (!modestVolume.matched && e.enoughBot) {
    return {
      class: "bot-like",
      reasons: [
        ...e.botReasons,
        `not a mail client: ${modestVolume.reason}, though to ${fewDestinations.reason}`,
        notAServer(e.server),
      ],
    };
  }
  if (e.thin.length > 0) {
    return {
      class: "low-evidence",
      reasons: [...e.thin, `${fewDestinations.reason}: too little to tell a mail program from a quiet bot`],
    };
  }
  const tally = botTally(e.bot, e.minBotSignals);
  const closeCall = !modestVolume.matched
    ? [`${modestVolume.reason} but ${tally}: several mail programs behind one address`]
    : e.enoughBot
      ? [`${tally}, but modest volume to few hosts: a mail program retrying, not a bot`]
      : [];
  return {
    class: "mail-client",
    reasons: [fewDestinations.reason, ...matchedReasons([modestVolume, ...supporting]), ...closeCall],
  };
}

/** More hosts than a mail program reaches, and no server pattern. */
function beyondMailProgram(e: Evidence): Classification {
  const { fewDestinations } = e.client;
  if (e.enoughBot) {
    return {
      class: "bot-like",
      reasons: [...e.botReasons, `not a mail client: ${fewDestinations.reason}`, notAServer(e.server)],
    };
  }
  const beyond = `${fewDestinations.reason}: more hosts than a mail program reaches`;
  if (e.thin.length > 0 || e.tooFewDaysForServer) {
    const thin = e.thin.length > 0 || !e.tooFewDaysForServer ? e.thin : [e.tooFewDaysForServer];
    return { class: "low-evidence", reasons: [...thin, beyond, "too little to tell a bot from a server"] };
  }
  return {
    class: "bot-like",
    reasons: [
      beyond,
      notAServer(e.server),
      ...e.botReasons,
      `${plural(e.botReasons.length, "bot signal")} of 4 (enough alone from ${e.minBotSignals}): fan-out beyond a mail program without a server's pattern decides`,
    ],
  };
}

export function classifySender(features: SenderFeatures, thresholds: Thresholds): Classification {
  const evidence = measure(features, thresholds);
  if (evidence.server.every((s) => s.matched)) return server(evidence);
  return evidence.client.fewDestinations.matched ? fewDestinations(evidence) : beyondMailProgram(evidence);
}

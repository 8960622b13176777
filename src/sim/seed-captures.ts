/**
 * A honeypot sensor's year, replayed through the real listeners on loopback: open-proxy abuse
 * (HTTP CONNECT and SOCKS5 tunnels to port 25, spam through them) and relay tests, from machines
 * mostly abroad per the ip-location-db ranges, with a few spam campaigns that come and go. The
 * sensor is told each session's day and abuser (its replay hooks); everything else — dialogue,
 * capture, campaign fingerprints — is the sensor's own work.
 */
import { defaultHoneypotConfig, startSensor } from "../honeypot/index.js";
import type { Elsewhere } from "./elsewhere.js";
import { type Approach, abuse, type Spam } from "./honeypot-sessions.js";
import { dotted } from "./isp.js";
import { dayOf, dayStartMs, HISTORY_DAYS } from "./options.js";
import { Random } from "./random.js";
import { type SeedRun, yieldToEventLoop } from "./seed-run.js";

/** Where the abusing machines are: weight per country (BR is home). */
const ORIGINS: readonly (readonly [string, number])[] = [
  ["CN", 26],
  ["RU", 16],
  ["VN", 14],
  ["IN", 11],
  ["US", 9],
  ["ID", 6],
  ["UA", 5],
  ["TR", 4],
  ["BR", 9],
];
const ORIGIN_TOTAL = ORIGINS.reduce((n, [, w]) => n + w, 0);
/** Sessions a day at scale 1, outside campaigns. */
const SESSIONS_PER_DAY = 24;
/** Sessions at once: each gets its own loopback address, which the replay maps to its abuser. */
const PARALLEL = 8;
const DOMAINS = ["mail.example.com", "example.net", "example.org", "correio.example"];

/** Spam campaigns: when in the year (fractions), how many more sessions a day, what they send. */
const CAMPAIGNS = [
  {
    from: 0.08,
    until: 0.2,
    extra: 20,
    subject: "Seu pacote está retido: taxa de R$ #",
    url: "http://rastreio-correio.example/p/#",
  },
  {
    from: 0.35,
    until: 0.42,
    extra: 35,
    subject: "Ganhe R$ # por semana em casa",
    url: "http://renda-extra.example/c/#",
  },
  {
    from: 0.6,
    until: 0.75,
    extra: 15,
    subject: "Atualização cadastral obrigatória nº #",
    url: "http://banco-seguro.example/a/#",
  },
] as const;
const OTHER_SUBJECTS = ["Promoção relâmpago #", "Cheap meds #", "Your invoice #", "Re: pedido #"];

function origin(elsewhere: Elsewhere, random: Random): string {
  let draw = random.int(ORIGIN_TOTAL);
  for (const [code, weight] of ORIGINS) {
    draw -= weight;
    if (draw < 0) {
      const address = elsewhere.addressIn(code, random);
      if (address !== undefined) return dotted(address);
    }
  }
  return "203.0.113.77";
}

const numbered = (text: string, random: Random) => text.replace("#", String(random.between(10, 9999)));

function spamOf(day: number, source: string, approach: Approach, random: Random): Spam {
  const at = day / HISTORY_DAYS;
  const campaign = CAMPAIGNS.find((c) => at >= c.from && at < c.until && random.chance(0.7));
  if (approach === "smtp") {
    // A relay test: one message to the tester's own address, naming the relay's address.
    return {
      helo: `[${source}]`,
      from: `check@relay-checker.example`,
      recipients: [`found${random.int(50)}@relay-checker.example`],
      subject: `Relay test ${source}`,
      body: `relay test from ${source}`,
    };
  }
  const recipients = Array.from(
    { length: random.between(3, 20) },
    () => `user${random.int(100_000)}@${random.pick(DOMAINS)}`,
  );
  const subject = numbered(campaign?.subject ?? random.pick(OTHER_SUBJECTS), random);
  const url = numbered(campaign?.url ?? "http://ofertas.example/#", random);
  return {
    helo: `pc-${random.int(1000)}.example`,
    from: `promo${random.int(1000)}@ofertas-${random.int(50)}.example`,
    recipients,
    subject,
    body: `Clique aqui: ${url}\r\n`,
  };
}

function sessionsOn(day: number, scale: number, random: Random): number {
  const at = day / HISTORY_DAYS;
  const extra = CAMPAIGNS.filter((c) => at >= c.from && at < c.until).reduce((n, c) => n + c.extra, 0);
  return Math.max(1, Math.round(((SESSIONS_PER_DAY + extra) * scale * random.between(7, 13)) / 10));
}

/** Replays the days given (not yet done) through a sensor started for them, then marks them done. */
export async function seedCaptures(
  run: SeedRun,
  elsewhere: () => Promise<Elsewhere>,
  days: readonly number[],
): Promise<void> {
  const { options } = run.world;
  const due = days.filter((day) => !run.state.done(`captures:${dayOf(options, day)}`));
  if (due.length === 0) return;
  const abusers = await elsewhere();
  let clock = 0;
  const sources = new Map<string, string>();
  const config = {
    ...defaultHoneypotConfig(),
    name: "demo-sensor",
    country: "BR",
    http: { host: "127.0.0.1", port: 0 },
    socks: { host: "127.0.0.1", port: 0 },
    smtp: { host: "127.0.0.1", port: 0 },
  };
  const sensor = await startSensor({
    config,
    dataDir: run.context.dataDir,
    replay: { clock: () => clock, sourceOf: (address) => sources.get(address) },
  });
  const replayed: number[] = [];
  try {
    for (const [n, day] of due.entries()) {
      if (run.signal.aborted) break;
      run.progress(`honeypot captures ${dayOf(options, day)}`, n / due.length);
      const random = new Random(options.seed).fork("captures", day);
      const count = sessionsOn(day, options.scale, random);
      let next = 0;
      const lane = async (k: number) => {
        const local = `127.1.0.${k + 1}`;
        for (let i = next++; i < count; i = next++) {
          const approach: Approach = random.chance(0.45) ? "http" : random.chance(0.64) ? "socks5" : "smtp";
          const source = origin(abusers, random);
          sources.set(local, source);
          clock = dayStartMs(options, day) + random.int(86_400) * 1000;
          const endpoint = sensor.endpoints[approach === "socks5" ? "socks" : approach];
          if (!endpoint) return;
          await abuse(
            endpoint,
            local,
            approach,
            `mx${random.int(5)}.${random.pick(DOMAINS)}`,
            spamOf(day, source, approach, random),
          );
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, (_, k) => lane(k)));
      replayed.push(day);
      await yieldToEventLoop();
    }
  } finally {
    // Stopping writes every session captured; only then are their days done.
    await sensor.stop();
  }
  for (const day of replayed) run.state.markDone(`captures:${dayOf(options, day)}`);
}

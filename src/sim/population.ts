/**
 * Who the subscribers are and what each does over the year: most use webmail (no SMTP of their
 * own); a botnet sends spam straight to remote MXs until its region blocks port 25 and shrinks
 * as notification letters get machines cleaned; mail-client users on port 25 move to 587/465
 * as each region's campaign runs; business customers on static links run mail servers.
 */
import { FULL_SUBSCRIBERS, type SimIsp, type SimRegion } from "./isp.js";
import { HISTORY_DAYS, type SimOptions } from "./options.js";
import { Random } from "./random.js";

const BOT_SHARE = 0.0125;
/** Machines infected during the year, as a share of the others. */
const LATE_INFECTION_SHARE = 0.007;
const MAIL_CLIENT_SHARE = 0.017;
/** Mail-client users already on 587/465 when the history starts. */
const ALREADY_MOVED = 0.3;
const NEVER = Number.POSITIVE_INFINITY;
/** When the bots there at the start were infected (a day index before the history). */
const BEFORE_HISTORY = -60;

/** Per-day chances: a bot cleaned (letters after observe), a mail client moved (campaign, then blocking). */
const CLEANUP = { open: 1 / 365, notified: 1 / 120 };
const MOVE = { open: 0.0008, campaign: 0.03, blocked: 0.35 };
/** Mean days a bot keeps trying port 25 after its region blocks it; one infected later gives up sooner. */
const RETRY_DAYS = { wasSpamming: 10, infectedAfter: 3 };

export interface Bot {
  readonly kind: "bot";
  readonly index: number;
  readonly region: number;
  /** Day indexes: infected from, cleaned on (NEVER), and the last day of failed attempts after blocking. */
  readonly infectedFrom: number;
  readonly cleanedOn: number;
  readonly retriesUntil: number;
}

export interface MailClient {
  readonly kind: "mail-client";
  readonly index: number;
  readonly region: number;
  /** Day index from which the client submits on 587/465 (−1: before the history). */
  readonly movedOn: number;
  /** Sends through the ISP's relay on 25 (allowed) rather than another provider's server. */
  readonly viaRelay: boolean;
  readonly provider: number;
  readonly port: 587 | 465;
}

export type ActiveSubscriber = Bot | MailClient;

export interface Server {
  readonly region: number;
  readonly address: number;
}

export interface Population {
  readonly total: number;
  /** Per region: the first subscriber index and how many. */
  readonly regionRanges: readonly { readonly first: number; readonly count: number }[];
  /** Subscribers with SMTP behaviour, by subscriber index. */
  readonly active: readonly ActiveSubscriber[];
  readonly servers: readonly Server[];
}

export const login = (index: number) => `cliente${String(index).padStart(7, "0")}`;

/** The phase's effect on day `day` in a region: before observe, campaign, or blocked. */
export function stage(region: SimRegion, day: number): "open" | "observe" | "enforce" {
  if (day >= region.enforceIndex) return "enforce";
  return day >= region.observeIndex ? "observe" : "open";
}

function makeBot(
  index: number,
  regionIndex: number,
  region: SimRegion,
  infectedFrom: number,
  random: Random,
): Bot {
  let cleanedOn = NEVER;
  for (let day = Math.max(0, infectedFrom); day < HISTORY_DAYS; day++) {
    if (random.chance(stage(region, day) === "open" ? CLEANUP.open : CLEANUP.notified)) {
      cleanedOn = day;
      break;
    }
  }
  const blockedFrom = Math.max(region.enforceIndex, infectedFrom);
  const retryDays = infectedFrom >= region.enforceIndex ? RETRY_DAYS.infectedAfter : RETRY_DAYS.wasSpamming;
  const retriesUntil = blockedFrom + Math.round(random.exponential(retryDays));
  return { kind: "bot", index, region: regionIndex, infectedFrom, cleanedOn, retriesUntil };
}

function makeMailClient(index: number, regionIndex: number, region: SimRegion, random: Random): MailClient {
  const viaRelay = random.chance(0.3);
  let movedOn = random.chance(ALREADY_MOVED) ? -1 : NEVER;
  for (let day = 0; movedOn === NEVER && day < HISTORY_DAYS; day++) {
    const now = stage(region, day);
    const hazard = now === "open" ? MOVE.open : now === "observe" || viaRelay ? MOVE.campaign : MOVE.blocked;
    if (random.chance(hazard)) movedOn = day;
  }
  return {
    kind: "mail-client",
    index,
    region: regionIndex,
    movedOn,
    viaRelay,
    provider: random.int(3),
    port: random.chance(0.7) ? 587 : 465,
  };
}

export function buildPopulation(isp: SimIsp, options: SimOptions): Population {
  const random = new Random(options.seed).fork("population");
  const total = Math.round(FULL_SUBSCRIBERS * options.scale);
  const regionRanges: { first: number; count: number }[] = [];
  const active: ActiveSubscriber[] = [];
  const servers: Server[] = [];
  let first = 0;
  isp.regions.forEach((region, r) => {
    const count = r === isp.regions.length - 1 ? total - first : Math.round(total * region.share);
    regionRanges.push({ first, count });
    for (let index = first; index < first + count; index++) {
      const draw = random.next();
      if (draw < BOT_SHARE) active.push(makeBot(index, r, region, BEFORE_HISTORY, random));
      else if (draw < BOT_SHARE + MAIL_CLIENT_SHARE) active.push(makeMailClient(index, r, region, random));
      else if (draw < BOT_SHARE + MAIL_CLIENT_SHARE + LATE_INFECTION_SHARE)
        active.push(makeBot(index, r, region, random.int(HISTORY_DAYS), random));
    }
    const serverCount = Math.max(1, Math.round(8 * options.scale ** 0.5));
    for (let s = 0; s < serverCount; s++) servers.push({ region: r, address: region.staticBase + 10 + s });
    first += count;
  });
  return { total, regionRanges, active, servers };
}

/** Whether a bot sends spam that gets through on this day (infected, not yet blocked). */
export function spamsOn(bot: Bot, region: SimRegion, day: number): boolean {
  return day >= bot.infectedFrom && day < bot.cleanedOn && day < region.enforceIndex;
}

/** Whether a bot still tries port 25 on this day, blocked, after its region enforces. */
export function retriesOn(bot: Bot, region: SimRegion, day: number): boolean {
  return (
    day >= bot.infectedFrom && day < bot.cleanedOn && day >= region.enforceIndex && day <= bot.retriesUntil
  );
}

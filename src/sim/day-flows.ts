/**
 * The TCP flows to mail ports of one day. To keep a year of history to about a million stored
 * hourly aggregates, four hours of each day are simulated — two office hours and two others,
 * rotating so every hour of the day comes round within eight days — as if the exporter were
 * switched on for those hours only.
 */
import { parseIpv4 } from "../core/index.js";
import type { SimFlow } from "./ipfix-export.js";
import {
  delegatedPrefix,
  dualStack,
  IPV6_FLOW_SHARE,
  PROVIDERS_V6,
  RELAY_V6,
  remoteMxV6,
  SUBMISSION_HOST_V6,
  sourceV6,
} from "./ipv6.js";
import { RELAYS, type SimIsp, SUBMISSION_HOST } from "./isp.js";
import { dayStartMs, type SimOptions } from "./options.js";
import { type MailClient, type Population, retriesOn, spamsOn, stage } from "./population.js";
import { Random } from "./random.js";
import { addressAt, type Sessions } from "./sessions.js";

const HOUR_MS = 3_600_000;
/** 08:00–16:59 in Brasília (UTC−3), which is office hours in UTC too. */
const OFFICE_HOURS = [11, 12, 13, 14, 15, 16, 17, 18, 19];
const OTHER_HOURS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 21, 22, 23];

/** Other providers' submission servers that mail clients use (port 25 at first, then 587/465). */
const PROVIDERS = ["198.51.100.10", "198.51.100.20", "203.0.113.30"].map(parseIpv4);
const RELAY = parseIpv4(RELAYS[0]);
const PRIVATE_MX_BASE = parseIpv4("172.16.0.0");
const DOCUMENTATION_NETS = ["192.0.2.0", "198.51.100.0", "203.0.113.0"].map(parseIpv4);

const SYN = 0x02;
const RST_ACK = 0x14;
const COMPLETE = 0x1b; // FIN, SYN, PSH, ACK

/** The hours of day `day` that are simulated. */
export function sampledHours(day: number): number[] {
  const office = (k: number) => OFFICE_HOURS[(2 * day + k) % OFFICE_HOURS.length] as number;
  const other = (k: number) => OTHER_HOURS[(2 * day + k) % OTHER_HOURS.length] as number;
  return [other(0), other(1), office(0), office(1)].sort((a, b) => a - b);
}

/** A remote MX: mostly private space (a big fan-out), some in the documentation ranges. */
function remoteMx(random: Random): number {
  if (random.chance(0.3)) return ((DOCUMENTATION_NETS[random.int(3)] as number) + 1 + random.int(254)) >>> 0;
  return (PRIVATE_MX_BASE + random.int(1 << 20)) >>> 0;
}

class FlowBuilder {
  readonly flows: SimFlow[] = [];

  constructor(private readonly random: Random) {}

  add(
    src: number,
    dst: number,
    dstPort: number,
    hourMs: number,
    kind: "complete" | "short" | "syn",
    v6?: readonly [src: bigint, dst: bigint],
  ): void {
    const r = this.random;
    const firstMs = hourMs + r.int(HOUR_MS - 60_000);
    const packets = kind === "complete" ? r.between(8, 40) : kind === "short" ? 3 : r.between(1, 3);
    this.flows.push({
      src,
      dst,
      srcPort: r.between(32_768, 60_999),
      dstPort,
      packets,
      bytes: kind === "complete" ? packets * r.between(300, 1400) : packets * 60,
      flags: kind === "complete" ? COMPLETE : kind === "short" ? SYN | RST_ACK : SYN,
      firstMs,
      lastMs: firstMs + (kind === "complete" ? r.between(800, 20_000) : r.between(0, 3_000)),
      ...(v6 ? { src: 0, dst: 0, src6: v6[0], dst6: v6[1] } : {}),
    });
  }
}

function botHour(
  b: FlowBuilder,
  source: number,
  source6: bigint | undefined,
  hourMs: number,
  blocked: boolean,
  random: Random,
): void {
  if (!random.chance(blocked ? 0.3 : 0.4)) return;
  const count = random.between(3, 10);
  for (let i = 0; i < count; i++) {
    const kind = blocked ? "syn" : random.chance(0.65) ? (random.chance(0.5) ? "syn" : "short") : "complete";
    const v6 = overV6(source6, random);
    b.add(source, remoteMx(random), 25, hourMs, kind, pair(v6, remoteMxV6(random)));
  }
}

const pair = (source: bigint | undefined, destination: bigint) =>
  source === undefined ? undefined : ([source, destination] as const);

/** A dual-stack machine's IPv6 source for one flow, or undefined when the flow goes over IPv4. */
const overV6 = (source6: bigint | undefined, random: Random) =>
  source6 !== undefined && random.chance(IPV6_FLOW_SHARE) ? source6 : undefined;

function mailClientHour(
  b: FlowBuilder,
  client: MailClient,
  source: number,
  source6: bigint | undefined,
  hourMs: number,
  day: number,
  enforcing: boolean,
  random: Random,
): void {
  const count = random.between(1, 3);
  const moved = day >= client.movedOn;
  const provider = PROVIDERS[client.provider] as number;
  const provider6 = PROVIDERS_V6[client.provider] as bigint;
  for (let i = 0; i < count; i++) {
    const v6 = overV6(source6, random);
    if (moved) {
      const to = client.viaRelay ? SUBMISSION_HOST_V6 : provider6;
      b.add(
        source,
        client.viaRelay ? SUBMISSION_HOST : provider,
        client.port,
        hourMs,
        "complete",
        pair(v6, to),
      );
    } else if (client.viaRelay) b.add(source, RELAY, 25, hourMs, "complete", pair(v6, RELAY_V6));
    else b.add(source, provider, 25, hourMs, enforcing ? "syn" : "complete", pair(v6, provider6));
  }
}

/** Every simulated flow of day index `day`, deterministic for the seed and day. */
export function dayFlows(
  isp: SimIsp,
  population: Population,
  sessions: Sessions,
  options: SimOptions,
  day: number,
): SimFlow[] {
  const random = new Random(options.seed).fork("flows", day);
  const b = new FlowBuilder(random);
  const midnight = dayStartMs(options, day);
  // A machine online on IPv4 (a session) is online on IPv6 too when its line is dual-stack.
  const v6Of = (slot: number) => {
    const subscriber = population.active[slot];
    const region = subscriber && isp.regions[subscriber.region];
    return subscriber && region && dualStack(subscriber.index)
      ? sourceV6(delegatedPrefix(region, slot))
      : undefined;
  };
  for (const hour of sampledHours(day)) {
    const hourMs = midnight + hour * HOUR_MS;
    const office = OFFICE_HOURS.includes(hour);
    population.active.forEach((subscriber, slot) => {
      const region = isp.regions[subscriber.region];
      if (!region) return;
      if (subscriber.kind === "bot") {
        const spams = spamsOn(subscriber, region, day);
        if (!spams && !retriesOn(subscriber, region, day)) return;
        const source = addressAt(sessions, slot, hourMs);
        if (source !== 0) botHour(b, source, v6Of(slot), hourMs, !spams, random);
        return;
      }
      if (!random.chance(office ? 0.3 : 0.04)) return;
      const source = addressAt(sessions, slot, hourMs);
      if (source === 0) return;
      mailClientHour(
        b,
        subscriber,
        source,
        v6Of(slot),
        hourMs,
        day,
        stage(region, day) === "enforce",
        random,
      );
    });
    for (const server of population.servers) {
      const count = random.between(office ? 6 : 2, office ? 16 : 6);
      for (let i = 0; i < count; i++) {
        const mx = ((DOCUMENTATION_NETS[random.int(3)] as number) + 1 + random.int(254)) >>> 0;
        b.add(server.address, mx, 25, hourMs, random.chance(0.05) ? "short" : "complete");
      }
    }
  }
  return b.flows;
}

/**
 * The synthetic ISP: regions with their observe/enforce dates, the address plan (private-use and
 * documentation space only, since its flows travel over loopback), relays and exceptions.
 * Dates are set in months before or after the end day, so the story always ends "today" with
 * four regions enforcing, one observing and one still open.
 */
import { addDays, type Day, daysBetween, parseIpv4 } from "../core/index.js";
import { type SimOptions, startDay } from "./options.js";

export const ISP = { name: "Aurora Telecom (synthetic demo)", asn: 64505, domain: "aurora.example" } as const;

interface RegionSpec {
  readonly id: string;
  readonly name: string;
  /** Short city code for pool names. */
  readonly city: string;
  /** Months after the end day's month (negative: before) of the first day of observe / enforce. */
  readonly observeMonth: number;
  readonly enforceMonth: number;
  /** Share of the subscribers. */
  readonly share: number;
}

const REGION_SPECS: readonly RegionSpec[] = [
  { id: "sul", name: "Sul (Porto Alegre)", city: "poa", observeMonth: -11, enforceMonth: -9, share: 0.17 },
  {
    id: "sudeste",
    name: "Sudeste (São Paulo)",
    city: "sao",
    observeMonth: -9,
    enforceMonth: -7,
    share: 0.33,
  },
  {
    id: "centro-oeste",
    name: "Centro-Oeste (Goiânia)",
    city: "gyn",
    observeMonth: -7,
    enforceMonth: -5,
    share: 0.1,
  },
  { id: "nordeste", name: "Nordeste (Recife)", city: "rec", observeMonth: -5, enforceMonth: -3, share: 0.22 },
  { id: "norte", name: "Norte (Belém)", city: "bel", observeMonth: -2, enforceMonth: 1, share: 0.1 },
  { id: "amazonia", name: "Amazônia (Manaus)", city: "mao", observeMonth: 1, enforceMonth: 3, share: 0.08 },
];

/** Subscribers at scale 1. */
export const FULL_SUBSCRIBERS = 240_000;

export interface SimPool {
  readonly prefix: string;
  readonly kind: "dynamic" | "static" | "infrastructure";
  readonly region?: string;
  readonly name: string;
  /** IPv4 pools: first and last address as uint32. */
  readonly first?: number;
  readonly last?: number;
}

export interface SimRegion {
  readonly id: string;
  readonly name: string;
  readonly observeFrom: Day;
  readonly enforceFrom: Day;
  /** The same as day indexes of the history (may fall outside 0..364). */
  readonly observeIndex: number;
  readonly enforceIndex: number;
  readonly share: number;
  /** Its dynamic IPv4 pools (fixed line, then CGNAT for mobile). */
  readonly dynamicPools: readonly SimPool[];
  /** Its dynamic IPv6 pool, a /40 from which each subscriber is delegated a /56. */
  readonly dynamicV6: bigint;
  /** Its business customers' static /24, first address as uint32. */
  readonly staticBase: number;
}

export interface SimException {
  readonly prefix: string;
  readonly reason: string;
  readonly until?: Day;
}

export interface SimIsp {
  readonly regions: readonly SimRegion[];
  readonly pools: readonly SimPool[];
  readonly relays: readonly string[];
  readonly exceptions: readonly SimException[];
}

/** The ISP's own mail servers on port 25, and the submission service clients move to. */
export const RELAYS = ["10.255.0.25", "10.255.0.26", "2001:db8:ff00::25"] as const;
export const SUBMISSION_HOST = parseIpv4("10.255.0.30");

function firstOfMonth(day: Day, months: number): Day {
  const date = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10) as Day;
}

const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const dotted = (value: number) =>
  [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");

/** 2001:db8:N00::, the first address of region N's IPv6 /40 (N = 1 … 6). */
const v6Base = (n: number) => (0x2001_0db8n << 96n) | (BigInt(n * 0x100) << 80n);

function v4Pool(first: number, length: number, fields: Omit<SimPool, "prefix" | "first" | "last">): SimPool {
  const size = 2 ** (32 - length);
  return { ...fields, prefix: `${dotted(first)}/${length}`, first, last: first + size - 1 };
}

function regionOf(spec: RegionSpec, index: number, options: SimOptions): SimRegion {
  const start = startDay(options);
  const observeFrom = firstOfMonth(options.endDay, spec.observeMonth);
  const enforceFrom = firstOfMonth(options.endDay, spec.enforceMonth);
  // Fixed-line /17s (32,768 addresses each) with room to spare, plus a CGNAT /18 for mobile.
  const blocks = Math.max(1, Math.round((spec.share * FULL_SUBSCRIBERS) / 26_000));
  const dynamicPools: SimPool[] = [];
  for (let k = 0; k < blocks; k++) {
    const first = ip(10, 16 * index + (k >> 1), (k & 1) * 128, 0);
    dynamicPools.push(
      v4Pool(first, 17, { kind: "dynamic", region: spec.id, name: `bng-${spec.city}-${k + 1}` }),
    );
  }
  dynamicPools.push(
    v4Pool(ip(100, 64 + index, 0, 0), 18, { kind: "dynamic", region: spec.id, name: `cgnat-${spec.city}` }),
  );
  return {
    id: spec.id,
    name: spec.name,
    observeFrom,
    enforceFrom,
    observeIndex: daysBetween(start, observeFrom),
    enforceIndex: daysBetween(start, enforceFrom),
    share: spec.share,
    dynamicPools,
    staticBase: ip(10, 16 * index + 15, 0, 0),
    dynamicV6: v6Base(index + 1),
  };
}

export function buildIsp(options: SimOptions): SimIsp {
  const regions = REGION_SPECS.map((spec, index) => regionOf(spec, index, options));
  const pools: SimPool[] = [];
  regions.forEach((region, index) => {
    const city = REGION_SPECS[index]?.city as string;
    pools.push(...region.dynamicPools);
    pools.push({
      prefix: `2001:db8:${index + 1}00::/40`,
      kind: "dynamic",
      region: region.id,
      name: `ipv6-${city}`,
    });
    pools.push(
      v4Pool(region.staticBase, 24, { kind: "static", region: region.id, name: `empresas-${city}` }),
    );
  });
  pools.push(v4Pool(ip(10, 255, 0, 0), 24, { kind: "infrastructure", region: "sudeste", name: "core-sao" }));
  pools.push({
    prefix: "2001:db8:ff00::/40",
    kind: "infrastructure",
    region: "sudeste",
    name: "core-sao-v6",
  });
  const end = options.endDay;
  const exceptions: SimException[] = [
    {
      prefix: "10.0.3.77/32",
      reason: "customer cliente0003077 runs a mail server; moving to a business plan",
      until: addDays(end, 92),
    },
    {
      prefix: "10.16.64.0/29",
      reason: "municipal school lab: mail server until the fibre link is installed",
      until: addDays(end, 30),
    },
    {
      prefix: "10.48.9.200/32",
      reason: "clinic's appointment mailer, replaced by the submission service",
      until: addDays(end, -40),
    },
  ];
  return { regions, pools, relays: [...RELAYS], exceptions };
}

export { dotted };

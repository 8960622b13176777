/**
 * A deterministic generator of a large, realistic address plan for the policy benchmark: a
 * national ISP with N pools across Brazil's 27 states.
 *
 * - IPv4 dynamic pools /16–/24, with static and infrastructure pools /24–/30 nested inside them
 *   (the most specific pool decides), plus a few top-level static/infrastructure blocks.
 * - IPv6 dynamic pools /38–/48 with static (and some infrastructure) pools /48–/56 nested inside.
 *   All IPv6 space lies under the documentation prefix 2001:db8::/32, which cannot hold a /32 pool
 *   beside others, so the widest dynamic pool here is a /38.
 * - A few thousand exceptions (/32 and /128) inside dynamic space, some already expired.
 * - Relays inside infrastructure pools.
 * - Regions whose observe/enforce dates put about half of them in enforce on BENCH_DATE.
 *
 * IPv4: the documentation ranges hold 768 addresses, far too few for 200,000 pools, so the
 * generated plan uses ordinary IPv4 space from 128.0.0.0 upwards (where Brazil's ISPs sit too:
 * 177/8, 179/8, 186/8, 189/8, 200/8...). That is harmless: the file is only parsed and turned
 * into rules, and the benchmark sends no traffic at all. Starting above 2^31 matters for the
 * measurement: such addresses are not small integers in V8, as real ones mostly are not.
 *
 * Output (in `dir`): plan.yaml (regions, relays, exceptions, `pools_csv: pools.csv`), pools.csv
 * (`prefix,kind,region,name`, in shuffled order) and peer.json (the same regions and exceptions
 * for the Python peer, which reads pools.csv itself).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addDays, type Day, formatPrefix, type Prefix } from "../../src/core/index.js";

/** The day the benchmark renders the policy for. */
export const BENCH_DATE = "2026-12-01" as Day;

export interface GenerateOptions {
  /** Total number of pools (CSV lines). */
  readonly pools: number;
  readonly seed: number;
  readonly dir: string;
}

export interface GeneratedPlan {
  readonly dir: string;
  readonly planFile: string;
  readonly csvFile: string;
  readonly peerFile: string;
  readonly date: Day;
  readonly counts: Record<string, number>;
}

/** Brazil's states with a rough share of subscribers (a weight, not a percentage). */
const STATES: readonly [id: string, name: string, weight: number][] = [
  ["sp", "São Paulo", 22],
  ["mg", "Minas Gerais", 10],
  ["rj", "Rio de Janeiro", 8],
  ["ba", "Bahia", 7],
  ["pr", "Paraná", 5.5],
  ["rs", "Rio Grande do Sul", 5.4],
  ["pe", "Pernambuco", 4.6],
  ["ce", "Ceará", 4.4],
  ["pa", "Pará", 4.1],
  ["sc", "Santa Catarina", 3.6],
  ["go", "Goiás", 3.4],
  ["ma", "Maranhão", 3.4],
  ["am", "Amazonas", 2],
  ["es", "Espírito Santo", 2],
  ["pb", "Paraíba", 1.9],
  ["rn", "Rio Grande do Norte", 1.7],
  ["mt", "Mato Grosso", 1.7],
  ["al", "Alagoas", 1.6],
  ["pi", "Piauí", 1.6],
  ["df", "Distrito Federal", 1.4],
  ["ms", "Mato Grosso do Sul", 1.3],
  ["se", "Sergipe", 1.1],
  ["ro", "Rondônia", 0.9],
  ["to", "Tocantins", 0.7],
  ["ac", "Acre", 0.4],
  ["ap", "Amapá", 0.4],
  ["rr", "Roraima", 0.3],
];

/** mulberry32: small, fast and good enough to shape test data. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  /** Integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return (choices[choices.length - 1] as readonly [T, number])[0];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

type Kind = "dynamic" | "static" | "infrastructure";

interface GenPool {
  readonly prefix: Prefix;
  readonly kind: Kind;
  readonly region: string | undefined;
  readonly name: string;
}

/**
 * Geometry of one family, in bigint so one code path serves both. Children are placed in
 * "slots" (a /24 or a /48) of their dynamic parent; a slot is split into four quarters, and a
 * child either takes a whole slot, a half, or sits in one free quarter.
 */
interface Family {
  readonly family: 4 | 6;
  readonly bits: number;
  readonly slotLength: number;
  readonly maxChild: number;
  readonly childKinds: readonly (readonly [Kind, number])[];
}

const V4: Family = {
  family: 4,
  bits: 32,
  slotLength: 24,
  maxChild: 30,
  childKinds: [
    ["static", 3],
    ["infrastructure", 1],
  ],
};
const V6: Family = {
  family: 6,
  bits: 128,
  slotLength: 48,
  maxChild: 56,
  childKinds: [
    ["static", 9],
    ["infrastructure", 1],
  ],
};

interface Parent {
  readonly family: Family;
  readonly start: bigint;
  readonly length: number;
  readonly region: string;
  /** Slot index → bitmask of used quarters (15 = whole slot used). */
  readonly used: Map<number, number>;
}

const slotsOf = (p: Parent): number => 2 ** Math.max(0, p.family.slotLength - p.length);

function slotLengthOf(p: Parent): number {
  return Math.max(p.length, p.family.slotLength);
}

function blockSize(family: Family, length: number): bigint {
  return 1n << BigInt(family.bits - length);
}

function prefixOf(family: Family, start: bigint, length: number): Prefix {
  return family.family === 4 ? { family: 4, start: Number(start), length } : { family: 6, start, length };
}

/**
 * Places one child in a random free spot of the parent; undefined when the spot drawn is taken
 * (the caller draws again, usually from another parent).
 */
function placeChild(random: Random, p: Parent): { start: bigint; length: number } | undefined {
  const slotLength = slotLengthOf(p);
  const slot = random.int(0, slotsOf(p) - 1);
  const slotStart = p.start + BigInt(slot) * blockSize(p.family, slotLength);
  const mask = p.used.get(slot) ?? 0;
  const quarterLength = slotLength + 2;
  const r = random.next();
  if (r < 0.15 && mask === 0) {
    // A whole slot, or half of it when the slot is the parent itself.
    const length = slotLength === p.length ? slotLength + 1 : slotLength;
    if (length === slotLength) {
      p.used.set(slot, 15);
      return { start: slotStart, length };
    }
    const half = random.int(0, 1);
    p.used.set(slot, half === 0 ? 3 : 12);
    return { start: slotStart + BigInt(half) * blockSize(p.family, length), length };
  }
  const quarter = random.int(0, 3);
  if (mask & (1 << quarter)) return undefined;
  p.used.set(slot, mask | (1 << quarter));
  const length = random.weighted<number>(
    Array.from(
      { length: p.family.maxChild - quarterLength + 1 },
      (_, i) => [quarterLength + i, 1 + i] as const,
    ),
  );
  const quarterStart = slotStart + BigInt(quarter) * blockSize(p.family, quarterLength);
  const offsets = 2 ** (length - quarterLength);
  return { start: quarterStart + BigInt(random.int(0, offsets - 1)) * blockSize(p.family, length), length };
}

/** A random address in a free quarter of a parent (dynamic space no child covers), or undefined. */
function freeAddress(random: Random, p: Parent): bigint | undefined {
  const slotLength = slotLengthOf(p);
  const slot = random.int(0, slotsOf(p) - 1);
  const quarter = random.int(0, 3);
  if ((p.used.get(slot) ?? 0) & (1 << quarter)) return undefined;
  const quarterLength = slotLength + 2;
  const quarterStart =
    p.start +
    BigInt(slot) * blockSize(p.family, slotLength) +
    BigInt(quarter) * blockSize(p.family, quarterLength);
  const size = blockSize(p.family, quarterLength);
  // Random offset below 2^53 is plenty for both families.
  const span = size > 1n << 40n ? 1n << 40n : size;
  return quarterStart + BigInt(Math.floor(random.next() * Number(span)));
}

/** Lays blocks of the given lengths one after another from `base`, aligned, with random gaps. */
function allocate(
  random: Random,
  family: Family,
  base: bigint,
  limit: bigint,
  lengths: number[],
  gapChance: number,
): bigint[] {
  const starts: bigint[] = [];
  let cursor = base;
  for (const length of lengths) {
    const size = blockSize(family, length);
    cursor = ((cursor + size - 1n) / size) * size;
    if (random.next() < gapChance) cursor += size * BigInt(random.int(1, 3));
    if (cursor + size > limit)
      throw new Error(`generated IPv${family.family} space ran out; use fewer pools`);
    starts.push(cursor);
    cursor += size;
  }
  return starts;
}

/** Shares `count` out over the states by weight (largest remainder), so sums are exact. */
function byWeight(count: number): Map<string, number> {
  const total = STATES.reduce((sum, [, , w]) => sum + w, 0);
  const shares = STATES.map(([id, , w]) => {
    const exact = (count * w) / total;
    return { id, n: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = count - shares.reduce((sum, s) => sum + s.n, 0);
  for (const s of [...shares].sort((a, b) => b.rest - a.rest)) {
    if (left-- <= 0) break;
    s.n++;
  }
  return new Map(shares.map((s) => [s.id, s.n]));
}

function yamlText(text: string): string {
  return JSON.stringify(text);
}

export function generatePlan(options: GenerateOptions): GeneratedPlan {
  const { pools: total, seed, dir } = options;
  if (!Number.isInteger(total) || total < 1000)
    throw new Error("--pools must be an integer of at least 1000");
  const random = new Random(seed);
  const date = BENCH_DATE;

  // Regions: shuffled, then 14 enforce on the date, 8 observe, 5 are still open.
  const order = random.shuffle(STATES.map(([id, name]) => ({ id, name })));
  const regions = order.map((state, i): { id: string; name: string; observeFrom?: Day; enforceFrom: Day } => {
    if (i < 14) {
      const enforceFrom = addDays(date, -random.int(0, 270));
      return { ...state, observeFrom: addDays(enforceFrom, -random.int(30, 120)), enforceFrom };
    }
    if (i < 22) {
      return {
        ...state,
        observeFrom: addDays(date, -random.int(0, 90)),
        enforceFrom: addDays(date, random.int(1, 180)),
      };
    }
    const enforceFrom = addDays(date, random.int(120, 400));
    return i % 2 === 0
      ? { ...state, observeFrom: addDays(enforceFrom, -random.int(30, 90)), enforceFrom }
      : { ...state, enforceFrom };
  });

  const topLevel = Math.round(total * 0.01);
  const v4Dynamic = Math.round(total * 0.1);
  const v6Dynamic = Math.round(total * 0.03);
  const v6Nested = Math.round(total * 0.22);
  const v4Nested = total - topLevel - v4Dynamic - v6Dynamic - v6Nested;
  const out: GenPool[] = [];
  const parents4: Parent[] = [];
  const parents6: Parent[] = [];

  // IPv4 dynamic pools, from 128.0.0.0 on (see the note at the top of the file).
  const v4Lengths: number[] = [];
  const v4Regions: string[] = [];
  for (const [region, n] of byWeight(v4Dynamic)) {
    for (let i = 0; i < n; i++) {
      v4Regions.push(region);
      v4Lengths.push(
        random.weighted<number>([
          [16, 3],
          [17, 4],
          [18, 8],
          [19, 10],
          [20, 15],
          [21, 15],
          [22, 15],
          [23, 15],
          [24, 15],
        ]),
      );
    }
  }
  // Interleave the regions through the address space, as real allocations grow over time.
  const v4Order = random.shuffle(v4Lengths.map((_, i) => i));
  const v4Starts = allocate(
    random,
    V4,
    0x80000000n,
    0xe0000000n,
    v4Order.map((i) => v4Lengths[i] as number),
    0.1,
  );
  v4Order.forEach((i, k) => {
    const region = v4Regions[i] as string;
    const parent: Parent = {
      family: V4,
      start: v4Starts[k] as bigint,
      length: v4Lengths[i] as number,
      region,
      used: new Map(),
    };
    parents4.push(parent);
    out.push({
      prefix: prefixOf(V4, parent.start, parent.length),
      kind: "dynamic",
      region,
      name: `${region}-dyn4-${parents4.length}`,
    });
  });

  // A few top-level static and infrastructure blocks (data centres, business parks) after them.
  // allocate() hands out ascending starts, so the last one is the highest.
  const lastV4 = (v4Starts[v4Starts.length - 1] ?? 0x80000000n) + (1n << 16n);
  const topLengths = Array.from({ length: topLevel }, () => random.int(22, 28));
  allocate(random, V4, lastV4, 0xe0000000n, topLengths, 0.2).forEach((start, i) => {
    const kind = random.next() < 0.5 ? "static" : "infrastructure";
    const region = random.next() < 0.7 ? random.pick(STATES)[0] : undefined;
    out.push({
      prefix: prefixOf(V4, start, topLengths[i] as number),
      kind,
      region,
      name: `${kind === "static" ? "biz" : "core"}4-${i + 1}`,
    });
  });

  // IPv6 dynamic pools under 2001:db8::/32, widest first so alignment wastes nothing.
  const v6Base = 0x20010db8n << 96n;
  const v6Limit = v6Base + (1n << 96n);
  const v6Lengths = Array.from({ length: v6Dynamic }, () =>
    random.weighted<number>([
      [38, 0.1],
      [40, 1],
      [44, 5],
      [46, 10],
      [47, 20],
      [48, 63.9],
    ]),
  );
  // Narrow the pools until they fit the /32 with room to spare (only matters for huge N).
  const fits = () => v6Lengths.reduce((sum, l) => sum + 2 ** (48 - l), 0) <= 0.8 * 65536;
  if (v6Dynamic > 0.8 * 65536) throw new Error("too many IPv6 pools for 2001:db8::/32; use fewer pools");
  while (!fits())
    for (let i = 0; i < v6Lengths.length; i++) v6Lengths[i] = Math.min(48, (v6Lengths[i] as number) + 1);
  v6Lengths.sort((a, b) => a - b);
  const v6Regions = [...byWeight(v6Dynamic)].flatMap(([region, n]) => Array<string>(n).fill(region));
  random.shuffle(v6Regions);
  allocate(random, V6, v6Base, v6Limit, v6Lengths, 0).forEach((start, i) => {
    const region = v6Regions[i] as string;
    const parent: Parent = { family: V6, start, length: v6Lengths[i] as number, region, used: new Map() };
    parents6.push(parent);
    out.push({
      prefix: prefixOf(V6, start, parent.length),
      kind: "dynamic",
      region,
      name: `${region}-dyn6-${parents6.length}`,
    });
  });

  // Nested static and infrastructure pools; a parent gets children in proportion to its slots.
  const infra: { family: Family; start: bigint; length: number }[] = [];
  const nest = (family: Family, parents: Parent[], count: number) => {
    const slotTotal = parents.reduce((sum, p) => sum + slotsOf(p), 0);
    if (count > slotTotal * 2) throw new Error(`too many nested IPv${family.family} pools for the space`);
    // Cumulative slot counts let a draw favour big parents without being all in them.
    const cumulative: number[] = [];
    let running = 0;
    for (const p of parents) {
      running += Math.sqrt(slotsOf(p));
      cumulative.push(running);
    }
    const drawParent = (): Parent => {
      const r = random.next() * running;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((cumulative[mid] as number) <= r) low = mid + 1;
        else high = mid;
      }
      return parents[low] as Parent;
    };
    let placed = 0;
    let misses = 0;
    while (placed < count) {
      const parent = drawParent();
      const child = placeChild(random, parent);
      if (!child) {
        if (++misses > count * 50) throw new Error(`cannot place ${count} nested IPv${family.family} pools`);
        continue;
      }
      placed++;
      const kind = random.weighted(family.childKinds);
      if (kind === "infrastructure") infra.push({ family, ...child });
      out.push({
        prefix: prefixOf(family, child.start, child.length),
        kind,
        region: parent.region,
        name: `${parent.region}-${kind === "static" ? "biz" : "infra"}${family.family}-${placed}`,
      });
    }
  };
  nest(V4, parents4, v4Nested);
  nest(V6, parents6, v6Nested);

  // Relays: one address in each of a few dozen infrastructure pools.
  const relays: string[] = [];
  const relayPools = random.shuffle([...infra]);
  const wanted4 = 40;
  const wanted6 = 14;
  let got4 = 0;
  let got6 = 0;
  for (const pool of relayPools) {
    if (pool.family === V4 && got4 < wanted4) {
      relays.push(formatPrefix(prefixOf(V4, pool.start + 1n, 32)).replace(/\/32$/, ""));
      got4++;
    } else if (pool.family === V6 && got6 < wanted6) {
      relays.push(formatPrefix(prefixOf(V6, pool.start + 0x25n, 128)).replace(/\/128$/, ""));
      got6++;
    }
    if (got4 >= wanted4 && got6 >= wanted6) break;
  }

  // Exceptions: hosts in dynamic space no nested pool covers; a quarter already expired.
  const exceptionCount = Math.max(50, Math.round(total / 100));
  const exceptions: { prefix: string; reason: string; until?: Day }[] = [];
  const taken = new Set<string>();
  while (exceptions.length < exceptionCount) {
    const v4 = random.next() < 0.7;
    const parent = random.pick(v4 ? parents4 : parents6);
    const address = freeAddress(random, parent);
    if (address === undefined) continue;
    const prefix = formatPrefix(v4 ? prefixOf(V4, address, 32) : prefixOf(V6, address, 128));
    if (taken.has(prefix)) continue;
    taken.add(prefix);
    const r = random.next();
    const until =
      r < 0.25
        ? addDays(date, -random.int(1, 365))
        : r < 0.75
          ? addDays(date, random.int(0, 730))
          : undefined;
    exceptions.push({
      prefix,
      reason: `customer ${100000 + exceptions.length} runs a mail server (ticket ${random.int(1, 999999)})`,
      ...(until && { until }),
    });
  }

  mkdirSync(dir, { recursive: true });
  const csvFile = join(dir, "pools.csv");
  const planFile = join(dir, "plan.yaml");
  const peerFile = join(dir, "peer.json");
  random.shuffle(out);
  const csv = ["prefix,kind,region,name"];
  for (const pool of out)
    csv.push(`${formatPrefix(pool.prefix)},${pool.kind},${pool.region ?? ""},${pool.name}`);
  writeFileSync(csvFile, `${csv.join("\n")}\n`);

  const yaml = [
    `# Generated by bench/policy/generate.ts (pools=${total}, seed=${seed}); do not edit.`,
    "# IPv4 pools use ordinary address space: the benchmark only renders rules and sends no traffic.",
    `isp: { name: "Benchmark Telecom (${total} pools)", asn: 64496 }`,
    "action: reject",
    `relays: [${relays.join(", ")}]`,
    "allow_relays_on_25: true",
    "regions:",
    ...regions.map(
      (r) =>
        `  - { id: ${r.id}, name: ${yamlText(r.name)}, ${r.observeFrom ? `observe_from: ${r.observeFrom}, ` : ""}enforce_from: ${r.enforceFrom} }`,
    ),
    "pools_csv: pools.csv",
    "exceptions:",
    ...exceptions.map(
      (e) =>
        `  - { prefix: ${e.prefix}, reason: ${yamlText(e.reason)}${e.until ? `, until: ${e.until}` : ""} }`,
    ),
    "",
  ];
  writeFileSync(planFile, yaml.join("\n"));

  const peer = {
    date,
    csv: "pools.csv",
    regions: regions.map((r) => ({
      id: r.id,
      observe_from: r.observeFrom ?? null,
      enforce_from: r.enforceFrom,
    })),
    relays,
    exceptions: exceptions.map((e) => ({ prefix: e.prefix, until: e.until ?? null })),
  };
  writeFileSync(peerFile, `${JSON.stringify(peer, null, 1)}\n`);

  return {
    dir,
    planFile,
    csvFile,
    peerFile,
    date,
    counts: {
      pools: out.length,
      v4Dynamic,
      v4Nested,
      v6Dynamic,
      v6Nested,
      topLevel,
      exceptions: exceptions.length,
      relays: relays.length,
      enforcing: regions.filter((r) => r.enforceFrom <= date).length,
    },
  };
}

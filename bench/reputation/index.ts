/**
 * bench/reputation: listed addresses per AS and per country for a synthetic 10-million-entry zone
 * against the full @ip-location-db/asn table, three ways side by side:
 *   (a) porteiro: importListing (rbldnsd ip4tset) into a store, then the per-AS and per-country
 *       sweep over the embedded NetworkMap;
 *   (b) DNS, as existing DNSBL tools do it: one query per address to rbldnsd on loopback serving
 *       the same zone, for every address of a sample of networks, extrapolated per address;
 *   (c) a straightforward Python ipaddress + bisect script (peer.py).
 * Results are checked equal: Python's against porteiro's for every AS and country, DNS's against
 * porteiro's for every sampled network.
 *
 *   npm run bench -- reputation [--entries 10000000] [--seed 25] [--sample 16384] [--runs 5]
 *                               [--in-flight 64] [--skip-python]
 *
 * The zone is generated once into the temp folder (from the table file on disk only). Progress
 * goes to stderr, the table to stdout.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  countListed,
  type Grouping,
  importListing,
  loadNetworkMap,
  type NetworkMap,
  networkGrouping,
  readSnapshot,
} from "../../src/reputation/index.js";
import { openStore } from "../../src/store/index.js";
import { queryWithDig, queryWithResolver, startRbldnsd } from "./dns.js";
import { generateZone } from "./generate.js";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const TABLE_NUM = require.resolve("@ip-location-db/asn/asn-ipv4-num.csv");
const TABLE_TEXT = require.resolve("@ip-location-db/asn/asn-ipv4.csv");
const COUNTRY_TEXT = require.resolve("@ip-location-db/asn-country/asn-country-ipv4.csv");

function log(message: string): void {
  process.stderr.write(`[bench reputation] ${message}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

function byKey(grouping: Grouping, listed: Float64Array): Map<string, number> {
  const out = new Map<string, number>();
  grouping.keys.forEach((key, group) => {
    if ((listed[group] as number) > 0) out.set(key, listed[group] as number);
  });
  return out;
}

/** Differences between two count maps, as readable lines (at most 5). */
function differences(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if ((a.get(key) ?? 0) !== (b.get(key) ?? 0)) out.push(`${key}: ${a.get(key) ?? 0} vs ${b.get(key) ?? 0}`);
  }
  return out;
}

/** Known-AS runs of at most `maxSize` addresses, picked at random until `target` addresses. */
function sampleNetworks(map: NetworkMap, target: number, seed: number, maxSize = 256): [number, number][] {
  const candidates: number[] = [];
  for (let run = 0; run < map.ranges4; run++) {
    if (map.v4Asn[run] !== 0 && map.runSize4(run) <= maxSize) candidates.push(run);
  }
  let state = seed;
  const pick = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % candidates.length;
  };
  const chosen = new Set<number>();
  let total = 0;
  while (total < target && chosen.size < candidates.length) {
    const run = candidates[pick()] as number;
    if (chosen.has(run)) continue;
    chosen.add(run);
    total += map.runSize4(run);
  }
  return [...chosen]
    .sort((a, b) => a - b)
    .map((run) => [map.v4Starts[run] as number, (map.v4Starts[run] as number) + map.runSize4(run) - 1]);
}

/** A grouping with one group per sampled network, for porteiro's count on the sample. */
function sampleGrouping(networks: readonly [number, number][]): Grouping {
  const starts: number[] = [];
  const groups: number[] = [];
  let cursor = 0;
  networks.forEach(([start, end], i) => {
    if (start > cursor) {
      starts.push(cursor);
      groups.push(-1);
    }
    starts.push(start);
    groups.push(i);
    cursor = end + 1;
  });
  if (cursor <= 0xffffffff) {
    starts.push(cursor);
    groups.push(-1);
  }
  return {
    keys: networks.map((_, i) => String(i)),
    allocated: networks.map(([s, e]) => e - s + 1),
    details: networks.map(() => ({})),
    v4Starts: Uint32Array.from(starts),
    v4Groups: Int32Array.from(groups),
    v6Starts: [0n],
    v6Groups: Int32Array.of(-1),
  };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const rate = (n: number) =>
  n >= 1e9
    ? `${fmt(n / 1e9)} G`
    : n >= 1e6
      ? `${fmt(n / 1e6)} M`
      : n >= 1e3
        ? `${fmt(n / 1e3)} k`
        : fmt(n, 0);

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      entries: { type: "string", default: "10000000" },
      seed: { type: "string", default: "25" },
      sample: { type: "string", default: "16384" },
      runs: { type: "string", default: "5" },
      "in-flight": { type: "string", default: "64" },
      "skip-python": { type: "boolean", default: false },
    },
  });
  const entries = Number(values.entries);
  const seed = Number(values.seed);
  const runs = Number(values.runs);
  const work = mkdtempSync(join(tmpdir(), "porteiro-bench-reputation-"));
  let failed = false;
  try {
    log(
      `load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    log(`generating (or reusing) a ${entries}-entry zone from ${TABLE_NUM}`);
    const zone = generateZone(join(tmpdir(), "porteiro-bench-reputation"), TABLE_NUM, entries, seed);

    log("porteiro: building the map from the embedded tables, then from its cache");
    const built = await timed(() => loadNetworkMap());
    await loadNetworkMap({ dataDir: work });
    const cached = await timed(() => loadNetworkMap({ dataDir: work }));
    const map = cached.value;

    log("porteiro: importing the zone");
    const store = openStore(work);
    const imported = await timed(() =>
      importListing(store, work, zone, {
        list: "bench",
        date: "2026-11-28",
        format: "rbldnsd",
        zoneType: "ip4tset",
      }),
    );
    const read = await timed(() => readSnapshot(store, work, "bench", "2026-11-28"));
    store.close();
    const set = read.value;
    if (!set) throw new Error("the imported snapshot cannot be read back");
    const listedAddresses = imported.value.snapshot.v4Addresses;
    const grouped = await timed(
      () => [networkGrouping(map, "asn"), networkGrouping(map, "country")] as const,
    );
    const [asnGrouping, countryGrouping] = grouped.value;
    const countTimes: number[] = [];
    const countCpu: number[] = [];
    let asnCounts: Float64Array = new Float64Array(0);
    let countryCounts: Float64Array = new Float64Array(0);
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      asnCounts = countListed(set, asnGrouping).listed;
      countryCounts = countListed(set, countryGrouping).listed;
      const used = process.cpuUsage(cpu);
      countTimes.push((performance.now() - started) / 1000);
      countCpu.push((used.user + used.system) / 1e6);
    }
    // Other sessions share the two CPUs: the CPU time is what the count itself costs on one core.
    const count = median(countTimes);
    const cpuCount = median(countCpu);
    const porteiroAsn = byKey(asnGrouping, asnCounts);
    const porteiroCountry = byKey(countryGrouping, countryCounts);
    let covered = 0;
    for (const size of map.allocatedByAsn().values()) covered += size;

    let python:
      | {
          asn: Record<string, number>;
          country: Record<string, number>;
          addresses: number;
          seconds: Record<string, number>;
        }
      | undefined;
    if (!values["skip-python"]) {
      log("python: ipaddress + bisect over the same zone and tables");
      const result = spawnSync("python3", [join(here, "peer.py"), TABLE_TEXT, COUNTRY_TEXT, zone], {
        encoding: "utf8",
        maxBuffer: 256 << 20,
      });
      if (result.status !== 0) throw new Error(`peer.py failed: ${result.stderr}`);
      python = JSON.parse(result.stdout);
    }

    log("dns: starting rbldnsd on the zone");
    const networks = sampleNetworks(map, Number(values.sample), seed);
    const sample: number[] = [];
    for (const [start, end] of networks) for (let a = start; a <= end; a++) sample.push(a);
    const rbldnsd = await startRbldnsd(zone);
    let dig: Awaited<ReturnType<typeof queryWithDig>>;
    let resolver: Awaited<ReturnType<typeof queryWithResolver>>;
    try {
      log(
        `dns: ${sample.length} addresses in ${networks.length} networks, with dig, then ${values["in-flight"]} in flight`,
      );
      dig = queryWithDig(rbldnsd.port, sample, work);
      resolver = await queryWithResolver(rbldnsd.port, sample, Number(values["in-flight"]));
    } finally {
      rbldnsd.stop();
    }
    const samplePorteiro = countListed(set, sampleGrouping(networks)).listed;
    const perNetwork = (listed: Set<number>) =>
      networks.map(([s, e]) => {
        let n = 0;
        for (let a = s; a <= e; a++) if (listed.has(a)) n++;
        return n;
      });
    const digCounts = perNetwork(dig.listed);
    const resolverCounts = perNetwork(resolver.listed);
    const dnsAgrees = networks.every(
      (_, i) => digCounts[i] === samplePorteiro[i] && resolverCounts[i] === samplePorteiro[i],
    );
    const sampleListed = digCounts.reduce((a, b) => a + b, 0);

    // Report.
    const porteiroRate = covered / count;
    const lines: string[] = [];
    lines.push(
      `zone: ${entries} entries, ${listedAddresses} distinct addresses; table: ${map.ranges4} IPv4 runs covering ${covered} addresses`,
    );
    lines.push("");
    lines.push("| route | step | seconds | rate | per-address ratio (porteiro ÷ route) |");
    lines.push("| --- | --- | ---: | ---: | ---: |");
    lines.push(`| porteiro | map from the CSV tables (once) | ${fmt(built.seconds, 3)} | | |`);
    lines.push(`| porteiro | map from the data-folder cache | ${fmt(cached.seconds, 3)} | | |`);
    lines.push(
      `| porteiro | import ${entries} entries (importListing) | ${fmt(imported.seconds, 3)} | ${rate(entries / imported.seconds)} entries/s | |`,
    );
    lines.push(`| porteiro | read the snapshot back | ${fmt(read.seconds, 3)} | | |`);
    lines.push(`| porteiro | AS and country groupings (once per map) | ${fmt(grouped.seconds, 3)} | | |`);
    lines.push(
      `| porteiro | count per AS + per country (median of ${runs}) | ${fmt(count, 3)} | ${rate(listedAddresses / count)} listed/s, ${rate(porteiroRate)} addresses/s | 1× |`,
    );
    lines.push(`| porteiro | the same count, CPU time (median of ${runs}) | ${fmt(cpuCount, 3)} | | |`);
    const totalPorteiro = imported.seconds + read.seconds + grouped.seconds + count;
    lines.push(
      `| porteiro | import + read + group + count | ${fmt(totalPorteiro, 3)} | ${rate(covered / totalPorteiro)} addresses/s | |`,
    );
    if (python) {
      const s = python.seconds as { tables: number; zone: number; count: number };
      lines.push(`| python | tables | ${fmt(s.tables, 3)} | | |`);
      lines.push(
        `| python | read the zone into a set | ${fmt(s.zone, 3)} | ${rate(entries / s.zone)} entries/s | |`,
      );
      lines.push(
        `| python | count (bisect per address) | ${fmt(s.count, 3)} | ${rate(covered / s.count)} addresses/s | ${fmt(s.count / count, 0)}× |`,
      );
      lines.push(
        `| python | zone + count vs porteiro import + read + group + count | ${fmt(s.zone + s.count, 3)} | | ${fmt((s.zone + s.count) / totalPorteiro, 1)}× |`,
      );
    }
    for (const [name, result] of [
      ["dns (dig -f, sequential)", dig],
      [`dns (Node resolver, ${values["in-flight"]} in flight)`, resolver],
    ] as const) {
      const perAddress = result.seconds / sample.length;
      lines.push(
        `| ${name} | ${sample.length} sampled addresses | ${fmt(result.seconds, 3)} | ${rate(sample.length / result.seconds)} addresses/s | ${rate(porteiroRate * perAddress)}× |`,
      );
      lines.push(
        `| ${name} | extrapolated to the table's ${covered} addresses | ${fmt(perAddress * covered, 0)} | | |`,
      );
    }
    lines.push("");
    lines.push(
      `rbldnsd loaded the zone in ${fmt(rbldnsd.loadSeconds, 1)} s; the sample held ${sampleListed} listed addresses.`,
    );
    const checks: string[] = [];
    if (python) {
      const pythonAsn = new Map(
        Object.entries(python.asn).map(([k, v]) => [k === "unknown" ? k : `AS${k}`, v]),
      );
      const pythonCountry = new Map(Object.entries(python.country));
      const asnDiff = differences(porteiroAsn, pythonAsn);
      const countryDiff = differences(porteiroCountry, pythonCountry);
      const same = asnDiff.length === 0 && countryDiff.length === 0 && python.addresses === listedAddresses;
      checks.push(
        same
          ? `python and porteiro agree: ${porteiroAsn.size} ASes and ${porteiroCountry.size} countries (with unknown), ${listedAddresses} addresses`
          : `python and porteiro DIFFER: ${[...asnDiff, ...countryDiff].slice(0, 5).join("; ")}; addresses ${python.addresses} vs ${listedAddresses}`,
      );
      failed ||= !same;
    }
    checks.push(
      dnsAgrees
        ? `dns (both clients) and porteiro agree on all ${networks.length} sampled networks`
        : `dns and porteiro DIFFER on the sample: dig ${sampleListed}, resolver ${resolverCounts.reduce((a, b) => a + b, 0)}, porteiro ${samplePorteiro.reduce((a, b) => a + b, 0)}`,
    );
    failed ||= !dnsAgrees;
    lines.push(...checks);
    lines.push(
      `count target (< 5 s for the 10M-entry count on one core): ${count < 5 ? "met" : "NOT met"} (${fmt(count, 3)} s wall, ${fmt(cpuCount, 3)} s CPU)`,
    );
    const slowestDnsRatio = porteiroRate * (resolver.seconds / sample.length);
    lines.push(
      `DNS target (≥ 1,000× per address): ${slowestDnsRatio >= 1000 ? "met" : "NOT met"} (${rate(slowestDnsRatio)}× against the faster DNS client)`,
    );
    lines.push(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

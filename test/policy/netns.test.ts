/**
 * Proof with real packets: the rulesets porteiro renders, loaded into a Linux router inside
 * network namespaces (netns-topology.ts), must let through or stop real TCP connects from
 * hundreds of subscriber addresses exactly as the plan says.
 *
 * The expected outcome of every connect comes from a naive reference written here from the plan
 * semantics (the YAML read directly, prefixes compared as bigints), not from porteiro's code.
 * Needs root, iproute2, nftables, iptables and ipset; skips without them (fails under CI=true).
 * Traffic stays inside the namespaces this test creates, on documentation addresses only.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { type Day, formatAddress, parseAddress } from "../../src/core/index.js";
import { OBSERVE_HIT_SETS, parseObserveHits } from "../../src/flows/index.js";
import { loadPlan } from "../../src/plan/index.js";
import { requireNetns, requirePeers } from "../helpers/peers.js";
import {
  BACKEND_PEERS,
  type Backend,
  DOC_SPACE,
  type Family,
  load,
  MX,
  PORTS,
  RELAY,
  ROUTER_REM,
  ROUTER_SUB,
  render,
  run,
  Topology,
} from "./netns-topology.js";

const FIXTURE = fileURLToPath(new URL("../fixtures/netns-plan.yaml", import.meta.url));
const FIXTURE_DROP = fileURLToPath(new URL("../fixtures/netns-plan-drop.yaml", import.meta.url));

const RESERVED = new Set<string>([
  ...Object.values(MX),
  ...Object.values(RELAY),
  ...Object.values(ROUTER_SUB),
  ...Object.values(ROUTER_REM),
]);
/** Space in no pool of the fixtures, drawn on purpose. */
const UNPLANNED = ["192.0.2.128/25", "198.51.100.64/26", "203.0.113.192/26", "2001:db8:3000::/36"];

const SEED = 0x25_25_25;

type Outcome = "connected" | "refused" | "timeout";

// ---------------------------------------------------------------------------------------------
// A naive reference of the plan semantics, independent of src/.

interface NaivePrefix {
  readonly family: Family;
  readonly base: bigint;
  readonly length: number;
  readonly text: string;
}

interface Address {
  readonly family: Family;
  readonly value: bigint;
  /** Canonical text, used for `ip addr add`, for binding and in messages. */
  readonly text: string;
}

const BITS = { 4: 32n, 6: 128n } as const;

function parseNaiveAddress(text: string): Address {
  if (text.includes(".")) {
    const parts = text.split(".").map(Number);
    assert.equal(parts.length, 4, `bad IPv4 address ${text}`);
    const value = parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
    return { family: 4, value, text: formatNaive(4, value) };
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  assert.equal(groups.length, 8, `bad IPv6 address ${text}`);
  const value = groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
  return { family: 6, value, text: formatNaive(6, value) };
}

function formatNaive(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
  const full = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n]
    .map((s) => ((value >> s) & 0xffffn).toString(16))
    .join(":");
  return new URL(`http://[${full}]/`).hostname.slice(1, -1); // the WHATWG canonical form
}

function parseNaivePrefix(text: string): NaivePrefix {
  const [addr = "", len] = String(text).trim().split("/");
  const address = parseNaiveAddress(addr);
  const length = len === undefined ? Number(BITS[address.family]) : Number(len);
  const host = BITS[address.family] - BigInt(length);
  return { family: address.family, base: (address.value >> host) << host, length, text: String(text) };
}

function contains(prefix: NaivePrefix, address: Address): boolean {
  if (prefix.family !== address.family) return false;
  const host = BITS[prefix.family] - BigInt(prefix.length);
  return address.value >> host === prefix.base >> host;
}

function lastOf(prefix: NaivePrefix): bigint {
  return prefix.base + (1n << (BITS[prefix.family] - BigInt(prefix.length))) - 1n;
}

interface NaivePlan {
  readonly action: "reject" | "drop";
  readonly allowRelaysOn25: boolean;
  readonly relays: readonly NaivePrefix[];
  readonly regions: ReadonlyMap<string, { observeFrom?: string; enforceFrom: string }>;
  readonly pools: readonly { prefix: NaivePrefix; kind: string; region?: string }[];
  readonly exceptions: readonly { prefix: NaivePrefix; until?: string }[];
}

interface RawPlan {
  action?: string;
  allow_relays_on_25?: boolean;
  relays?: string[];
  regions: { id: string; observe_from?: string; enforce_from: string }[];
  pools?: { prefix: string; kind: string; region?: string }[];
  exceptions?: { prefix: string; until?: string }[];
}

function naivePlan(file: string): NaivePlan {
  const raw = parseYaml(readFileSync(file, "utf8")) as RawPlan;
  return {
    action: raw.action === "drop" ? "drop" : "reject",
    allowRelaysOn25: raw.allow_relays_on_25 ?? true,
    relays: (raw.relays ?? []).map(parseNaivePrefix),
    regions: new Map(
      raw.regions.map((r) => [
        String(r.id),
        {
          ...(r.observe_from !== undefined && { observeFrom: String(r.observe_from) }),
          enforceFrom: String(r.enforce_from),
        },
      ]),
    ),
    pools: (raw.pools ?? []).map((p) => ({
      prefix: parseNaivePrefix(p.prefix),
      kind: p.kind.trim().toLowerCase(),
      ...(p.region !== undefined && { region: String(p.region) }),
    })),
    exceptions: (raw.exceptions ?? []).map((e) => ({
      prefix: parseNaivePrefix(e.prefix),
      ...(e.until !== undefined && { until: String(e.until) }),
    })),
  };
}

/** How the plan treats TCP/port from src to dst on day: pass, "observe" (pass, counted) or "block". */
function naiveVerdict(
  plan: NaivePlan,
  day: string,
  src: Address,
  dst: Address,
  port: number,
): "pass" | "observe" | "block" {
  if (port !== 25) return "pass"; // 587 and 465 are never filtered
  if (plan.allowRelaysOn25 && plan.relays.some((r) => contains(r, dst))) return "pass";
  let pool: NaivePlan["pools"][number] | undefined;
  for (const p of plan.pools) {
    if (contains(p.prefix, src) && (!pool || p.prefix.length > pool.prefix.length)) pool = p;
  }
  if (pool?.kind !== "dynamic" || pool.region === undefined) return "pass";
  const region = plan.regions.get(pool.region);
  assert.ok(region, `pool ${pool.prefix.text} names an unknown region`);
  const excepted = plan.exceptions.some(
    (e) => contains(e.prefix, src) && (e.until === undefined || day <= e.until),
  );
  if (excepted) return "pass";
  if (region.enforceFrom <= day) return "block";
  if (region.observeFrom !== undefined && region.observeFrom <= day) return "observe";
  return "pass";
}

function expectedOutcome(plan: NaivePlan, verdict: "pass" | "observe" | "block"): Outcome {
  if (verdict !== "block") return "connected";
  return plan.action === "reject" ? "refused" : "timeout";
}

// ---------------------------------------------------------------------------------------------
// Drawing the source addresses (seeded, so every run tests the same ones).

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function randomIn(prefix: NaivePrefix, next: () => number): bigint {
  const hostBits = BITS[prefix.family] - BigInt(prefix.length);
  let r = 0n;
  for (let i = 0; i < 4; i++) r = (r << 32n) | BigInt(next());
  return prefix.base + (r & ((1n << hostBits) - 1n));
}

interface Source extends Address {
  /** Why it was drawn, for messages. */
  readonly why: string;
}

function drawSources(plan: NaivePlan): Source[] {
  const next = mulberry32(SEED);
  const out = new Map<string, Source>();
  const docSpace = DOC_SPACE.map(parseNaivePrefix);
  const add = (family: Family, value: bigint, why: string) => {
    const address = { family, value, text: formatNaive(family, value) };
    if (RESERVED.has(address.text) || out.has(address.text)) return;
    if (!docSpace.some((p) => contains(p, address))) return; // never leave the documentation ranges
    out.set(address.text, { ...address, why });
  };
  const edgesAndRandom = (prefix: NaivePrefix, why: string, randoms: number) => {
    const last = lastOf(prefix);
    add(prefix.family, prefix.base, `${why} first`);
    add(prefix.family, last, `${why} last`);
    add(prefix.family, prefix.base - 1n, `just below ${why}`);
    add(prefix.family, last + 1n, `just above ${why}`);
    for (let i = 0; i < randoms; i++) add(prefix.family, randomIn(prefix, next), why);
  };
  // IPv4 pools are small, so fewer draws cover them as well as more draws cover the IPv6 ones.
  const randoms = (p: NaivePrefix) =>
    BITS[p.family] - BigInt(p.length) <= 2n ? 2 : p.family === 4 ? 14 : 24;
  for (const pool of plan.pools)
    edgesAndRandom(pool.prefix, `${pool.kind} pool ${pool.prefix.text}`, randoms(pool.prefix));
  for (const e of plan.exceptions)
    edgesAndRandom(e.prefix, `exception ${e.prefix.text}`, e.prefix.family === 4 ? 3 : 8);
  for (const text of UNPLANNED) edgesAndRandom(parseNaivePrefix(text), `unplanned ${text}`, 16);
  for (const text of DOC_SPACE) {
    const prefix = parseNaivePrefix(text);
    for (let i = 0; i < 20; i++) add(prefix.family, randomIn(prefix, next), `anywhere in ${text}`);
  }
  return [...out.values()];
}

/** A deterministic subset, so the drop runs (whose blocked connects wait out a timeout) stay short. */
function subset(sources: readonly Source[], count: number): Source[] {
  const next = mulberry32(SEED ^ 0xd209);
  const pool = [...sources];
  const picked: Source[] = [];
  while (picked.length < count && pool.length > 0) {
    picked.push(...pool.splice(next() % pool.length, 1));
  }
  return picked;
}

// ---------------------------------------------------------------------------------------------
// Reading the rulesets' counters back.

interface Counters {
  /** Packets counted by the blocking rule, per family. */
  readonly blocked: Record<Family, number>;
  /** Packets counted by the observe (log) rule, per family. */
  readonly observed: Record<Family, number>;
}

interface NftRule {
  rule?: { chain: string; expr: Record<string, unknown>[] };
}

async function nftCounters(topo: Topology): Promise<Counters> {
  const listing = await topo.router("nft", ["-j", "list", "table", "inet", "porteiro"]);
  const rules = (JSON.parse(listing.stdout) as { nftables: NftRule[] }).nftables
    .map((item) => item.rule)
    .filter((rule) => rule !== undefined && rule.chain === "forward");
  const ruleWith = (set: string) => {
    const found = rules.filter((rule) => JSON.stringify(rule?.expr).includes(`"@${set}"`));
    assert.equal(found.length, 1, `one nft rule matching @${set}`);
    return found[0]?.expr ?? [];
  };
  const packets = (expr: Record<string, unknown>[]) => {
    const counter = expr.find((e) => "counter" in e)?.counter as { packets: number } | undefined;
    assert.ok(counter, "the rule has a counter");
    return counter.packets;
  };
  const observeRule = (set: string) => {
    const expr = ruleWith(set);
    const log = expr.find((e) => "log" in e)?.log as { prefix?: string } | undefined;
    assert.equal(log?.prefix, "porteiro-observe ", `the @${set} rule logs with the porteiro-observe prefix`);
    return expr;
  };
  return {
    blocked: { 4: packets(ruleWith("blocked_v4")), 6: packets(ruleWith("blocked_v6")) },
    observed: { 4: packets(observeRule("observed_v4")), 6: packets(observeRule("observed_v6")) },
  };
}

/**
 * The per-source counters of the observe phase, read back through `porteiro flows hits`' own
 * parser: every observed source and no other, together as many as the observe rule counted.
 */
async function assertObserveHits(
  topo: Topology,
  probes: readonly Probe[],
  counters: Counters,
): Promise<void> {
  const hits = new Map<string, number>();
  for (const set of OBSERVE_HIT_SETS) {
    const listing = await topo.router("nft", ["-j", "list", "set", "inet", "porteiro", set]);
    for (const hit of parseObserveHits(listing.stdout, set).hits) hits.set(hit.address, hit.packets);
  }
  const observed = new Map<string, number>();
  for (const probe of probes) {
    if (probe.verdict !== "observe") continue;
    const source = formatAddress(parseAddress(probe.src.text));
    observed.set(source, (observed.get(source) ?? 0) + 1);
  }
  assert.deepEqual([...hits.keys()].sort(), [...observed.keys()].sort(), "a hit counter per observed source");
  for (const [source, connects] of observed) {
    assert.ok(
      (hits.get(source) ?? 0) >= connects,
      `${source}: ${hits.get(source)} hits for ${connects} connects`,
    );
  }
  const total = [...hits.values()].reduce((sum, n) => sum + n, 0);
  assert.equal(
    total,
    counters.observed[4] + counters.observed[6],
    "the sources' hits add up to the rule's counter",
  );
}

async function iptablesCounters(topo: Topology): Promise<Counters> {
  const read = async (family: Family) => {
    const save = await topo.router(family === 4 ? "iptables-save" : "ip6tables-save", ["-c", "-t", "filter"]);
    const lines = save.stdout.split("\n");
    const jumps = lines.filter((l) => /-A FORWARD .*--dport 25 -j porteiro-25$/.test(l));
    assert.equal(jumps.length, 1, `exactly one FORWARD jump to porteiro-25 (IPv${family}) after reloads`);
    const count = (pattern: RegExp, what: string) => {
      const found = lines.filter((l) => l.includes("-A porteiro-25 ") && pattern.test(l));
      assert.equal(found.length, 1, `one IPv${family} rule for ${what}`);
      const match = /^\[(\d+):\d+\]/.exec(found[0] ?? "");
      assert.ok(match, `counters on ${found[0]}`);
      return Number(match[1]);
    };
    return {
      blocked: count(new RegExp(`porteiro-blocked${family} src -j (REJECT|DROP)`), "blocked"),
      observed: count(
        new RegExp(`porteiro-observed${family} src .*-j LOG --log-prefix "porteiro-observe "`),
        "observe",
      ),
    };
  };
  const [v4, v6] = [await read(4), await read(6)];
  return { blocked: { 4: v4.blocked, 6: v6.blocked }, observed: { 4: v4.observed, 6: v6.observed } };
}

// ---------------------------------------------------------------------------------------------
// One date: render, load, connect from every source, compare with the reference.

interface Probe {
  readonly src: Source;
  readonly dst: Address;
  readonly port: number;
  readonly verdict: "pass" | "observe" | "block";
  readonly expected: Outcome;
}

function probesFor(plan: NaivePlan, sources: readonly Source[], day: string): Probe[] {
  const probes: Probe[] = [];
  for (const src of sources) {
    const targets: [string, number][] = [
      ...PORTS.map((port): [string, number] => [MX[src.family], port]),
      [RELAY[src.family], 25],
    ];
    for (const [dstText, port] of targets) {
      const dst = parseNaiveAddress(dstText);
      const verdict = naiveVerdict(plan, day, src, dst, port);
      probes.push({ src, dst, port, verdict, expected: expectedOutcome(plan, verdict) });
    }
  }
  return probes;
}

async function connectAll(topo: Topology, probes: readonly Probe[]): Promise<string[]> {
  return topo.probe(probes.map((p) => ({ src: p.src.text, dst: p.dst.text, port: p.port })));
}

function mismatches(probes: readonly Probe[], outcomes: readonly string[], day: string): string[] {
  const wrong: string[] = [];
  probes.forEach((p, i) => {
    if (outcomes[i] !== p.expected) {
      const dst = p.dst.family === 6 ? `[${p.dst.text}]` : p.dst.text;
      wrong.push(
        `${day} ${p.src.text} (${p.src.why}) → ${dst}:${p.port}: ${outcomes[i]}, expected ${p.expected}`,
      );
    }
  });
  return wrong;
}

function assertNoMismatch(wrong: readonly string[], total: number): void {
  const shown = wrong.slice(0, 25).join("\n  ");
  assert.equal(wrong.length, 0, `${wrong.length} of ${total} connects differ:\n  ${shown}`);
}

interface DateCase {
  readonly day: Day;
  readonly what: string;
}

/** Dates before, inside and after each phase of both regions and around both exception ends. */
const DATES: readonly DateCase[] = [
  { day: "2030-02-28" as Day, what: "both regions open" },
  { day: "2030-03-01" as Day, what: "sul observes from today, norte open" },
  { day: "2030-05-31" as Day, what: "both observe, the day before sul enforces" },
  { day: "2030-06-01" as Day, what: "sul enforces from today, norte observes" },
  { day: "2030-07-31" as Day, what: "last day of the IPv4 exception" },
  { day: "2030-08-01" as Day, what: "the IPv4 exception has expired" },
  { day: "2030-09-01" as Day, what: "both enforce, the IPv6 exception holds" },
  { day: "2030-10-15" as Day, what: "last day of the IPv6 exception" },
  { day: "2030-10-16" as Day, what: "the IPv6 exception has expired" },
];
const DROP_DATES: readonly DateCase[] = [
  { day: "2030-05-31" as Day, what: "both observe: nothing dropped, relays reachable" },
  { day: "2030-09-01" as Day, what: "both enforce: MX and relays dropped from blocked space" },
];
const DROP_SOURCES = 48;

async function checkDate(
  t: TestContext,
  topo: Topology,
  backend: Backend,
  naive: NaivePlan,
  sources: readonly Source[],
  day: Day,
  ruleset: string,
): Promise<void> {
  await load(topo, backend, ruleset);
  const probes = probesFor(naive, sources, day);
  const outcomes = await connectAll(topo, probes);
  assertNoMismatch(mismatches(probes, outcomes, day), probes.length);

  const count = (verdict: Probe["verdict"], family: Family) =>
    probes.filter((p) => p.verdict === verdict && p.src.family === family).length;
  // The draw must exercise the rules the date has: something blocked when a region enforces,
  // something observed when one observes.
  const phases = [...naive.regions.values()].map((r) =>
    r.enforceFrom <= day
      ? "enforce"
      : r.observeFrom !== undefined && r.observeFrom <= day
        ? "observe"
        : "open",
  );
  if (phases.includes("enforce"))
    assert.ok(
      probes.some((p) => p.verdict === "block"),
      "some connects blocked",
    );
  if (phases.includes("observe"))
    assert.ok(
      probes.some((p) => p.verdict === "observe"),
      "some observed",
    );
  const counters = backend === "nftables" ? await nftCounters(topo) : await iptablesCounters(topo);
  for (const family of [4, 6] as const) {
    const blocked = count("block", family);
    const observed = count("observe", family);
    if (naive.action === "reject") {
      // One SYN per refused connect, answered by the reset; on a loaded machine a reset that comes
      // after the client's first retransmission timer meets a second SYN.
      assert.ok(counters.blocked[family] >= blocked, `IPv${family} blocked-rule packets on ${day}`);
      assert.ok(counters.blocked[family] <= 2 * blocked, `IPv${family} blocked-rule packets on ${day}`);
    } else {
      // A dropped SYN may be sent again before the client gives up.
      assert.ok(counters.blocked[family] >= blocked, `IPv${family} blocked-rule packets on ${day}`);
      assert.ok(counters.blocked[family] <= 3 * blocked, `IPv${family} blocked-rule packets on ${day}`);
    }
    if (backend === "nftables") {
      // nft counts before its log limit: every new observed connection.
      assert.equal(counters.observed[family], observed, `IPv${family} observe-rule packets on ${day}`);
    } else {
      // iptables counts what passes the 20/second limit (burst 5) and goes to the log.
      assert.ok(counters.observed[family] <= observed, `IPv${family} observe-rule packets on ${day}`);
      assert.ok(
        counters.observed[family] >= Math.min(observed, 5),
        `IPv${family} observe-rule packets on ${day}`,
      );
    }
  }
  if (backend === "nftables") await assertObserveHits(topo, probes, counters);
  const tally = (o: Outcome) => outcomes.filter((x) => x === o).length;
  t.diagnostic(
    `${day}: ${probes.length} connects: ${tally("connected")} connected, ${tally("refused")} refused, ` +
      `${tally("timeout")} timed out; observed ${count("observe", 4)}+${count("observe", 6)} (v4+v6)`,
  );
}

async function runVariant(
  t: TestContext,
  backend: Backend,
  planFile: string,
  dates: readonly DateCase[],
  sourceCount?: number,
): Promise<void> {
  const { plan } = loadPlan(planFile);
  const naive = naivePlan(planFile);
  const all = drawSources(naive);
  const sources = sourceCount === undefined ? all : subset(all, sourceCount);
  const topo = await Topology.build(backend === "nftables" ? "n" : "i", sources);
  try {
    await t.test("baseline: with no ruleset every connect succeeds", async () => {
      const probes = probesFor(naive, sources, "2000-01-01").map((p) => ({
        ...p,
        expected: "connected" as const,
      }));
      const outcomes = await connectAll(topo, probes);
      assertNoMismatch(mismatches(probes, outcomes, "no ruleset"), probes.length);
    });
    for (const [i, { day, what }] of dates.entries()) {
      await t.test(`${day}: ${what}`, async (st) => {
        let ruleset = render(plan, backend, day);
        if (i === 0) {
          // The operator's path once: the CLI prints the same ruleset, and that is what gets loaded.
          const cli = await run(process.execPath, [
            "--import",
            "tsx",
            "src/cli/index.ts",
            "policy",
            "render",
            "--plan",
            planFile,
            "--format",
            backend,
            "--at",
            day,
          ]);
          assert.equal(cli.stdout, ruleset, "porteiro policy render prints the in-process rendering");
          ruleset = cli.stdout;
        }
        await checkDate(st, topo, backend, naive, sources, day, ruleset);
      });
    }
  } finally {
    await topo.tearDown();
  }
}

test("port-25 policy with real packets through network namespaces", { timeout: 240_000 }, async (t) => {
  if (!requireNetns(t)) return;

  const naive = naivePlan(FIXTURE);
  const sources = drawSources(naive);
  t.diagnostic(
    `${sources.length} sources (${sources.filter((s) => s.family === 4).length} IPv4), ` +
      `${DATES.length} dates, ${sources.length * 4} connects a date`,
  );

  await t.test("the reference agrees with the fixture's intent", () => {
    // A few hand-checked verdicts, so that a wrong reference cannot agree with a wrong renderer.
    const v = (day: string, src: string, dst: string = MX[4]) =>
      naiveVerdict(naive, day, parseNaiveAddress(src), parseNaiveAddress(dst), 25);
    assert.equal(v("2030-05-31", "203.0.113.5"), "observe");
    assert.equal(v("2030-06-01", "203.0.113.5"), "block");
    assert.equal(v("2030-06-01", "203.0.113.70"), "pass"); // static inside dynamic
    assert.equal(v("2030-06-01", "203.0.113.5", RELAY[4]), "pass"); // relays stay reachable
    assert.equal(v("2030-07-31", "203.0.113.99"), "pass"); // exception's last day
    assert.equal(v("2030-08-01", "203.0.113.99"), "block");
    assert.equal(v("2030-08-31", "192.0.2.5"), "observe");
    assert.equal(v("2031-01-01", "192.0.2.33"), "pass"); // exception without an end
    assert.equal(v("2031-01-01", "198.51.100.7"), "pass"); // infrastructure
    assert.equal(v("2030-06-01", "198.51.100.50"), "block"); // dynamic inside infrastructure
    assert.equal(v("2030-06-01", "203.0.113.73"), "observe"); // norte's dynamic inside sul's static
    assert.equal(v("2031-01-01", "203.0.113.200"), "pass"); // unplanned
    const v6 = (day: string, src: string) =>
      naiveVerdict(naive, day, parseNaiveAddress(src), parseNaiveAddress(MX[6]), 25);
    assert.equal(v6("2030-06-01", "2001:db8:1000::1"), "block");
    assert.equal(v6("2030-06-01", "2001:db8:10ff::1"), "pass");
    assert.equal(v6("2030-10-15", "2001:db8:2000:1::1"), "pass");
    assert.equal(v6("2030-10-16", "2001:db8:2000:1::1"), "block");
    for (const s of sources) assert.ok(!RESERVED.has(s.text));
    const kinds = new Set(sources.map((s) => s.why.split(" ")[0]));
    for (const kind of ["dynamic", "static", "infrastructure", "exception", "unplanned"]) {
      assert.ok(kinds.has(kind), `sources drawn from ${kind} space`);
    }
  });

  for (const backend of ["nftables", "iptables"] as const) {
    await t.test(`${backend}: reject, relays allowed on 25`, async (st) => {
      if (!requirePeers(st, BACKEND_PEERS[backend])) return;
      await runVariant(st, backend, FIXTURE, DATES);
    });
    await t.test(`${backend}: drop, relays not allowed on 25`, async (st) => {
      if (!requirePeers(st, BACKEND_PEERS[backend])) return;
      await runVariant(st, backend, FIXTURE_DROP, DROP_DATES, DROP_SOURCES);
    });
  }
});

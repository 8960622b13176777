import assert from "node:assert/strict";
import { test } from "node:test";
import { type Day, formatIpv6 } from "../../src/core/index.js";
import {
  DEFAULT_THRESHOLDS,
  type DirectSender,
  directSenders,
  FlowDecoder,
  HourlyAggregator,
  SENDER_CLASSES,
  type SenderClass,
  writeAggregates,
} from "../../src/flows/index.js";
import { SqliteFlowStore } from "../../src/flows/store/index.js";
import { parsePlan } from "../../src/plan/index.js";
import { dayFlows } from "../../src/sim/day-flows.js";
import { buildWorld, HISTORY_DAYS, planYaml, type SimOptions, type World } from "../../src/sim/index.js";
import { IpfixExporter } from "../../src/sim/ipfix-export.js";
import { delegatedPrefix, dualStack, sourceV6 } from "../../src/sim/ipv6.js";
import { dayStartMs } from "../../src/sim/options.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

/**
 * The demo's simulated subscribers have a ground truth (bots, mail programs on 25): classify
 * the report's rows and count how each kind came out. Servers sit on static addresses, outside
 * the report, so the kinds here are the two that send from dynamic space.
 */
const SIM: SimOptions = { seed: 2009, scale: 0.01, endDay: "2026-11-28" as Day };
const KINDS = ["bot", "mail-client"] as const;
type Kind = (typeof KINDS)[number];

/** The sim's year of flows through the real IPFIX decoder and aggregator into a store. */
function storeOfYear(world: World, store: Store): void {
  const exporter = new IpfixExporter();
  for (let day = 0; day < HISTORY_DAYS; day++) {
    const aggregator = new HourlyAggregator();
    const decoder = new FlowDecoder(aggregator);
    const flows = dayFlows(world.isp, world.population, world.sessions, SIM, day);
    for (const packet of exporter.packets(flows, dayStartMs(SIM, day + 1))) decoder.decode(packet, "sim");
    writeAggregates(store, aggregator.drain());
  }
}

/**
 * Which simulated subscriber held an address longest in [fromMs, toMs), as a lease index would
 * say; from the start of the hour, as the sim picks a flow's address at the start of its hour.
 */
function holderLookup(world: World): (address: string, fromMs: number, toMs: number) => string | null {
  const { sessions, population } = world;
  const byAddress = new Map<string, number[]>();
  population.active.forEach((_, slot) => {
    for (
      let id = sessions.firstSession[slot] as number;
      id < (sessions.firstSession[slot + 1] as number);
      id++
    ) {
      const a = sessions.address[id] as number;
      const text = [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join(".");
      const ids = byAddress.get(text) ?? [];
      ids.push(id);
      byAddress.set(text, ids);
    }
  });
  const slotOf = (id: number) => {
    let slot = 0;
    while ((sessions.firstSession[slot + 1] as number) <= id) slot++;
    return slot;
  };
  // A dual-stack line keeps its delegated /56 for the year: its IPv6 source has one holder.
  const v6Holders = new Map<string, string>();
  population.active.forEach((subscriber, slot) => {
    const region = world.isp.regions[subscriber.region];
    if (region && dualStack(subscriber.index)) {
      v6Holders.set(
        formatIpv6(sourceV6(delegatedPrefix(region, slot))),
        `${subscriber.kind}#${subscriber.index}`,
      );
    }
  });
  return (address, firstMs, toMs) => {
    const v6Holder = v6Holders.get(address);
    if (v6Holder !== undefined) return v6Holder;
    const fromMs = Math.floor(firstMs / 3_600_000) * 3_600_000;
    let best: number | undefined;
    let longest = 0;
    for (const id of byAddress.get(address) ?? []) {
      const overlap =
        Math.min(toMs, sessions.endMs[id] as number) - Math.max(fromMs, sessions.startMs[id] as number);
      if (overlap > longest) {
        longest = overlap;
        best = id;
      }
    }
    if (best === undefined) return null;
    const subscriber = population.active[slotOf(best)];
    return subscriber ? `${subscriber.kind}#${subscriber.index}` : null;
  };
}

type Confusion = Record<Kind, Record<SenderClass, number>>;

function confusion(rows: readonly DirectSender[]): Confusion {
  const table = Object.fromEntries(
    KINDS.map((k) => [k, Object.fromEntries(SENDER_CLASSES.map((c) => [c, 0]))]),
  ) as Confusion;
  for (const row of rows) {
    const kind = row.subscriber?.split("#")[0] as Kind | undefined;
    assert.ok(kind && KINDS.includes(kind), `${row.address} has no simulated holder`);
    table[kind][row.class]++;
  }
  return table;
}

const render = (table: Confusion) =>
  [
    `kind \\ class: ${SENDER_CLASSES.join(", ")}`,
    ...KINDS.map((k) => `${k}: ${SENDER_CLASSES.map((c) => table[k][c]).join(", ")}`),
  ].join("\n");

test("the simulated bots and mail programs come out as their kinds", async (t) => {
  const world = buildWorld(SIM);
  const store = openStore(tempDir(t, "classify-sim"));
  t.after(() => store.close());
  storeOfYear(world, store);
  const plan = parsePlan(planYaml(world.isp), "demo-plan.yaml").plan;
  const rows = await directSenders(new SqliteFlowStore(store), plan, {
    thresholds: DEFAULT_THRESHOLDS,
    exceptionsOn: SIM.endDay,
    subscriberAt: holderLookup(world),
  });
  const table = confusion(rows);
  t.diagnostic(render(table));
  const judged = (k: Kind) =>
    rows.filter((r) => r.subscriber?.startsWith(`${k}#`) && r.class !== "low-evidence");
  for (const [kind, expected] of [
    ["bot", "bot-like"],
    ["mail-client", "mail-client"],
  ] as const) {
    const agree = table[kind][expected] / judged(kind).length;
    assert.ok(agree >= 0.95, `${kind}: ${Math.round(agree * 100)}% classed ${expected}\n${render(table)}`);
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { type Day, formatPrefix } from "../../src/core/index.js";
import { parsePlan } from "../../src/plan/index.js";
import { dayFlows } from "../../src/sim/day-flows.js";
import { buildWorld, planYaml, type SimOptions } from "../../src/sim/index.js";
import { IpfixExporter } from "../../src/sim/ipfix-export.js";
import { activeLeaseRows, webmailLeaseRows } from "../../src/sim/kea-leases.js";
import { listedAddresses } from "../../src/sim/listed-addresses.js";
import { DEMO_LISTS, zoneFile } from "../../src/sim/zone-files.js";

const OPTIONS: SimOptions = { seed: 7, scale: 0.005, endDay: "2026-11-28" as Day };

function fingerprint(options: SimOptions) {
  const world = buildWorld(options);
  const listed = listedAddresses(world.isp, world.population, world.sessions, options, 40);
  return {
    plan: planYaml(world.isp),
    leases: [
      ...activeLeaseRows(world.population, world.sessions, "bot"),
      ...activeLeaseRows(world.population, world.sessions, "mail-client"),
      ...webmailLeaseRows(world.population, world.sessions, options),
    ]
      .map((row) => row.text)
      .join(""),
    zones: DEMO_LISTS.map((list) => zoneFile(list, "2026-01-08", listed)).join(""),
    packets: Buffer.concat(
      new IpfixExporter().packets(dayFlows(world.isp, world.population, world.sessions, options, 40), 0),
    ),
  };
}

test("the same seed gives the same plan, leases, zones and packets, byte for byte", () => {
  const a = fingerprint(OPTIONS);
  const b = fingerprint(OPTIONS);
  assert.equal(a.plan, b.plan);
  assert.equal(a.leases, b.leases);
  assert.equal(a.zones, b.zones);
  assert.ok(a.packets.equals(b.packets));
  assert.ok(a.leases.length > 0 && a.packets.length > 0);
  const other = fingerprint({ ...OPTIONS, seed: 8 });
  assert.notEqual(other.leases, a.leases);
});

test("the plan loads without errors or warnings, with regions in every phase on the end day", () => {
  const { plan, warnings } = parsePlan(planYaml(buildWorld(OPTIONS).isp), "demo/plan.yaml");
  assert.deepEqual(warnings, []);
  assert.equal(plan.regions.length, 6);
  const phases = plan.regions.map((r) =>
    r.enforceFrom <= OPTIONS.endDay
      ? "enforce"
      : r.observeFrom && r.observeFrom <= OPTIONS.endDay
        ? "observe"
        : "open",
  );
  assert.deepEqual([...new Set(phases)].sort(), ["enforce", "observe", "open"]);
  // Private-use, CGNAT and documentation space only: the demo's flows travel over loopback.
  for (const pool of plan.pools) {
    assert.match(formatPrefix(pool.prefix), /^(10\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|2001:db8:)/);
  }
});

test("no address is held by two subscribers at once", () => {
  const world = buildWorld(OPTIONS);
  const { sessions, population } = world;
  const fixed = new Set<number>();
  for (const a of sessions.fixedAddress) if (a !== 0) fixed.add(a);
  const byAddress = new Map<number, [number, number][]>();
  population.active.forEach((_, slot) => {
    for (
      let id = sessions.firstSession[slot] as number;
      id < (sessions.firstSession[slot + 1] as number);
      id++
    ) {
      const a = sessions.address[id] as number;
      assert.ok(!fixed.has(a), "a churning session took a webmail user's address");
      const list = byAddress.get(a) ?? [];
      list.push([sessions.startMs[id] as number, sessions.endMs[id] as number]);
      byAddress.set(a, list);
    }
  });
  for (const spans of byAddress.values()) {
    spans.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++)
      assert.ok((spans[i]?.[0] as number) >= (spans[i - 1]?.[1] as number));
  }
});

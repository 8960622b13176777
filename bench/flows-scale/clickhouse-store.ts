/**
 * The ClickHouse flow store alone at a size given on the command line: writes a synthetic ISP's
 * hourly aggregates in collector-sized batches, then times each FlowStore read over the whole
 * history and reports the process's peak RSS. Needs a running server:
 *   npx tsx bench/flows-scale/clickhouse-store.ts --store clickhouse://127.0.0.1:8123/bench \
 *     --sources 20000 --days 30
 */
import { parseArgs } from "node:util";
import type { HourlyAggregate, MailPort } from "../../src/flows/index.js";
import { openClickHouseFlowStore } from "../../src/flows/store/clickhouse/index.js";
import { parseFlowStoreUrl } from "../../src/flows/store/index.js";

const PORTS: readonly MailPort[] = [25, 587, 465];

/** One hour of the ISP: each source sends in about one hour in eight, on one port, to 1–3 MXs. */
function hourOf(hour: number, sources: number): HourlyAggregate[] {
  const rows: HourlyAggregate[] = [];
  for (let s = 0; s < sources; s++) {
    const mix = Math.imul(s + 1, 2_654_435_761) ^ Math.imul(hour, 40_503);
    if ((mix >>> 3) % 8 !== 0) continue;
    const destinations = new Map<string, number>();
    for (let d = 0; d <= mix % 3; d++) destinations.set(`192.0.2.${((mix >>> 8) + d * 17) % 250}`, 1 + d);
    const flows = 1 + ((mix >>> 12) % 30);
    rows.push({
      source: `10.${(s >> 16) & 255}.${(s >> 8) & 255}.${s & 255}`,
      hour,
      port: PORTS[(mix >>> 5) % 3] as MailPort,
      flows,
      packets: flows * 6,
      bytes: flows * 1400,
      shortFlows: flows >> 2,
      synOnly: 0,
      firstSeenMs: hour * 1000 + 1000,
      lastSeenMs: hour * 1000 + 3_000_000,
      destinations,
      destinationsTruncated: false,
      distinctDestinations: destinations.size,
    });
  }
  return rows;
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  process.stdout.write(
    `${label.padEnd(34)} ${((performance.now() - start) / 1000).toFixed(2).padStart(7)} s\n`,
  );
  return result;
}

const { values } = parseArgs({
  options: {
    store: { type: "string", default: "clickhouse://127.0.0.1:8123/porteiro_bench" },
    sources: { type: "string", default: "20000" },
    days: { type: "string", default: "30" },
  },
});
const url = parseFlowStoreUrl(values.store);
if (url.engine !== "clickhouse") throw new Error("--store must be a clickhouse:// URL");
const sources = Number(values.sources);
const days = Number(values.days);
const store = await openClickHouseFlowStore(url);
await store.delete({});
const firstHour = Date.UTC(2024, 0, 1) / 1000;
let written = 0;
await timed("write (one batch an hour)", async () => {
  for (let h = 0; h < days * 24; h++) {
    const batch = hourOf(firstHour + h * 3600, sources);
    await store.write(batch, `bench ${h}`);
    written += batch.length;
  }
});
process.stdout.write(`aggregates written: ${written.toLocaleString("en-US")}\n`);
let streamed = 0;
await timed("sourceAggregates (all, streamed)", async () => {
  for await (const group of store.sourceAggregates()) streamed += group.length;
});
await timed("sourcePeriodFlows week (streamed)", async () => {
  for await (const _group of store.sourcePeriodFlows("week"));
});
await timed("flowCount", () => store.flowCount());
await timed("version", () => store.version());
await timed("dailyFlows of one source", () => store.dailyFlows("10.0.0.8"));
process.stdout.write(`aggregates streamed: ${streamed.toLocaleString("en-US")}\n`);
process.stdout.write(`peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
await store.close();

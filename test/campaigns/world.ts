/**
 * A data folder where one region's switch to enforce affects N subscribers: a plan (region sul,
 * IPv6 dynamic pool 2001:db8:1000::/40, enforcing on WORLD_AT), each subscriber's address leased
 * to them (RADIUS accounting), their direct-to-MX flows in the days before today, their directory
 * entries, and a porteiro.yaml naming the notices' sender and pace. For the crash and follow-up
 * test and bench/campaigns; worldFlowsNow() adds the traffic after the notices.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { addDays, type Day, formatAddress, parseAddress, today } from "../../src/core/index.js";
import { type HourlyAggregate, type MailPort, writeAggregates } from "../../src/flows/index.js";
import { openStore } from "../../src/store/index.js";
import { importDirectory, importLeases } from "../../src/subscribers/index.js";

/** The region's enforce day, a month ahead; its senders' flows are of the three days before today. */
export const WORLD_AT = addDays(today(), 30);

export interface WorldOptions {
  readonly subscribers: number;
  /** The smarthost the notices go to (a test's Postfix); none for a dry run or a bench. */
  readonly smarthostPort?: number;
  readonly perMinute?: number;
  readonly reminderDays?: number;
}

export interface World {
  readonly dir: string;
  readonly data: string;
  readonly config: string;
  readonly mailboxes: readonly string[];
}

/** The i-th subscriber's id, e-mail address and IPv6 address (2001:db8:1000::i+1). */
export function worldSubscriber(i: number): { id: string; email: string; address: string } {
  const n = i + 1;
  const address = formatAddress(
    parseAddress(`2001:db8:1000::${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`),
  );
  return { id: `sub-${i}`, email: `s${i}@example.org`, address };
}

const hourOf = (day: Day, hour: number) => Date.parse(`${day}T00:00:00Z`) / 1000 + hour * 3600;

/** Flows in the current hour from the i-th subscribers, on the port given for each. */
export function worldFlowsNow(data: string, ports: ReadonlyMap<number, MailPort>): void {
  const store = openStore(data);
  const hour = Math.floor(Date.now() / 3_600_000) * 3600;
  try {
    // Seen at this moment, after every notice sent so far.
    const now = Date.now();
    writeAggregates(
      store,
      [...ports].map(([i, port]) => ({
        ...flowsOf(worldSubscriber(i).address, hour, port),
        firstSeenMs: now,
        lastSeenMs: now,
      })),
    );
  } finally {
    store.close();
  }
}

/** Flows of one hour (epoch seconds): port 25 to three MXs, as a mail program sends, or to one submission server. */
function flowsOf(address: string, start: number, port: MailPort): HourlyAggregate {
  const destinations = new Map(
    port === 25
      ? [
          ["2001:db8:25::1", 2],
          ["2001:db8:25::2", 2],
          ["2001:db8:25::3", 2],
        ]
      : [["2001:db8:587::1", 6]],
  );
  return {
    source: address,
    hour: start,
    port,
    flows: 6,
    packets: 120,
    bytes: 60_000,
    shortFlows: 0,
    synOnly: 0,
    firstSeenMs: start * 1000 + 60_000,
    lastSeenMs: start * 1000 + 3_000_000,
    destinations,
    destinationsTruncated: false,
    distinctDestinations: destinations.size,
  };
}

export async function campaignWorld(dir: string, options: WorldOptions): Promise<World> {
  const data = join(dir, "data");
  const store = openStore(data);
  const people = Array.from({ length: options.subscribers }, (_, i) => worldSubscriber(i));
  try {
    writeFileSync(
      join(dir, "plan.yaml"),
      `isp: { name: Telecom Açaí, asn: 64500 }
relays: [2001:db8:25::25]
allow_relays_on_25: true
regions:
  - { id: sul, name: Região Sul, observe_from: ${addDays(today(), -10)}, enforce_from: ${WORLD_AT} }
pools:
  - { prefix: 2001:db8:1000::/40, kind: dynamic, region: sul }
`,
    );
    // Leased two months ago; the header's date is a placeholder, the Timestamp counts.
    const leaseStart = Date.parse(`${addDays(today(), -60)}T00:00:00Z`) / 1000;
    writeFileSync(
      join(dir, "detail"),
      people
        .map(
          (p, i) =>
            `Fri Jan  1 00:00:00 2027\n\tAcct-Status-Type = Start\n\tAcct-Session-Id = "w${i}"\n` +
            `\tUser-Name = "${p.id}"\n\tFramed-IPv6-Address = ${p.address}\n\tTimestamp = ${leaseStart}\n`,
        )
        .join("\n"),
    );
    await importLeases(store, join(dir, "detail"), "radius-detail");
    writeFileSync(
      join(dir, "customers.csv"),
      `subscriber,email,name,language\n${people.map((p, i) => `${p.id},${p.email},Cliente ${i},pt-BR`).join("\n")}\n`,
    );
    importDirectory(store, join(dir, "customers.csv"));
    const batch: HourlyAggregate[] = [];
    for (const p of people) {
      for (const back of [3, 2, 1]) {
        batch.push(flowsOf(p.address, hourOf(addDays(today(), -back), 9 + back), 25));
        batch.push(flowsOf(p.address, hourOf(addDays(today(), -back), 14), 25));
      }
      if (batch.length >= 60_000) writeAggregates(store, batch.splice(0));
    }
    writeAggregates(store, batch);
  } finally {
    store.close();
  }
  const config = join(dir, "porteiro.yaml");
  writeFileSync(
    config,
    `plan: plan.yaml
data: data
submission:
  hostname: porteiro.test
${options.smarthostPort ? `  smarthost: { host: 127.0.0.1, port: ${options.smarthostPort} }\n` : ""}campaigns: { from: avisos@example.net, per_minute: ${options.perMinute ?? 0}, reminder_days: ${options.reminderDays ?? 7} }
web: { provider_name: Telecom Açaí, submission_host: smtp.example.net }
`,
  );
  return { dir, data, config, mailboxes: people.map((p) => p.email) };
}

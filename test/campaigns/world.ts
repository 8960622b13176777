/**
 * A data folder where one region's switch to enforce affects N subscribers: a plan (region sul,
 * IPv6 dynamic pool 2001:db8:1000::/40, enforcing on AT), each subscriber's address leased to
 * them (RADIUS accounting), their direct-to-MX flows in the week before AT (and, for the first
 * `moved`, flows to 587 after it), their directory entries, and a porteiro.yaml naming the
 * notices' sender and pace. For the crash test, the follow-up test and bench/campaigns.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { addDays, type Day, formatAddress, parseAddress } from "../../src/core/index.js";
import { type HourlyAggregate, type MailPort, writeAggregates } from "../../src/flows/index.js";
import { openStore } from "../../src/store/index.js";
import { importDirectory, importLeases } from "../../src/subscribers/index.js";

export const WORLD_AT = "2027-03-01" as Day;

export interface WorldOptions {
  readonly subscribers: number;
  /** The smarthost the notices go to (a test's Postfix); none for a dry run or a bench. */
  readonly smarthostPort?: number;
  readonly perMinute?: number;
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

/** Port-25 flows to three MXs in office hours of the three days before AT, as a mail program sends. */
function flowsOf(address: string, day: Day, hour: number, port: MailPort): HourlyAggregate {
  const start = hourOf(day, hour);
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
  - { id: sul, name: Região Sul, observe_from: 2027-01-01, enforce_from: ${WORLD_AT} }
pools:
  - { prefix: 2001:db8:1000::/40, kind: dynamic, region: sul }
`,
    );
    const leaseStart = Date.parse("2027-01-01T00:00:00Z") / 1000;
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
        batch.push(flowsOf(p.address, addDays(WORLD_AT, -back), 9 + back, 25));
        batch.push(flowsOf(p.address, addDays(WORLD_AT, -back), 14, 25));
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
${options.smarthostPort ? `  smarthost: { host: 127.0.0.1, port: ${options.smarthostPort} }\n` : ""}campaigns: { from: avisos@example.net, per_minute: ${options.perMinute ?? 0} }
web: { provider_name: Telecom Açaí, submission_host: smtp.example.net }
`,
  );
  return { dir, data, config, mailboxes: people.map((p) => p.email) };
}

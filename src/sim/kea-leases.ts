/**
 * The year's leases as Kea's memfile lease file (kea-leases4.csv), rows in start order as Kea
 * appends them, the subscriber's PPPoE login in the hostname column. One row per session, its
 * valid lifetime the session's length, so start = expire − valid_lifetime.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { dotted } from "./isp.js";
import { dayStartMs, HISTORY_DAYS, type SimOptions } from "./options.js";
import { login, type Population } from "./population.js";
import type { Sessions } from "./sessions.js";

export const KEA_HEADER =
  "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id";

/** A locally administered MAC address per subscriber. */
const mac = (index: number) =>
  [
    "02",
    "a7",
    ...[index >>> 24, (index >>> 16) & 255, (index >>> 8) & 255, index & 255].map((b) =>
      b.toString(16).padStart(2, "0"),
    ),
  ].join(":");

function row(address: number, index: number, startMs: number, endMs: number, region: number): string {
  const lifetime = Math.round((endMs - startMs) / 1000);
  const expire = Math.round(endMs / 1000);
  return `${dotted(address)},${mac(index)},,${lifetime},${expire},${region + 1},0,0,${login(index)},0,,0\n`;
}

interface Row {
  readonly startMs: number;
  readonly text: string;
}

/** Every lease, in start order; webmail users' sessions began before the history and outlast it. */
export function leaseRows(population: Population, sessions: Sessions, options: SimOptions): string[] {
  const historyStart = dayStartMs(options, 0);
  const historyEnd = dayStartMs(options, HISTORY_DAYS);
  const rows: Row[] = [];
  population.regionRanges.forEach((range, region) => {
    for (let index = range.first; index < range.first + range.count; index++) {
      const address = sessions.fixedAddress[index] as number;
      if (address === 0) continue;
      // Spread over the 200 days before the history, ending 30 to 60 days after it: still open today.
      const startMs = historyStart - (1 + (index % 200)) * 86_400_000;
      const endMs = historyEnd + (30 + (index % 31)) * 86_400_000;
      rows.push({ startMs, text: row(address, index, startMs, endMs, region) });
    }
  });
  population.active.forEach((subscriber, slot) => {
    for (
      let id = sessions.firstSession[slot] as number;
      id < (sessions.firstSession[slot + 1] as number);
      id++
    ) {
      const startMs = sessions.startMs[id] as number;
      const text = row(
        sessions.address[id] as number,
        subscriber.index,
        startMs,
        sessions.endMs[id] as number,
        subscriber.region,
      );
      rows.push({ startMs, text });
    }
  });
  rows.sort((a, b) => a.startMs - b.startMs);
  return rows.map((r) => r.text);
}

export async function writeKeaLeases(file: string, rows: readonly string[]): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${KEA_HEADER}\n`);
  const CHUNK = 4096;
  for (let i = 0; i < rows.length; i += CHUNK) {
    if (!out.write(rows.slice(i, i + CHUNK).join(""))) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/**
 * The year's leases as Kea's memfile lease file (kea-leases4.csv), rows in start order as Kea
 * appends them, the subscriber's PPPoE login in the hostname column. One row per session, its
 * valid lifetime the session's length, so start = expire − valid_lifetime.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { formatIpv6 } from "../core/index.js";
import { delegatedPrefix, dualStack } from "./ipv6.js";
import { dotted, type SimIsp } from "./isp.js";
import { dayStartMs, HISTORY_DAYS, type SimOptions } from "./options.js";
import { login, type Population } from "./population.js";
import type { Sessions } from "./sessions.js";

export const KEA_HEADER =
  "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id";
export const KEA6_HEADER =
  "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id";

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

export interface LeaseRow {
  readonly startMs: number;
  readonly text: string;
}

/**
 * The leases of the bots, or of the mail-client users (a session every few days), in start
 * order. The bots' are imported before the complaints that name their addresses.
 */
export function activeLeaseRows(
  population: Population,
  sessions: Sessions,
  kind: "bot" | "mail-client",
): LeaseRow[] {
  const rows: LeaseRow[] = [];
  population.active.forEach((subscriber, slot) => {
    if (subscriber.kind !== kind) return;
    for (
      let id = sessions.firstSession[slot] as number;
      id < (sessions.firstSession[slot + 1] as number);
      id++
    ) {
      const startMs = sessions.startMs[id] as number;
      const endMs = sessions.endMs[id] as number;
      rows.push({
        startMs,
        text: row(sessions.address[id] as number, subscriber.index, startMs, endMs, subscriber.region),
      });
    }
  });
  return rows.sort((a, b) => a.startMs - b.startMs);
}

/** The webmail users' one long session each: begun before the history, still open at its end. */
export function webmailLeaseRows(
  population: Population,
  sessions: Sessions,
  options: SimOptions,
): LeaseRow[] {
  const historyStart = dayStartMs(options, 0);
  const historyEnd = dayStartMs(options, HISTORY_DAYS);
  const rows: LeaseRow[] = [];
  population.regionRanges.forEach((range, region) => {
    for (let index = range.first; index < range.first + range.count; index++) {
      const address = sessions.fixedAddress[index] as number;
      if (address === 0) continue;
      // Starts spread over the 200 days before the history; ends 30 to 60 days after it.
      const startMs = historyStart - (1 + (index % 200)) * 86_400_000;
      const endMs = historyEnd + (30 + (index % 31)) * 86_400_000;
      rows.push({ startMs, text: row(address, index, startMs, endMs, region) });
    }
  });
  return rows.sort((a, b) => a.startMs - b.startMs);
}

/**
 * The dual-stack subscribers' delegated /56 prefixes (kea-leases6.csv, lease type 2): one lease
 * each, begun before the history and still held at its end, as a stable delegation is.
 */
export function delegatedPrefixRows(isp: SimIsp, population: Population, options: SimOptions): LeaseRow[] {
  const startMs = dayStartMs(options, 0) - 30 * 86_400_000;
  const endMs = dayStartMs(options, HISTORY_DAYS) + 30 * 86_400_000;
  const lifetime = Math.round((endMs - startMs) / 1000);
  const rows: LeaseRow[] = [];
  population.active.forEach((subscriber, slot) => {
    const region = isp.regions[subscriber.region];
    if (!region || !dualStack(subscriber.index)) return;
    const prefix = formatIpv6(delegatedPrefix(region, slot));
    const duid = `00:03:00:01:${mac(subscriber.index)}`;
    const text = `${prefix},${duid},${lifetime},${Math.round(endMs / 1000)},${subscriber.region + 1},${lifetime},2,1,56,0,0,${login(subscriber.index)},${mac(subscriber.index)},0,,1,0,0\n`;
    rows.push({ startMs, text });
  });
  return rows;
}

export async function writeKeaLeases(
  file: string,
  rows: readonly LeaseRow[],
  header = KEA_HEADER,
): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  const CHUNK = 4096;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const text = rows
      .slice(i, i + CHUNK)
      .map((r) => r.text)
      .join("");
    if (!out.write(text)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

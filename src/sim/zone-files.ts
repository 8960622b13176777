/**
 * The weekly listing files of two blacklists, in the formats their mirrors serve: "cbl" as an
 * rbldnsd ip4set zone, "spamhaus-xbl" as a plain list (it carries about three in four of the
 * same machines, as the XBL takes the CBL's data and more).
 */
import type { ListingFormat } from "../reputation/index.js";
import { dotted } from "./isp.js";

export interface DemoList {
  readonly name: string;
  readonly format: ListingFormat;
  readonly extension: string;
  /** Share of the addresses this list carries, chosen by a hash of the address. */
  readonly share: number;
}

export const DEMO_LISTS: readonly DemoList[] = [
  { name: "cbl", format: "rbldnsd", extension: "zone", share: 1 },
  { name: "spamhaus-xbl", format: "plain", extension: "txt", share: 0.75 },
];

const carries = (list: DemoList, address: number) =>
  (Math.imul(address, 0x9e3779b1) >>> 0) % 1000 < list.share * 1000;

/** The list's file for a day; `addresses` sorted. */
export function zoneFile(list: DemoList, day: string, addresses: Uint32Array): string {
  const lines =
    list.format === "rbldnsd"
      ? [
          `# ${list.name} on ${day}: synthetic demo data (src/sim)`,
          ":127.0.0.2:Listed in the demo list, see https://cbl.example/lookup?ip=$",
        ]
      : [`# ${list.name} on ${day}: synthetic demo data (src/sim)`];
  for (const address of addresses) if (carries(list, address)) lines.push(dotted(address));
  return `${lines.join("\n")}\n`;
}

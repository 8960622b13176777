// Renders leases into each format, for the parsers' round-trip properties.
import fc from "fast-check";
import { type Address, formatAddress } from "../../src/core/index.js";
import type { Lease, ParseEvent } from "../../src/subscribers/index.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad = (n: number) => String(n).padStart(2, "0");

/** A string quoted the way FreeRADIUS and dhcpd write one: octal for control bytes. */
export function quote(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, "0")}`;
    else out += char;
  }
  return `"${out}"`;
}

export function ctime(ms: number): string {
  const d = new Date(ms);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${clock} ${d.getUTCFullYear()}`;
}

export function eventTimestamp(ms: number): string {
  const d = new Date(ms);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `"${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${d.getUTCFullYear()} ${clock} UTC"`;
}

export function dhcpdTime(ms: number): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  return `${d.getUTCDay()} ${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Whole seconds between 2000 and 2100, as the formats store seconds. */
export const instant = fc.integer({ min: 946_684_800, max: 4_102_444_800 }).map((s) => s * 1000);
export const ipv4 = fc.nat({ max: 0xffffffff }).map((value): Address => ({ family: 4, value }));
export const ipv6 = fc
  .bigInt({ min: 0n, max: (1n << 128n) - 1n })
  .filter((v) => v >> 32n !== 0xffffn)
  .map((value): Address => ({ family: 6, value }));
export const subscriberText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });
export const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) =>
  Buffer.from(b)
    .toString("hex")
    .replace(/(..)(?=.)/g, "$1:"),
);

/** Leases of a parse, in a stable order, with addresses as text for readable failures. */
export function leasesOf(events: readonly ParseEvent[]) {
  return events
    .flatMap((e) => ("lease" in e ? [e.lease] : []))
    .map(show)
    .sort();
}

export function show(l: Lease): string {
  const where = [formatAddress(l.address), l.prefixLength, l.subscriber, l.startMs, l.endMs];
  return JSON.stringify(l.ports ? [...where, `${l.ports.first}-${l.ports.last}`] : where);
}

export async function collect(events: AsyncIterable<ParseEvent>): Promise<ParseEvent[]> {
  const out: ParseEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

export const errorsOf = (events: readonly ParseEvent[]) =>
  events.flatMap((e) => ("error" in e ? [`${e.error.line}: ${e.error.message}`] : []));

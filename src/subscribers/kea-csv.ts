import { type Address, parseIpv4, parseIpv6 } from "../core/index.js";
import type { Lines, ParseEvent } from "./lease.js";
import { type LeaseEntry, LeaseReplay } from "./lease-replay.js";

export const KEA_SUBSCRIBER_FIELDS = ["hwaddr", "client_id", "duid", "hostname"] as const;
export type KeaSubscriberField = (typeof KEA_SUBSCRIBER_FIELDS)[number];

export interface KeaCsvOptions {
  /** The column naming the subscriber: hwaddr for kea-leases4.csv, duid for kea-leases6.csv by default. */
  readonly subscriberField?: KeaSubscriberField;
}

const PREFIX_DELEGATION = "2";
/** Kea writes a comma inside a value (hostname, user context) as this entity. */
const ESCAPED_COMMA = /&#x2c/g;
const SECONDS = /^\d{1,12}$/;

class RowError extends Error {}

interface Columns {
  readonly family: 4 | 6;
  readonly count: number;
  readonly index: ReadonlyMap<string, number>;
  readonly subscriber: KeaSubscriberField;
}

function columnsOf(header: string, chosen: KeaSubscriberField | undefined): Columns | string {
  const names = header.split(",");
  const index = new Map(names.map((name, i) => [name, i]));
  const family = index.has("duid") ? 6 : 4;
  const subscriber = chosen ?? (family === 6 ? "duid" : "hwaddr");
  for (const needed of ["address", "valid_lifetime", "expire", subscriber]) {
    if (!index.has(needed)) return `the header has no ${needed} column (is this a Kea lease file?)`;
  }
  return { family, count: names.length, index, subscriber };
}

function column(row: readonly string[], columns: Columns, name: string): string {
  const at = columns.index.get(name);
  return at === undefined ? "" : (row[at] ?? "").replace(ESCAPED_COMMA, ",");
}

function seconds(row: readonly string[], columns: Columns, name: string): number {
  const text = column(row, columns, name);
  if (!SECONDS.test(text)) throw new RowError(`${name} "${text}" is not a number of seconds`);
  return Number(text);
}

function rowEntry(row: readonly string[], columns: Columns): LeaseEntry {
  const text = column(row, columns, "address");
  let address: Address;
  if (columns.family === 4) {
    const value = parseIpv4(text);
    if (value < 0) throw new RowError(`address "${text}" is not an IPv4 address`);
    address = { family: 4, value };
  } else {
    const value = parseIpv6(text);
    if (value === undefined) throw new RowError(`address "${text}" is not an IPv6 address`);
    address = { family: 6, value };
  }
  let prefixLength = columns.family === 4 ? 32 : 128;
  if (column(row, columns, "lease_type") === PREFIX_DELEGATION) {
    prefixLength = Number(column(row, columns, "prefix_len"));
    if (!Number.isInteger(prefixLength) || prefixLength < 1 || prefixLength > 128) {
      throw new RowError(`prefix_len "${column(row, columns, "prefix_len")}" is not an IPv6 prefix length`);
    }
  }
  const lifetime = seconds(row, columns, "valid_lifetime");
  const expireMs = seconds(row, columns, "expire") * 1000;
  // State 0 is an assigned lease; declined (1), expired-reclaimed (2) and released (3) end it,
  // as does a zero lifetime, which is how Kea's memfile records a deleted lease.
  const state = column(row, columns, "state");
  const active = (state === "" || state === "0") && lifetime > 0;
  const subscriber = column(row, columns, columns.subscriber);
  if (active && subscriber === "") throw new RowError(`the lease has no ${columns.subscriber}`);
  return {
    address,
    prefixLength,
    subscriber: subscriber === "" ? null : subscriber,
    startMs: expireMs - lifetime * 1000,
    endMs: expireMs,
    active,
  };
}

/**
 * Reads Kea's memfile lease CSV (kea-leases4.csv or kea-leases6.csv, told apart by a duid column):
 * a lease starts at expire − valid_lifetime and ends at expire. The file only appends, so later
 * rows for an address override earlier ones (see LeaseReplay).
 */
export async function* parseKeaCsv(lines: Lines, options: KeaCsvOptions = {}): AsyncGenerator<ParseEvent> {
  const replay = new LeaseReplay();
  let columns: Columns | undefined;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line === "") continue;
    if (line.startsWith("address,")) {
      const read = columnsOf(line, options.subscriberField);
      if (typeof read === "string") {
        yield { error: { line: lineNumber, message: read } };
        return;
      }
      columns = read;
      continue;
    }
    if (!columns) {
      yield { error: { line: lineNumber, message: 'expected the CSV header "address,…" first' } };
      return;
    }
    const row = line.split(",");
    if (row.length !== columns.count) {
      yield { error: { line: lineNumber, message: `expected ${columns.count} columns, got ${row.length}` } };
      continue;
    }
    try {
      for (const lease of replay.apply(rowEntry(row, columns))) yield { lease };
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      yield { error: { line: lineNumber, message: error.message } };
    }
  }
  for (const lease of replay.finish()) yield { lease };
}

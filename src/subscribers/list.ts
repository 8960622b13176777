import { type Address, parseAddress } from "../core/index.js";
import type { Store } from "../store/index.js";
import { addressFromKey, addressKey, networkAddress } from "./address-key.js";
import { type Lease, type LeaseFormat, storedPorts } from "./lease.js";

/** A lease as stored, with the file it came from. */
export interface StoredLease extends Lease {
  readonly sourceFormat: LeaseFormat;
  readonly sourceFile: string;
}

export interface ListOptions {
  /** Only the leases of this address, or of the delegated prefixes that contain it. */
  readonly address?: Address | string;
  /** At most this many, by address then start; all by default. */
  readonly limit?: number;
}

interface Row {
  family: number;
  address_key: Buffer;
  prefix_length: number;
  subscriber: string;
  start_ms: number;
  end_ms: number | null;
  source_format: LeaseFormat;
  source_file: string;
  port_first: number;
  port_last: number;
}

const COLUMNS =
  "family, address_key, prefix_length, subscriber, start_ms, end_ms, source_format, source_file, port_first, port_last";
const ORDER = "ORDER BY family, address_key, prefix_length, start_ms, port_first, subscriber";

function toLease(row: Row): StoredLease {
  const ports = storedPorts(row.port_first, row.port_last);
  return {
    ...(ports ? { ports } : {}),
    address: addressFromKey(row.family, row.address_key),
    prefixLength: row.prefix_length,
    subscriber: row.subscriber,
    startMs: row.start_ms,
    endMs: row.end_ms,
    sourceFormat: row.source_format,
    sourceFile: row.source_file,
  };
}

/** The stored leases, as imported (ends not cut by later leases), by address, start then port block. */
export function listLeases(store: Store, options: ListOptions = {}): StoredLease[] {
  const limit = options.limit ?? -1;
  if (options.address === undefined) {
    const rows = store
      .prepare(`SELECT ${COLUMNS} FROM subscriber_leases ${ORDER} LIMIT ?`)
      .all(limit) as Row[];
    return rows.map(toLease);
  }
  const target = typeof options.address === "string" ? parseAddress(options.address) : options.address;
  // One indexed look-up per prefix length in use (/32; /128, /64, /56 …), not a scan.
  const keys = prefixLengthsInUse(store, target.family).map(
    (length) => [addressKey(networkAddress(target, length)), length] as const,
  );
  if (keys.length === 0) return [];
  const where = keys.map(() => "(address_key = ? AND prefix_length = ?)").join(" OR ");
  const rows = store
    .prepare(`SELECT ${COLUMNS} FROM subscriber_leases WHERE family = ? AND (${where}) ${ORDER} LIMIT ?`)
    .all(target.family, ...keys.flat(), limit) as Row[];
  return rows.map(toLease);
}

/**
 * The distinct prefix lengths stored for a family, one index seek each (a few: /32; /128, /64,
 * /56 …), where SELECT DISTINCT would read every lease.
 */
function prefixLengthsInUse(store: Store, family: 4 | 6): number[] {
  const next = store.prepare(
    "SELECT MIN(prefix_length) AS length FROM subscriber_leases WHERE family = ? AND prefix_length > ?",
  );
  const lengths: number[] = [];
  let after = -1;
  for (;;) {
    const { length } = next.get(family, after) as { length: number | null };
    if (length === null) return lengths;
    lengths.push(length);
    after = length;
  }
}

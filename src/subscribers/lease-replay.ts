import type { Address } from "../core/index.js";
import type { Lease } from "./lease.js";

/** One entry of a DHCP lease database, where a later entry for an address overrides earlier ones. */
export interface LeaseEntry {
  readonly address: Address;
  readonly prefixLength: number;
  /** Null on a freed entry that no longer names its client. */
  readonly subscriber: string | null;
  readonly startMs: number;
  readonly endMs: number | null;
  /** False for free, released, expired … entries: they end whatever the address held. */
  readonly active: boolean;
}

/**
 * Replays a lease database that only appends (Kea's memfile): a renewal by the same
 * client that starts before its lease ended extends that lease (the later end wins); another
 * client, or a gap, starts a new lease; a free/released/expired entry ends the current one at
 * that entry's end time. One lease in progress per address, so memory follows the address count.
 */
export class LeaseReplay {
  private readonly current = new Map<string, Lease>();

  /** Applies an entry; returns the leases it completes. */
  apply(entry: LeaseEntry): Lease[] {
    const key = `${entry.address.family}/${entry.address.value}/${entry.prefixLength}`;
    const held = this.current.get(key);
    if (!entry.active) {
      if (!held) return [];
      this.current.delete(key);
      if (entry.subscriber !== null && entry.subscriber !== held.subscriber) return [held];
      const endMs = entry.endMs === null ? held.endMs : Math.min(held.endMs ?? entry.endMs, entry.endMs);
      return [{ ...held, endMs: endMs === null ? null : Math.max(endMs, held.startMs) }];
    }
    const subscriber = entry.subscriber as string;
    if (held && held.subscriber === subscriber && entry.startMs <= (held.endMs ?? Number.POSITIVE_INFINITY)) {
      this.current.set(key, { ...held, startMs: Math.min(held.startMs, entry.startMs), endMs: entry.endMs });
      return [];
    }
    const { address, prefixLength, startMs, endMs } = entry;
    this.current.set(key, { address, prefixLength, subscriber, startMs, endMs });
    return held ? [held] : [];
  }

  /** The leases still in progress at the end of the file. */
  finish(): Lease[] {
    const rest = [...this.current.values()];
    this.current.clear();
    return rest;
  }
}

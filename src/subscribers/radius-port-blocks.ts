import { type Address, parseAddress, UserError } from "../core/index.js";
import type { PortRange } from "./lease.js";
import { type Attribute, all, type DetailRecord, first, RecordError, text } from "./radius-record.js";

/** A block of ports of a public address that CGNAT gear gave one subscriber. */
export interface PortBlock {
  readonly address: Address;
  readonly ports: PortRange;
}

/**
 * What one accounting record says about its session's port blocks. `held`: blocks the session
 * holds (those new to it start at this record); `released`: blocks it gave back; `complete`:
 * `held` names every block the session holds, so any other it had is released.
 */
export interface PortBlockReport {
  readonly held: readonly PortBlock[];
  readonly released: readonly PortBlock[];
  readonly complete: boolean;
}

/** `<public address> <first>-<last>[,<first>-<last>]* <outside routing instance>`. */
const NOKIA_RANGE = /^(\S+) (\d{1,5}-\d{1,5}(?:,\d{1,5}-\d{1,5})*)(?: |$)/;
const PORT = /^\d{1,5}$/;

function portOf(attribute: Attribute, name: string, value: string): number {
  if (!PORT.test(value) || Number(value) > 65535) {
    throw new RecordError(attribute.line, `${name} "${value}" is not a port number`);
  }
  return Number(value);
}

/** One end of a block: the attribute that gives it, under its name, and its text. */
type End = readonly [attribute: Attribute, name: string, value: string];

/** A block from its two ends, each checked at the line of the attribute that gave it. */
function rangeOf(low: End, high: End): PortRange {
  const ports = { first: portOf(...low), last: portOf(...high) };
  if (ports.first > ports.last) {
    throw new RecordError(low[0].line, `${low[1]}: port block ${low[2]}-${high[2]} ends before it starts`);
  }
  return ports;
}

/** A block from attributes that give its address, first and last port (Huawei, RFC 8045). */
function blockOf(names: readonly [string, string, string], [address, low, high]: Attribute[]): PortBlock {
  const [a, l, h] = [address, low, high] as [Attribute, Attribute, Attribute];
  return {
    address: addressOf(a, names[0], text(a)),
    ports: rangeOf([l, names[1], text(l)], [h, names[2], text(h)]),
  };
}

function addressOf(attribute: Attribute, name: string, value: string): Address {
  try {
    return parseAddress(value);
  } catch (error) {
    if (error instanceof UserError) throw new RecordError(attribute.line, `${name}: ${error.message}`);
    throw error;
  }
}

/** Attributes that describe one block each only when they come in equal numbers, paired in order. */
function paired(record: DetailRecord, names: readonly string[]): Attribute[][] {
  const lists = names.map((name) => all(record, name));
  const count = lists[0]?.length ?? 0;
  if (lists.every((list) => list.length === count)) {
    return Array.from({ length: count }, (_, i) => lists.map((list) => list[i] as Attribute));
  }
  const line = Math.min(...lists.flatMap((list) => list.map((a) => a.line)));
  throw new RecordError(line, `${names.join(", ")} must come together, one of each per port block`);
}

/** Nokia SR OS (ESM and LSN accounting): every block of the subscriber, in each record. */
function nokia(record: DetailRecord): PortBlock[] {
  return all(record, "Alc-Nat-Port-Range").flatMap((attribute) => {
    const value = text(attribute);
    const match = NOKIA_RANGE.exec(value);
    if (!match) {
      throw new RecordError(
        attribute.line,
        `Alc-Nat-Port-Range "${value}" is not "<address> <first>-<last>[,<first>-<last>…] <routing instance>"`,
      );
    }
    const address = addressOf(attribute, "Alc-Nat-Port-Range", match[1] as string);
    return (match[2] as string).split(",").map((range) => {
      const [low, high] = range.split("-") as [string, string];
      const name = "Alc-Nat-Port-Range";
      return { address, ports: rangeOf([attribute, name, low], [attribute, name, high]) };
    });
  });
}

const HUAWEI = ["Huawei-NAT-Public-Address", "Huawei-NAT-Start-Port", "Huawei-NAT-End-Port"] as const;
const RFC8045 = [
  "IP-Port-Range-Ext-IPv4-Addr",
  "IP-Port-Range-Range-Start",
  "IP-Port-Range-Range-End",
] as const;

/** Huawei BNG/CGN: one block a record; HW-Nat-Port-Range-Update says 0 added, 1 deleted, 3 replaced. */
function huawei(record: DetailRecord): PortBlockReport {
  const blocks = paired(record, HUAWEI).map((attributes) => blockOf(HUAWEI, attributes));
  const update = first(record, "Huawei-NAT-Port-Range-Update");
  const change = update ? text(update) : "0";
  if (change === "1") return { held: [], released: blocks, complete: false };
  if (change === "0" || change === "3") return { held: blocks, released: [], complete: change === "3" };
  throw new RecordError(
    (update as Attribute).line,
    `Huawei-NAT-Port-Range-Update "${change}" is not 0 (added), 1 (deleted) or 3 (public address changed)`,
  );
}

/** RFC 8045 IP-Port-Range, as FreeRADIUS 3 writes the TLV: one flat attribute per member. */
function rfc8045(record: DetailRecord): PortBlockReport {
  const held: PortBlock[] = [];
  const released: PortBlock[] = [];
  const allocs = all(record, "IP-Port-Range-Alloc");
  paired(record, RFC8045).forEach((attributes, i) => {
    const block = blockOf(RFC8045, attributes);
    // Alloc is optional; present, it goes with the block in the same position.
    const alloc = allocs.length === 0 ? undefined : allocs[i];
    if (allocs.length > 0 && !alloc) {
      throw new RecordError(
        (allocs[0] as Attribute).line,
        "IP-Port-Range-Alloc is given for some port blocks only",
      );
    }
    const value = alloc ? text(alloc) : "1";
    if (value === "1" || value === "Allocation") held.push(block);
    else if (value === "2" || value === "Deallocation") released.push(block);
    else
      throw new RecordError(
        (alloc as Attribute).line,
        `IP-Port-Range-Alloc "${value}" is not 1 (allocation) or 2 (deallocation)`,
      );
  });
  return { held, released, complete: false };
}

/**
 * The port blocks an accounting record reports, in the shapes CGNAT gear writes them: Nokia's
 * Alc-Nat-Port-Range, Huawei's Huawei-NAT-Public-Address/Start-Port/End-Port and RFC 8045's
 * IP-Port-Range. Malformed or incomplete block attributes are a RecordError at their line.
 */
export function portBlocksOf(record: DetailRecord): PortBlockReport {
  const listed = nokia(record);
  const fromHuawei = huawei(record);
  const fromRfc = rfc8045(record);
  return {
    held: [...listed, ...fromHuawei.held, ...fromRfc.held],
    released: [...fromHuawei.released, ...fromRfc.released],
    complete: listed.length > 0 || fromHuawei.complete,
  };
}

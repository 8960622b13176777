import { type Address, parseAddress, parsePrefix, UserError } from "../core/index.js";
import { formatPorts, fullLength, type Lines, type ParseEvent } from "./lease.js";
import { type PortBlock, type PortBlockReport, portBlocksOf } from "./radius-port-blocks.js";
import { type Attribute, type DetailRecord, first, RecordError, text } from "./radius-record.js";
import { parseDetailHeader, parseRadiusTime } from "./radius-time.js";

export interface RadiusDetailOptions {
  /** The attribute naming the subscriber; User-Name unless the NAS puts it elsewhere (Calling-Station-Id). */
  readonly subscriberAttribute?: string;
}

interface Session {
  readonly subscriber: string;
  readonly startMs: number;
  readonly addresses: Map<string, { address: Address; prefixLength: number }>;
  /** CGNAT port blocks held now, each from when it was first reported. */
  readonly blocks: Map<string, { block: PortBlock; startMs: number }>;
}

/** Flag `s`: a quoted value may hold U+2028 or U+2029, which `.` alone does not match. */
const ATTRIBUTE = /^[ \t]+([A-Za-z0-9][\w.:-]*) = (.*)$/s;
/** The attributes that carry an address or a delegated prefix of the session. */
const ADDRESS_ATTRIBUTES = [
  "Framed-IP-Address",
  "Framed-IPv6-Address",
  "Framed-IPv6-Prefix",
  "Delegated-IPv6-Prefix",
];

function timeOf(record: DetailRecord): number {
  const stamp = first(record, "Event-Timestamp") ?? first(record, "Timestamp");
  if (!stamp) return record.headerMs;
  const ms = parseRadiusTime(text(stamp));
  if (typeof ms === "string") throw new RecordError(stamp.line, ms);
  return ms;
}

function sessionSeconds(record: DetailRecord): number | undefined {
  const attribute = first(record, "Acct-Session-Time");
  if (!attribute) return undefined;
  if (!/^\d{1,10}$/.test(attribute.value)) {
    throw new RecordError(
      attribute.line,
      `Acct-Session-Time "${attribute.value}" is not a number of seconds`,
    );
  }
  return Number(attribute.value);
}

function addressesOf(record: DetailRecord, into: Session["addresses"]): void {
  for (const name of ADDRESS_ATTRIBUTES) {
    for (const attribute of record.attributes.get(name) ?? []) {
      const value = text(attribute);
      try {
        const prefix = value.includes("/") ? parsePrefix(value) : undefined;
        const address = prefix
          ? ({ family: prefix.family, value: prefix.start } as Address)
          : parseAddress(value);
        const prefixLength = prefix ? prefix.length : fullLength(address);
        into.set(`${address.family}/${address.value}/${prefixLength}`, { address, prefixLength });
      } catch (error) {
        if (error instanceof UserError) throw new RecordError(attribute.line, `${name}: ${error.message}`);
        throw error;
      }
    }
  }
}

function required(record: DetailRecord, name: string): Attribute {
  const attribute = first(record, name);
  if (!attribute) throw new RecordError(record.line, `record has no ${name}`);
  return attribute;
}

function sessionKey(record: DetailRecord): string {
  const unique = first(record, "Acct-Unique-Session-Id");
  if (unique) return text(unique);
  // Acct-Session-Id is unique per NAS only.
  const nas = first(record, "NAS-IP-Address") ?? first(record, "NAS-Identifier");
  return `${nas ? text(nas) : ""}\u0000${text(required(record, "Acct-Session-Id"))}`;
}

const blockKey = (b: PortBlock) => `${b.address.family}/${b.address.value}/${formatPorts(b.ports)}`;

function blockLease(session: Session, held: { block: PortBlock; startMs: number }, endMs: number | null) {
  const { address, ports } = held.block;
  const lease = { address, prefixLength: fullLength(address), subscriber: session.subscriber, ports };
  return {
    lease: { ...lease, startMs: held.startMs, endMs: endMs === null ? null : Math.max(endMs, held.startMs) },
  };
}

/** The session's leases: its addresses and the port blocks it still holds, all ending at `endMs`. */
function leasesOf(session: Session, endMs: number | null): ParseEvent[] {
  const addresses = [...session.addresses.values()].map(
    ({ address, prefixLength }): ParseEvent => ({
      lease: { address, prefixLength, subscriber: session.subscriber, startMs: session.startMs, endMs },
    }),
  );
  return [...addresses, ...[...session.blocks.values()].map((held) => blockLease(session, held, endMs))];
}

/**
 * Applies a record's port-block report to its session; returns the leases of the blocks it ends.
 * A block first reported by the record that made the session (its Start, or a record whose Start
 * is in an earlier file) starts with the session; one reported later starts at that record.
 */
function updateBlocks(
  session: Session,
  report: PortBlockReport,
  atMs: number,
  startedHere: boolean,
): ParseEvent[] {
  const ended: ParseEvent[] = [];
  const release = (key: string) => {
    const held = session.blocks.get(key);
    if (!held) return;
    session.blocks.delete(key);
    ended.push(blockLease(session, held, atMs));
  };
  const listed = new Set(report.held.map(blockKey));
  if (report.complete) for (const key of [...session.blocks.keys()]) if (!listed.has(key)) release(key);
  for (const block of report.released) release(blockKey(block));
  for (const block of report.held) {
    const key = blockKey(block);
    if (!session.blocks.has(key))
      session.blocks.set(key, { block, startMs: startedHere ? session.startMs : atMs });
  }
  return ended;
}

/**
 * Reads FreeRADIUS accounting `detail` files: Start opens a session's leases (one per address or
 * delegated prefix it carries), Interim-Update adds addresses that arrive late, Stop closes them at
 * its Event-Timestamp (else the start plus Acct-Session-Time). Sessions are told apart by
 * Acct-Unique-Session-Id, else NAS plus Acct-Session-Id. An Interim or Stop whose Start is in an
 * earlier file starts at its time minus Acct-Session-Time. Sessions still open at the end of the
 * input are yielded with no end. Other status types (Accounting-On/Off) are passed over.
 *
 * CGNAT port blocks (see portBlocksOf) become leases of their public address holding only those
 * ports: from the record that first reports a block until one releases it or the session stops.
 */
export async function* parseRadiusDetail(
  lines: Lines,
  options: RadiusDetailOptions = {},
): AsyncGenerator<ParseEvent> {
  const subscriberAttribute = options.subscriberAttribute ?? "User-Name";
  const sessions = new Map<string, Session>();

  function apply(record: DetailRecord): ParseEvent[] {
    if (record.problem) return [{ error: record.problem }];
    try {
      const status = text(required(record, "Acct-Status-Type"));
      if (status !== "Start" && status !== "Interim-Update" && status !== "Alive" && status !== "Stop")
        return [];
      const key = sessionKey(record);
      const atMs = timeOf(record);
      const seconds = sessionSeconds(record);
      const blocks = portBlocksOf(record);
      let session = sessions.get(key);
      const startedHere = !session;
      if (!session) {
        if (status === "Stop" && seconds === undefined) {
          throw new RecordError(
            record.line,
            "Stop of a session not started in this file, without Acct-Session-Time",
          );
        }
        // The session's first record names the subscriber; later ones may leave the attribute out.
        const named = required(record, subscriberAttribute);
        const subscriber = text(named);
        if (subscriber === "") throw new RecordError(named.line, `${subscriberAttribute} is empty`);
        const startMs = status === "Start" ? atMs : atMs - (seconds ?? 0) * 1000;
        session = { subscriber, startMs, addresses: new Map(), blocks: new Map() };
        sessions.set(key, session);
      }
      addressesOf(record, session.addresses);
      const released = updateBlocks(session, blocks, atMs, startedHere);
      if (status !== "Stop") return released;
      sessions.delete(key);
      const stoppedAt = first(record, "Event-Timestamp");
      const endMs = stoppedAt || seconds === undefined ? atMs : session.startMs + seconds * 1000;
      return [...released, ...leasesOf(session, Math.max(endMs, session.startMs))];
    } catch (error) {
      if (error instanceof RecordError) return [{ error: { line: error.line, message: error.message } }];
      throw error;
    }
  }

  let record: DetailRecord | undefined;
  let lineNumber = 0;
  let skipping = false;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === "") {
      if (record) yield* apply(record);
      record = undefined;
      skipping = false;
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (skipping) continue;
      if (!record) {
        yield {
          error: { line: lineNumber, message: "attribute outside a record (no timestamp line before it)" },
        };
        skipping = true;
        continue;
      }
      const match = ATTRIBUTE.exec(line);
      if (!match) {
        record.problem ??= {
          line: lineNumber,
          message: `expected "Attribute = value", got ${JSON.stringify(line.trim())}`,
        };
        continue;
      }
      const [, name, value] = match as unknown as [string, string, string];
      const list = record.attributes.get(name);
      if (list) list.push({ value, line: lineNumber });
      else record.attributes.set(name, [{ value, line: lineNumber }]);
      continue;
    }
    if (record) yield* apply(record);
    record = undefined;
    const headerMs = parseDetailHeader(line);
    if (headerMs === undefined) {
      yield {
        error: {
          line: lineNumber,
          message: `expected a record's timestamp line such as "Thu Jan  1 10:00:00 2026", got ${JSON.stringify(line.slice(0, 80))}`,
        },
      };
      skipping = true;
      continue;
    }
    skipping = false;
    record = { line: lineNumber, headerMs, attributes: new Map() };
  }
  if (record) yield* apply(record);
  for (const session of sessions.values()) yield* leasesOf(session, null);
}

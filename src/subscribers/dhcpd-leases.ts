import { type Address, parseIpv4, parseIpv6, parsePrefix, UserError } from "../core/index.js";
import { type Block, type BlockKind, EntryError, readField, single, timeOf } from "./dhcpd-block.js";
import { bytesOf, type DhcpdIdentity, IDENTITY_FIELDS, subscriberOf } from "./dhcpd-identity.js";
import { type Statement, statementsOf, textOf } from "./dhcpd-statements.js";
import type { Lease, Lines, ParseEvent } from "./lease.js";
import { colonHex } from "./quoted.js";

export interface DhcpdLeasesOptions {
  /** What names the subscriber of an IPv4 lease: its MAC address unless told otherwise. */
  readonly identity?: DhcpdIdentity;
}

/** A client holds the address from `starts` to `ends`. */
const HELD_STATES = new Set(["active", "bootp"]);
/** The client held it from `starts` until `ends` (or `tstp`), and no longer does. */
const ENDED_STATES = new Set(["free", "expired", "released"]);

function kindOf(keyword: string | undefined, parent: Block | undefined): BlockKind {
  if (!parent && keyword === "lease") return "lease";
  if (!parent && keyword?.startsWith("ia-")) return "ia";
  if (parent?.kind === "ia" && (keyword === "iaaddr" || keyword === "iaprefix")) return keyword;
  return "other";
}

function stateOf(block: Block): string {
  const field = block.fields.get("binding state");
  // dhcpd before 3.0 wrote no state: a lease in the file was a lease held.
  return field ? single(field, "binding state").text : "active";
}

interface Place {
  readonly address: Address;
  readonly prefixLength: number;
}

/** Whom the last record of each address named and from when: a freed record may no longer name its client. */
type LastHolders = Map<string, { readonly startMs: number; readonly subscriber: string }>;

const placeKey = (place: Place) => `${place.address.family}/${place.address.value}/${place.prefixLength}`;

/**
 * The interval a record shows a client holding its place, or undefined when it shows none (a
 * backup, abandoned or never-held free address). Every such record is history: an active one
 * up to its `ends`, a free, expired or released one up to the `ends` (else `tstp`) it was given.
 */
function holding(
  block: Block,
  place: Place,
  startMs: number | null | undefined,
  subscriber: string | null,
  identityField: string,
  last: LastHolders,
): Lease | undefined {
  const state = stateOf(block);
  const held = HELD_STATES.has(state);
  if (!held && !ENDED_STATES.has(state)) return undefined;
  let endMs = timeOf(block, "ends");
  if (held) {
    if (subscriber === null) {
      throw new EntryError(
        block.line,
        `active ${block.kind} ${block.head} has no ${identityField}, which names the subscriber`,
      );
    }
    if (typeof startMs !== "number") {
      throw new EntryError(block.line, `active ${block.kind} ${block.head} has no start time`);
    }
  } else {
    if (typeof endMs !== "number") endMs = timeOf(block, "tstp");
    if (typeof startMs !== "number" || typeof endMs !== "number") return undefined;
    const before = last.get(placeKey(place));
    subscriber ??= before?.startMs === startMs ? before.subscriber : null;
    if (subscriber === null) return undefined;
  }
  if (typeof endMs === "number" && endMs < startMs) {
    throw new EntryError(
      block.fields.get("ends")?.line ?? block.line,
      `${block.kind} ${block.head} ends before it starts`,
    );
  }
  last.set(placeKey(place), { startMs, subscriber });
  return { ...place, subscriber, startMs, endMs: endMs ?? null };
}

function leaseHolding(block: Block, identity: DhcpdIdentity, last: LastHolders): Lease | undefined {
  const value = parseIpv4(block.head);
  if (value < 0) throw new EntryError(block.line, `lease ${block.head}: not an IPv4 address`);
  const place: Place = { address: { family: 4, value }, prefixLength: 32 };
  const subscriber = subscriberOf(block, identity);
  return holding(block, place, timeOf(block, "starts"), subscriber, IDENTITY_FIELDS[identity], last);
}

/** The DUID of an ia-na/ia-ta/ia-pd block: its id is the 4-byte IAID followed by the DUID. */
function duidOf(ia: Block, id: Statement): string {
  const [value] = id.values;
  if (!value || id.values.length !== 1) throw new EntryError(ia.line, `IA ${ia.head} has no one id`);
  const bytes = bytesOf(value, "IA", ia.line);
  if (bytes.length <= 4)
    throw new EntryError(ia.line, `IA ${ia.head} is too short to hold an IAID and a DUID`);
  return colonHex(bytes.subarray(4));
}

function iaPlace(block: Block): Place {
  try {
    if (block.kind === "iaprefix") {
      const prefix = parsePrefix(block.head);
      if (prefix.family !== 6) throw new UserError(`"${block.head}" is not an IPv6 prefix`);
      return { address: { family: 6, value: prefix.start }, prefixLength: prefix.length };
    }
    const value = parseIpv6(block.head);
    if (value === undefined) throw new UserError(`"${block.head}" is not an IPv6 address`);
    return { address: { family: 6, value }, prefixLength: 128 };
  } catch (error) {
    if (error instanceof UserError) throw new EntryError(block.line, `${block.kind} ${error.message}`);
    throw error;
  }
}

function iaHolding(block: Block, ia: Block, duid: string, last: LastHolders): Lease | undefined {
  const place = iaPlace(block);
  // The client's last transaction, else the end less the lifetime it was given.
  let startMs = timeOf(ia, "cltt");
  const endMs = timeOf(block, "ends");
  const maxLife = block.fields.get("max-life");
  if (typeof startMs !== "number" && typeof endMs === "number" && maxLife) {
    const seconds = single(maxLife, "max-life").text;
    if (!/^\d+$/.test(seconds))
      throw new EntryError(maxLife.line, `max-life ${seconds} is not a number of seconds`);
    startMs = endMs - Number(seconds) * 1000;
  }
  return holding(block, place, startMs, duid, "DUID", last);
}

/** The IA a block belongs to, with its DUID once read (an IA's id is read when its first address closes). */
interface OpenIa {
  readonly block: Block;
  readonly id: Statement;
  duid?: string;
}

/**
 * Reads ISC dhcpd's `dhcpd.leases` (and dhcpd6's `ia-na`/`ia-ta`/`ia-pd` blocks) as dhcpd 4.x
 * writes it: both time formats, comments wherever a `#` may stand. Each record that shows a client
 * holding an address becomes a lease of its own, in file order: the file only appends, so a
 * renewal is a new record with a new start, and a record repeated with a later state (a release
 * that ends it early) has the same address, client and start, which the import keeps once, with
 * the last end. IPv4 subscribers are named by the identity (default the hardware address); IPv6
 * subscribers are always the DUID.
 */
export async function* parseDhcpdLeases(
  lines: Lines,
  options: DhcpdLeasesOptions = {},
): AsyncGenerator<ParseEvent> {
  const identity = options.identity ?? "hardware";
  const last: LastHolders = new Map();
  const stack: Block[] = [];
  let ia: OpenIa | undefined;

  function close(block: Block): ParseEvent[] {
    if (block.kind === "ia") ia = undefined;
    if (block.kind === "other" || (block.kind === "ia" && !block.problem)) return [];
    if (block.problem) return [{ error: block.problem }];
    if (block.kind !== "lease" && ia?.block.problem) return [];
    try {
      let lease: Lease | undefined;
      if (block.kind === "lease") lease = leaseHolding(block, identity, last);
      else {
        const open = ia as OpenIa;
        open.duid ??= duidOf(open.block, open.id);
        lease = iaHolding(block, open.block, open.duid, last);
      }
      return lease ? [{ lease }] : [];
    } catch (error) {
      if (!(error instanceof EntryError)) throw error;
      // A bad IA id is the IA's problem: report it once, when the IA closes.
      if (ia && block.kind !== "lease" && error.line === ia.block.line) {
        ia.block.problem ??= { line: error.line, message: error.message };
        return [];
      }
      return [{ error: { line: error.line, message: error.message } }];
    }
  }

  for await (const event of statementsOf(lines)) {
    const top = stack[stack.length - 1];
    if (event.kind === "open") {
      const [keyword, ...head] = event.statement.values;
      const kind = kindOf(keyword?.text, top);
      const block: Block = {
        kind,
        head: textOf(kind === "other" ? event.statement.values : head),
        line: event.statement.line,
        fields: new Map(),
      };
      if (block.kind === "ia") ia = { block, id: { values: head, line: event.statement.line } };
      stack.push(block);
    } else if (event.kind === "close") {
      if (!top) yield { error: { line: event.line, message: "} without a block to close" } };
      else {
        stack.pop();
        yield* close(top);
      }
    } else if (event.kind === "statement") {
      if (top && top.kind !== "other") readField(top, event.statement.values, event.statement.line);
    } else {
      // A damaged line spoils the record it stands in (reported once), else it is reported alone.
      const record = [...stack].reverse().find((b) => b.kind !== "other");
      const problem = { line: event.line, message: event.message };
      if (record) record.problem ??= problem;
      else yield { error: problem };
    }
  }
  for (const open of stack.filter((b, depth) => b.kind !== "other" || depth === 0)) {
    const what = open.kind === "other" ? "block" : open.kind;
    yield {
      error: { line: open.line, message: `${what} ${open.head} is not closed before the end of the file` },
    };
  }
}
